// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

// Recorded acceptance tests ("VCR"): the same Terraform test either records
// the provider's API traffic into testdata/cassettes/<TestName>.yaml, or
// replays it from there, offline and without an emulator.
//
//	TAURUSDB_VCR unset or "replay": replay the cassette (skip if there is
//	                                none and the variable is unset).
//	TAURUSDB_VCR=record:            record. Against the real cloud when
//	                                TAURUSDB_VCR_INSTANCE_ID is set (with the
//	                                usual HW_* variables), else against a local
//	                                emulator with fixed project and instance
//	                                IDs.
const (
	vcrModeEnv     = "TAURUSDB_VCR"
	vcrInstanceEnv = "TAURUSDB_VCR_INSTANCE_ID"
	vcrFlavorEnv   = "TAURUSDB_VCR_FLAVOR"
	vcrRedactEnv   = "TAURUSDB_VCR_REDACT"

	vcrCassetteDir    = "testdata/cassettes"
	vcrDefaultFlavor  = "gaussdb.proxy.large.x86.2"
	vcrReplayEndpoint = "http://127.0.0.1:1" // never dialled: the replayer answers
	vcrReplayToken    = "vcr-replay-token"
)

type vcrMode int

const (
	vcrReplay vcrMode = iota
	vcrRecordEmulator
	vcrRecordCloud
)

func (m vcrMode) String() string {
	return [...]string{"replay", "record (emulator)", "record (cloud)"}[m]
}

// vcrEnv is one recorded test: its mode, the provider set up for it, and the
// interactions the provider has been answered with so far (recorded or
// replayed), on which the checks run in every mode.
type vcrEnv struct {
	t        *testing.T
	mode     vcrMode
	cassette string // path without ".yaml"

	acc *accEnv            // record against the emulator
	rec *recorder.Recorder // record
	rp  *replayer          // replay

	instanceID, flavor string

	mu     sync.Mutex
	served []*cassette.Interaction
}

type vcrOptions struct {
	// cloud: the test can be recorded against the real cloud (tests that
	// need a scripted failure cannot).
	cloud bool
	// replayOf makes the test replay another test's cassette and never
	// record (it changes only what the CLI reads, not what it changes).
	replayOf string
}

// newVCREnv picks the mode and sets up recording or replay.
func newVCREnv(t *testing.T, o vcrOptions) *vcrEnv {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		// Before anything else: a recorder stopped in a skipped test
		// would write an empty cassette.
		t.Skip("acceptance test: set TF_ACC=1")
	}
	name := t.Name()
	if o.replayOf != "" {
		name = o.replayOf
	}
	v := &vcrEnv{t: t, cassette: filepath.Join(vcrCassetteDir, name)}
	switch m := os.Getenv(vcrModeEnv); m {
	case "record":
		if o.replayOf != "" {
			t.Skipf("replays the cassette of %s; nothing to record", o.replayOf)
		}
		v.mode = vcrRecordEmulator
		if os.Getenv(vcrInstanceEnv) != "" {
			if !o.cloud {
				t.Skipf("%s is recorded against the emulator only (the cloud cannot be made to fail on purpose); unset %s to re-record it", t.Name(), vcrInstanceEnv)
			}
			v.mode = vcrRecordCloud
		}
	case "", "replay":
		if _, err := os.Stat(v.cassette + ".yaml"); err != nil {
			if m == "" {
				t.Skipf("no cassette %s.yaml; record it with %s=record", v.cassette, vcrModeEnv)
			}
			t.Fatalf("%s=replay: %v", vcrModeEnv, err)
		}
		v.mode = vcrReplay
	default:
		t.Fatalf("%s=%q: want record or replay (unset means replay)", vcrModeEnv, m)
	}
	if v.mode == vcrReplay {
		v.setUpReplay()
	} else {
		v.setUpRecord()
	}
	t.Logf("%s: %s, cassette %s.yaml", t.Name(), v.mode, v.cassette)
	return v
}

