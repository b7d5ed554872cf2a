// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// The update steps of the settings in settings.go, in UpdateOrder.

// SettingRefusedError is the API refusing a setting outright: not a busy
// instance or bad credentials, but a request it will not carry out.
// Feature is set when the service refused the feature to this account (a
// 403 with a DBS code: a whitelist-only feature or a newer kernel's);
// otherwise it rejected the value.
type SettingRefusedError struct {
	Setting string
	Feature bool
	Err     error
}

func (e *SettingRefusedError) Error() string {
	if !e.Feature {
		return fmt.Sprintf("the API rejected the value of %s (%v); correct it in the configuration", e.Setting, e.Err)
	}
	return fmt.Sprintf("the API refused %s (%v). Some settings are available only to accounts on Huawei Cloud's whitelist for them "+
		"or to newer proxy kernels: ask Huawei Cloud support to enable it, or remove %s from the configuration", e.Setting, e.Err, e.Setting)
}

func (e *SettingRefusedError) Unwrap() error { return e.Err }

// refused wraps a 4xx that is neither busy, throttling, bad credentials
// nor not-found as a SettingRefusedError naming the setting. A 403 with a
// DBS code is the service refusing the feature to this account, not the
// gateway refusing the credentials.
func refused(setting string, err error) error {
	e, ok := asAPIError(err)
	if !ok || e.Status < 400 || e.Status >= 500 || IsBusy(err) || IsThrottled(err) || HasNotFoundCode(err) {
		return err
	}
	feature := e.Status == http.StatusForbidden && strings.HasPrefix(e.Code, "DBS.")
	if IsAuth(err) && !feature {
		return err
	}
	return &SettingRefusedError{Setting: setting, Feature: feature, Err: err}
}

