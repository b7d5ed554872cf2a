// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// accessEnv is an emulator on loopback whose time is the client's fake
// clock, with one proxy seeded with the given access control.
func accessEnv(t *testing.T, seed accessConfig) (*Client, *emulator.Emulator, string, string) {
	t.Helper()
	clk := newFakeClock()
	emu, err := emulator.Start(emulator.Config{Token: "tok", Now: clk.Now, JobDuration: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	inst := emu.InstanceIDs()[0]
	id := emu.SeedProxy(inst, emulator.ProxyView{FlavorRef: "gaussdb.proxy.large.x86.2", NodeNum: 2,
		AccessControl: seed.on, AccessControlType: seed.listType, AccessRules: emulatorRules(seed.ips)})
	c, err := New(Config{
		Endpoint: emu.URL(), ProjectID: emu.ProjectID(), Auth: TokenAuth{Token: "tok"}, Clock: clk, MaxRetries: 2,
		BusyRetryInterval: time.Second, JobSchedule: func() Schedule { return FixedSchedule(500 * time.Millisecond) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, emu, inst, id
}

// accessConfig is an access control as DB clients feel it: on or off, and
// the list that applies when on.
type accessConfig struct {
	on       bool
	listType string
	ips      []string
}

func (a accessConfig) String() string {
	return fmt.Sprintf("on=%t %s%v", a.on, a.listType, a.ips)
}

func emulatorRules(ips []string) []emulator.AccessRule {
	out := []emulator.AccessRule{}
	for _, ip := range ips {
		out = append(out, emulator.AccessRule{IP: ip})
	}
	return out
}

func viewAccess(v emulator.ProxyView) accessConfig {
	a := accessConfig{on: v.AccessControl, listType: v.AccessControlType, ips: []string{}}
	for _, r := range v.AccessRules {
		a.ips = append(a.ips, r.IP)
	}
	return a
}

// sameList says whether two configurations hold the same list (the order
// of the rules aside).
func sameList(a, b accessConfig) bool {
	x, y := slices.Clone(a.ips), slices.Clone(b.ips)
	slices.Sort(x)
	slices.Sort(y)
	return a.listType == b.listType && slices.Equal(x, y)
}

// enforcedBy says whether the rules the proxy enforces in state now are
// rules that one of the two configurations enforces too: off enforces
// nothing (never stricter than either), on enforces its list, which must
// be the list of a configuration that was itself on.
func enforcedBy(now, old, target accessConfig) bool {
	return !now.on || (old.on && sameList(now, old)) || (target.on && sameList(now, target))
}

// The case: ON with an empty blacklist (nobody blocked) to OFF with
// a whitelist. The switch call fails (a 500 to a POST, which is not sent
// again). The proxy must not be left ON with the new whitelist, which
// neither configuration enforces: every client but 10.0.0.1 locked out.
func TestUpdateProxy_accessControlOffFailedSwitchKeepsNewListOff(t *testing.T) {
	old := accessConfig{on: true, listType: "black", ips: []string{}}
	c, emu, inst, id := accessEnv(t, old)
	emu.Inject(emulator.Fault{Method: http.MethodPost, PathSuffix: "/access-control-switch", Kind: emulator.FaultServerError, Status: 500})

	err := c.UpdateProxy(t.Context(), inst, id, ProxyChanges{AccessControl: &AccessControlChange{
		Enabled: false, Type: "white", Rules: []AccessRule{{IP: "10.0.0.1"}},
	}})
	if err == nil {
		t.Fatal("the update succeeded although the switch call failed")
	}
	v, _ := emu.Proxy(inst, id)
	now := viewAccess(v)
	if now.on && now.listType == "white" {
		t.Fatalf("after the failed switch the proxy enforces the new whitelist (%v): clients outside it are locked out", now)
	}
	// Switching off comes first, so its failure leaves the old
	// configuration untouched.
	if now.String() != old.String() {
		t.Errorf("after the failed switch the proxy holds %v, want the old %v", now, old)
	}
}

// Every combination of current and wanted on/off, with the list changed or
// not: whichever of the two calls fails, what DB clients see afterwards
// (which is also what they see between the two calls when both succeed) is
// enforced by the old or the new configuration, never by neither; with no
// failure the proxy ends as wanted.
func TestUpdateProxy_accessControlOrderNeverEnforcesAnUnconfiguredList(t *testing.T) {
	oldList := accessConfig{listType: "black", ips: []string{}}
	newList := accessConfig{listType: "white", ips: []string{"10.0.0.1"}}
	for _, curOn := range []bool{false, true} {
		for _, wantOn := range []bool{false, true} {
			for _, listChanges := range []bool{false, true} {
				old := accessConfig{on: curOn, listType: oldList.listType, ips: oldList.ips}
				target := accessConfig{on: wantOn, listType: oldList.listType, ips: oldList.ips}
				change := &AccessControlChange{Enabled: wantOn}
				if listChanges {
					target.listType, target.ips = newList.listType, newList.ips
					change.Type, change.Rules = newList.listType, []AccessRule{{IP: "10.0.0.1"}}
				}
				for _, failing := range []string{"", "/access-control-switch", "/access-control"} {
					name := fmt.Sprintf("%v to %v, failing %q", old, target, failing)
					t.Run(name, func(t *testing.T) {
						c, emu, inst, id := accessEnv(t, old)
						if failing != "" {
							emu.Inject(emulator.Fault{Method: http.MethodPost, PathSuffix: failing, Kind: emulator.FaultServerError, Status: 500})
						}
						err := c.UpdateProxy(t.Context(), inst, id, ProxyChanges{AccessControl: change})
						v, _ := emu.Proxy(inst, id)
						now := viewAccess(v)
						if !enforcedBy(now, old, target) {
							t.Fatalf("the proxy enforces %v, which neither %v nor %v does (update error: %v)", now, old, target, err)
						}
						if failing == "" {
							if err != nil {
								t.Fatal(err)
							}
							if now.on != target.on || !sameList(now, target) {
								t.Fatalf("the proxy holds %v, want %v", now, target)
							}
							checkAccessCallOrder(t, emu, wantOn)
						}
					})
				}
			}
		}
	}
}

// checkAccessCallOrder: switching off comes before the list, switching on
// after it.
func checkAccessCallOrder(t *testing.T, emu *emulator.Emulator, wantOn bool) {
	t.Helper()
	var calls []string
	for _, r := range emu.Requests() {
		if r.Method != http.MethodPost {
			continue
		}
		switch {
		case strings.HasSuffix(r.Path, "/access-control-switch"):
			calls = append(calls, "switch")
		case strings.HasSuffix(r.Path, "/access-control"):
			calls = append(calls, "list")
		}
	}
	sw, list := slices.Index(calls, "switch"), slices.Index(calls, "list")
	if sw < 0 || list < 0 {
		return // one call only: no order to keep
	}
	if wantOn && sw < list || !wantOn && list < sw {
		t.Errorf("calls %v: switching %s must come %s the list", calls, map[bool]string{true: "on", false: "off"}[wantOn], map[bool]string{true: "after", false: "before"}[wantOn])
	}
}