func (v *vcrEnv) setUpReplay() {
	t := v.t
	rp, err := loadReplayer(v.cassette)
	if err != nil {
		t.Fatal(err)
	}
	rp.onServe = v.serve
	v.rp = rp
	v.instanceID = vcrInstanceID
	// The flavor is whatever the recording asked for (TAURUSDB_VCR_FLAVOR
	// may have chosen one that the maintainer's region sells).
	v.flavor = recordedFlavor(rp.ints)
	if v.flavor == "" {
		t.Fatalf("%s.yaml has no create request (POST .../proxy with flavor_ref)", v.cassette)
	}
	t.Cleanup(func() {
		summary, err := rp.report()
		t.Log(summary)
		if err != nil {
			t.Error(err)
		}
	})
}

func recordedFlavor(ints []*cassette.Interaction) string {
	for _, i := range ints {
		u, err := url.Parse(i.Request.URL)
		if err != nil || i.Request.Method != http.MethodPost || !strings.HasSuffix(u.Path, "/proxy") {
			continue
		}
		var body struct {
			FlavorRef string `json:"flavor_ref"`
		}
		if json.Unmarshal([]byte(i.Request.Body), &body) == nil && body.FlavorRef != "" {
			return body.FlavorRef
		}
	}
	return ""
}

func (v *vcrEnv) setUpRecord() {
	t := v.t
	red := &redactor{}
	for _, e := range []string{"HW_AUTH_TOKEN", "HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN", "HW_USER_PASSWORD", "HW_USER_NAME", "HW_DOMAIN_NAME"} {
		red.addSecret(os.Getenv(e))
	}
	for _, s := range strings.Split(os.Getenv(vcrRedactEnv), ",") {
		red.addReplace(strings.TrimSpace(s), "redacted")
	}
	v.flavor = vcrDefaultFlavor
	if f := os.Getenv(vcrFlavorEnv); f != "" {
		v.flavor = f
	}
	var realInstance string
	switch v.mode {
	case vcrRecordEmulator:
		// Fixed IDs, so that a re-recording differs only where the
		// behaviour did (and in the emulator's random proxy/job IDs).
		v.acc = newAccEnv(t, emulator.Config{ProjectID: vcrProjectID, Instances: []string{vcrInstanceID}, JobDuration: 300 * time.Millisecond})
		red.addSecret(testToken)
		v.instanceID = vcrInstanceID
	case vcrRecordCloud:
		project := os.Getenv("HW_PROJECT_ID")
		if !projectIDRe.MatchString(project) {
			t.Fatalf("recording against the cloud needs HW_PROJECT_ID (32 letters and digits), got %q", project)
		}
		realInstance = os.Getenv(vcrInstanceEnv)
		if !instanceIDRe.MatchString(realInstance) {
			t.Fatalf("%s=%q is not an instance ID (36 characters ending in in07)", vcrInstanceEnv, realInstance)
		}
		red.addReplace(project, vcrProjectID)
		red.addReplace(realInstance, vcrInstanceID)
		v.instanceID = realInstance
	}
	insecure, _ := strconv.ParseBool(os.Getenv("HW_INSECURE"))
	rec, err := recorder.New(v.cassette,
		recorder.WithMode(recorder.ModeRecordOnly),
		recorder.WithRealTransport(taurusdb.NewHTTPClient(insecure).Transport),
		// Recording already took the time; do not wait it again.
		recorder.WithSkipRequestLatency(true),
		recorder.WithHook(func(i *cassette.Interaction) error { v.serve(i); return nil }, recorder.AfterCaptureHook),
		// Redaction happens on save only, so the provider sees the
		// real answers while recording.
		recorder.WithHook(red.hook, recorder.BeforeSaveHook),
	)
	if err != nil {
		t.Fatal(err)
	}
	v.rec = rec
	t.Cleanup(func() {
		if t.Failed() || t.Skipped() {
			t.Logf("%s.yaml not written: the test did not pass", v.cassette)
			return
		}
		if realInstance != "" {
			red.learnInstanceName(v.interactions(), realInstance)
		}
		if err := rec.Stop(); err != nil {
			t.Errorf("writing %s.yaml: %v", v.cassette, err)
			return
		}
		t.Logf("recorded %d interactions into %s.yaml; review the diff before committing it", len(v.interactions()), v.cassette)
	})
}