func (c *Client) settingSteps(instanceID, proxyID string, ch ProxyChanges) []updateStep {
	var steps []updateStep
	if ch.NewNodeAutoAdd != "" || ch.NewNodeWeight != nil {
		steps = append(steps, updateStep{
			name: "changing new_node_auto_add",
			done: func(e *ProxyEntry) bool {
				statusOK := ch.NewNodeAutoAdd == "" || e.Proxy.NewNodeAutoAddStatus == ch.NewNodeAutoAdd
				weightOK := ch.NewNodeWeight == nil || (e.Proxy.NewNodeWeight != nil && int(*e.Proxy.NewNodeWeight) == *ch.NewNodeWeight)
				return statusOK && weightOK
			},
			send: func(ctx context.Context, e *ProxyEntry) (string, error) {
				status := ch.NewNodeAutoAdd
				if status == "" {
					status = e.Proxy.NewNodeAutoAddStatus
				}
				// The weight is sent with OFF too: the SDK lets it be
				// omitted then, not refused, and leaving it out would keep
				// the old weight while state records the new one.
				return "", refused("new_node_auto_add", c.SetNewNodeAutoAdd(ctx, instanceID, proxyID, status, ch.NewNodeWeight))
			},
		})
	}
	if ch.TransactionSplit != "" {
		steps = append(steps, updateStep{
			name: "changing transaction_split to " + ch.TransactionSplit,
			done: func(e *ProxyEntry) bool { return TransactionSplit(e) == ch.TransactionSplit },
			send: func(ctx context.Context, _ *ProxyEntry) (string, error) {
				id, err := c.SetTransactionSplit(ctx, instanceID, proxyID, ch.TransactionSplit)
				return id, refused("transaction_split", err)
			},
		})
	}
	if ch.ConsistenceMode != "" {
		steps = append(steps, updateStep{
			name: "changing consistence_mode to " + ch.ConsistenceMode,
			done: func(e *ProxyEntry) bool { return e.Proxy.ConsistenceMode == ch.ConsistenceMode },
			send: func(ctx context.Context, _ *ProxyEntry) (string, error) {
				id, err := c.SetConsistenceMode(ctx, instanceID, proxyID, ch.ConsistenceMode)
				return id, refused("consistence_mode", err)
			},
		})
	}
	if ch.ConnectionPoolType != "" {
		steps = append(steps, updateStep{
			name: "changing connection_pool_type to " + ch.ConnectionPoolType,
			done: func(e *ProxyEntry) bool { return e.Proxy.ConnectionPoolType == ch.ConnectionPoolType },
			send: func(ctx context.Context, e *ProxyEntry) (string, error) {
				if ch.ConnectionPoolType == "SESSION" && e.Proxy.SwitchConnectionPoolTypeEnabled != nil && !*e.Proxy.SwitchConnectionPoolTypeEnabled {
					return "", &SettingRefusedError{Setting: "connection_pool_type",
						Err: errors.New("the proxy reports switch_connection_pool_type_enabled = false: its kernel has no session-level connection pool")}
				}
				id, err := c.SetConnectionPoolType(ctx, instanceID, proxyID, ch.ConnectionPoolType)
				return id, refused("connection_pool_type", err)
			},
		})
	}
	if ch.SSL != nil {
		want := *ch.SSL
		steps = append(steps, updateStep{
			name: "changing ssl to " + strconv.FormatBool(want),
			done: func(e *ProxyEntry) bool { on, ok := SSLEnabled(e); return ok && on == want },
			send: func(ctx context.Context, _ *ProxyEntry) (string, error) {
				id, err := c.SetSSL(ctx, instanceID, proxyID, want)
				return id, refused("ssl", err)
			},
		})
	}
	if ac := ch.AccessControl; ac != nil {
		var cur *AccessControl
		steps = append(steps, updateStep{
			name: "changing access_control",
			check: func(ctx context.Context, _ *ProxyEntry) (bool, error) {
				var err error
				if cur, err = c.GetAccessControl(ctx, instanceID, proxyID); err != nil {
					return false, err
				}
				return accessControlMatches(cur, ac), nil
			},
			send: func(ctx context.Context, _ *ProxyEntry) (string, error) {
				return "", refused("access_control", c.applyAccessControl(ctx, instanceID, proxyID, cur, ac))
			},
		})
	}
	if len(ch.Parameters) > 0 {
		var known []Parameter
		steps = append(steps, updateStep{
			name: "changing parameters",
			check: func(ctx context.Context, _ *ProxyEntry) (bool, error) {
				var err error
				known, err = c.ListParameters(ctx, instanceID, proxyID)
				if err != nil {
					return false, err
				}
				for _, p := range ch.Parameters {
					if !slices.ContainsFunc(known, func(k Parameter) bool { return k.Name == p.Name }) {
						return false, nil // send says which name is unknown
					}
				}
				return len(parameterChanges(known, ch.Parameters)) == 0, nil
			},
			send: func(ctx context.Context, _ *ProxyEntry) (string, error) {
				for _, p := range ch.Parameters {
					if !slices.ContainsFunc(known, func(k Parameter) bool { return k.Name == p.Name }) {
						return "", &SettingRefusedError{Setting: "parameters", Err: fmt.Errorf("the proxy has no parameter named %q", p.Name)}
					}
				}
				id, err := c.SetParameters(ctx, instanceID, proxyID, parameterChanges(known, ch.Parameters))
				return id, refused("parameters", err)
			},
		})
	}
	if ch.DNSNamePrefix != "" {
		steps = append(steps, c.dnsStep(instanceID, proxyID, ch.DNSNamePrefix))
	}
	return steps
}

// applyAccessControl makes the proxy's access control (cur, as just read)
// what ac asks for, with up to two calls that each act at once: the switch
// and the list (type and rules together). Their order is chosen so that no
// moment, and no failure of the second call, has the proxy enforce rules
// that neither the old nor the new configuration enforces. Off enforces
// nothing; on enforces its list.
//
//   - Target OFF: switch off first, then the list. Between the calls the
//     proxy is off, as wanted, whatever list it still holds; if the list
//     call fails it stays off with the old list, which enforces nothing
//     until the next apply replaces it. The list first would enforce the
//     new list while still on (ON with an empty blacklist to OFF with a
//     whitelist locks out everyone but the whitelist), and a failed switch
//     would leave it so.
//   - Target ON, currently OFF: the list first, while nothing is enforced,
//     then switch on. If the switch fails the proxy stays off, as before.
//     The switch first would enforce the old list, which nobody asked to be
//     on.
//   - Target ON, currently ON: only the list changes, in one call that
//     replaces it at once: old rules, then new ones, nothing in between.
//     Switching off around it would open the proxy to everyone meanwhile.
//   - List not configured or unchanged: only the switch is sent, if needed.
//
// A switch already in the wanted position is not sent: a call not made
// cannot fail half-way.
func (c *Client) applyAccessControl(ctx context.Context, instanceID, proxyID string, cur *AccessControl, ac *AccessControlChange) error {
	switchNeeded := cur.Enabled == nil || *cur.Enabled != ac.Enabled
	if !ac.Enabled && switchNeeded {
		if err := c.SwitchAccessControl(ctx, instanceID, proxyID, false); err != nil {
			return err
		}
	}
	if !accessListMatches(cur, ac) {
		// The call needs both: an unconfigured one keeps what the proxy
		// has (white when it has none yet).
		listType, rules := ac.Type, ac.Rules
		if listType == "" {
			listType = cur.Type
		}
		if listType == "" {
			listType = "white"
		}
		if rules == nil {
			rules = cur.Rules()
		}
		if err := c.SetAccessList(ctx, instanceID, proxyID, listType, rules); err != nil {
			return err
		}
	}
	if ac.Enabled && switchNeeded {
		return c.SwitchAccessControl(ctx, instanceID, proxyID, true)
	}
	return nil
}