func (v *vcrEnv) serve(i *cassette.Interaction) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.served = append(v.served, i)
}

func (v *vcrEnv) interactions() []*cassette.Interaction {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]*cassette.Interaction(nil), v.served...)
}

// instantClock makes every wait of the client return at once: a replay has
// nothing to wait for.
type instantClock struct{}

func (instantClock) Now() time.Time                                   { return time.Now() }
func (instantClock) Sleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func (v *vcrEnv) clientOptions(c *taurusdb.Config) {
	switch v.mode {
	case vcrReplay:
		c.HTTPClient = &http.Client{Transport: v.rp}
		c.Clock = instantClock{}
		c.JobSchedule = func() taurusdb.Schedule { return taurusdb.FixedSchedule(0) }
		c.Backoff, c.MaxBackoff, c.BusyRetryInterval = time.Millisecond, time.Millisecond, time.Millisecond
	case vcrRecordEmulator:
		fastClient(c)
		c.HTTPClient = v.rec.GetDefaultClient()
	case vcrRecordCloud:
		// The real schedule: the cassette then shows how the provider
		// polls real jobs.
		c.HTTPClient = v.rec.GetDefaultClient()
	}
}

func (v *vcrEnv) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"taurusdb": providerserver.NewProtocol6WithError(NewWithOptions("test", Options{ClientOptions: v.clientOptions})()),
	}
}

// providerHCL never holds real credentials: against the cloud every setting
// comes from the environment (HW_*, TAURUSDB_ENDPOINT).
func (v *vcrEnv) providerHCL() string {
	switch v.mode {
	case vcrRecordEmulator:
		return fmt.Sprintf("provider \"taurusdb\" {\n  endpoint   = %q\n  project_id = %q\n  auth_token = %q\n}\n", v.acc.emu.URL(), vcrProjectID, testToken)
	case vcrRecordCloud:
		return "provider \"taurusdb\" {}\n"
	}
	return fmt.Sprintf("provider \"taurusdb\" {\n  endpoint   = %q\n  project_id = %q\n  auth_token = %q\n}\n", vcrReplayEndpoint, vcrProjectID, vcrReplayToken)
}

// vcrCall is a served interaction, decoded for the checks.
type vcrCall struct {
	method, path string
	query        url.Values
	body         string
	status       int
	resp         string
}

func (v *vcrEnv) calls() []vcrCall {
	var out []vcrCall
	for _, i := range v.interactions() {
		u, err := url.Parse(i.Request.URL)
		if err != nil {
			continue
		}
		out = append(out, vcrCall{method: i.Request.Method, path: u.Path, query: u.Query(), body: i.Request.Body, status: i.Response.Code, resp: i.Response.Body})
	}
	return out
}

func (c vcrCall) isDelete() bool {
	return c.method == http.MethodDelete && strings.HasSuffix(c.path, "/proxy")
}

func (c vcrCall) isJobPoll(jobID string) bool {
	return c.method == http.MethodGet && strings.HasSuffix(c.path, "/jobs") && c.query.Get("id") == jobID
}

func (c vcrCall) deleted() []string {
	var body taurusdb.DeleteProxyRequest
	_ = json.Unmarshal([]byte(c.body), &body)
	return body.ProxyIDs
}

func (c vcrCall) jobID() string {
	var out struct {
		JobID string `json:"job_id"`
	}
	_ = json.Unmarshal([]byte(c.resp), &out)
	return out.JobID
}

func (c vcrCall) job() (status, failReason string) {
	var out struct {
		Job struct {
			Status     string `json:"status"`
			FailReason string `json:"fail_reason"`
		} `json:"job"`
	}
	_ = json.Unmarshal([]byte(c.resp), &out)
	return out.Job.Status, out.Job.FailReason
}

// lists reports whether a proxy list answer shows the proxy (not DELETED).
func (c vcrCall) lists(proxyID string) bool {
	var out struct {
		ProxyList []struct {
			Proxy struct {
				PoolID string `json:"pool_id"`
				Status string `json:"status"`
			} `json:"proxy"`
		} `json:"proxy_list"`
	}
	_ = json.Unmarshal([]byte(c.resp), &out)
	for _, e := range out.ProxyList {
		if e.Proxy.PoolID == proxyID && e.Proxy.Status != taurusdb.ProxyDeleted {
			return true
		}
	}
	return false
}

// deletes returns the proxy_ids of every DELETE .../proxy served.
func (v *vcrEnv) deletes() [][]string {
	var out [][]string
	for _, c := range v.calls() {
		if c.isDelete() {
			out = append(out, c.deleted())
		}
	}
	return out
}

// deleteOutcomes returns, for each DELETE naming proxyID, the final status
// and fail_reason of its job as the provider last polled it.
func (v *vcrEnv) deleteOutcomes(proxyID string) [][2]string {
	calls := v.calls()
	var out [][2]string
	for k, c := range calls {
		if !c.isDelete() || len(c.deleted()) != 1 || c.deleted()[0] != proxyID {
			continue
		}
		var res [2]string
		for _, p := range calls[k+1:] {
			if p.isJobPoll(c.jobID()) {
				res[0], res[1] = p.job()
			}
		}
		out = append(out, res)
	}
	return out
}

// checkDeleteWaited proves from the traffic that destroy waited: after the
// last DELETE naming the proxy, the provider polled its job until Completed
// and then saw the proxy gone from the list.
func (v *vcrEnv) checkDeleteWaited(proxyID string) error {
	calls := v.calls()
	last := -1
	for k, c := range calls {
		if c.isDelete() && c.status/100 == 2 && len(c.deleted()) == 1 && c.deleted()[0] == proxyID {
			last = k
		}
	}
	if last < 0 {
		return fmt.Errorf("no successful DELETE naming proxy %s", proxyID)
	}
	job := calls[last].jobID()
	done := -1
	for k := last + 1; k < len(calls); k++ {
		if st, _ := calls[k].job(); calls[k].isJobPoll(job) && st == taurusdb.JobCompleted {
			done = k
			break
		}
	}
	if done < 0 {
		return fmt.Errorf("the provider never saw delete job %s of proxy %s Completed: destroy did not wait for it", job, proxyID)
	}
	for _, c := range calls[done+1:] {
		if c.method == http.MethodGet && strings.HasSuffix(c.path, "/proxies") && c.status == http.StatusOK && !c.lists(proxyID) {
			return nil
		}
	}
	return fmt.Errorf("after delete job %s completed, the provider never saw proxy %s leave the list", job, proxyID)
}

// checkDestroyed is CheckDestroy in every mode: the traffic shows each proxy
// in state deleted and waited for; a replay used every recorded mutating
// request; a recording against the emulator also asks the emulator.
func (v *vcrEnv) checkDestroyed(s *terraform.State) error {
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "taurusdb_proxy_instance" {
			continue
		}
		if err := v.checkDeleteWaited(rs.Primary.ID); err != nil {
			return err
		}
	}
	if v.rp != nil {
		if unused := v.rp.unusedMutating(); len(unused) > 0 {
			return fmt.Errorf("recorded mutating requests never sent:\n  %s", strings.Join(unused, "\n  "))
		}
	}
	if v.acc != nil {
		return v.acc.checkDestroyed(s)
	}
	return nil
}