// TransactionSplit reads transaction_split as ON or OFF. The SDK documents
// ON/OFF; the provider users migrate from also reads "true" as ON, so both
// spellings are taken.
func TransactionSplit(e *ProxyEntry) string {
	switch strings.ToUpper(strings.TrimSpace(e.Proxy.TransactionSplit)) {
	case "ON", "TRUE":
		return "ON"
	case "OFF", "FALSE":
		return "OFF"
	}
	return e.Proxy.TransactionSplit
}

// SSLEnabled reads ssl_option ("true"/"false" as a string); ok is false
// when the API did not report it.
func SSLEnabled(e *ProxyEntry) (on, ok bool) {
	v, err := strconv.ParseBool(string(e.Proxy.SSLOption))
	return v, err == nil
}

func accessControlMatches(cur *AccessControl, want *AccessControlChange) bool {
	return cur.Enabled != nil && *cur.Enabled == want.Enabled && accessListMatches(cur, want)
}

// accessListMatches says whether the proxy's list already is the one
// wanted; an unconfigured type or list matches whatever the proxy has.
func accessListMatches(cur *AccessControl, want *AccessControlChange) bool {
	if want.Type != "" && cur.Type != want.Type {
		return false
	}
	if want.Rules == nil {
		return true
	}
	// The API need not keep the order: compare as sets.
	have := map[AccessRule]int{}
	for _, r := range cur.Rules() {
		have[r]++
	}
	for _, r := range want.Rules {
		have[r]--
	}
	for _, n := range have {
		if n != 0 {
			return false
		}
	}
	return true
}

// parameterChanges is the update body for the wanted values that differ
// from the known ones, with each parameter's elem_type.
func parameterChanges(known []Parameter, want []ParameterValue) []ParameterChange {
	var out []ParameterChange
	for _, w := range want {
		for _, k := range known {
			if k.Name == w.Name && k.Value != w.Value {
				out = append(out, ParameterChange{Name: w.Name, Value: w.Value, ElemType: k.ElemType})
			}
		}
	}
	return out
}

// DetailsWanted says which settings outside the proxy list a read fetches.
type DetailsWanted struct {
	AccessControl bool
	Parameters    bool
}

// ProxyDetails is a proxy with the settings read by calls of their own. A
// detail that could not be read is nil, with the reason in Warnings: a
// refresh keeps what it had rather than fail on an account that may not
// read, say, parameters.
type ProxyDetails struct {
	Entry         *ProxyEntry
	Version       *ProxyVersion
	AccessControl *AccessControl
	Parameters    []Parameter
	Warnings      []error
}

// ReadProxyDetails reads the proxy (shared with other refreshes when
// shared is true, see ReadProxy), its kernel version, and what want asks
// for. Only the proxy itself failing to read is an error.
func (c *Client) ReadProxyDetails(ctx context.Context, instanceID, proxyID string, want DetailsWanted, shared bool) (*ProxyDetails, error) {
	read := c.FindProxy
	if shared {
		read = c.ReadProxy
	}
	e, err := read(ctx, instanceID, proxyID)
	if err != nil {
		return nil, err
	}
	d := &ProxyDetails{Entry: e}
	c.readDetails(ctx, instanceID, proxyID, want, d)
	return d, nil
}
