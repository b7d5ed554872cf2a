// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"time"
)

// Switches of an existing proxy, each with the request model the SDK gives
// it (services/gaussdb/v3/model). A call whose response model holds job_id
// runs a job and the setting changes when the job completes; the others
// change at once. Every setting that MysqlProxyV3 has a field for shows in
// the proxy list; the others show only in ProxyView.

// settingJob starts a job on one proxy that applies change when it
// completes (and marks the proxy updated then). The proxy stays ACTIVE
// meanwhile: MysqlProxyV3 documents no status for these changes. A failed
// job changes nothing.
func (e *Emulator) settingJob(c *call, inst *instance, p *proxy, name string, change func(q *proxy)) response {
	id := p.id
	j := e.startJob(c, inst, name, []string{id},
		func(at time.Time) {
			if q := changed(inst, id, at); q != nil {
				change(q)
			}
		}, nil)
	return jobAccepted(http.StatusOK, j)
}

func checkOnOff(field string, v *string) *response {
	switch {
	case v == nil:
		r := badRequest("%s is required", field)
		return &r
	case *v != switchOn && *v != switchOff:
		r := badRequest("%s %q is not valid: use ON or OFF", field, *v)
		return &r
	}
	return nil
}

// transactionSplitRequest is the SDK's ProxyTransactionSplitRequest.
type transactionSplitRequest struct {
	TransactionSplit *string  `json:"transaction_split"`
	ProxyIDList      []string `json:"proxy_id_list"`
}

// changeTransactionSplit is POST /instances/{instance_id}/proxy/transaction-split
// (UpdateTransactionSplitStatus). The path names no proxy: proxy_id_list
// does, and the SDK says it takes a single proxy, so a list of any other
// length is refused. transaction_split (ON or OFF) shows in the list when
// the job completes.
func (e *Emulator) changeTransactionSplit(c *call) response {
	inst, fail := e.instanceOf(c)
	if fail != nil {
		return *fail
	}
	var req transactionSplitRequest
	if fail := decode(c.body, &req); fail != nil {
		return *fail
	}
	if fail := checkOnOff("transaction_split", req.TransactionSplit); fail != nil {
		return *fail
	}
	if len(req.ProxyIDList) != 1 {
		return badRequest("proxy_id_list must name exactly one proxy (got %d)", len(req.ProxyIDList))
	}
	p, fail := e.proxyOf(inst, req.ProxyIDList[0])
	if fail != nil {
		return *fail
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	split := *req.TransactionSplit
	return e.settingJob(c, inst, p, jobTransactionSplit, func(q *proxy) { q.transactionSplit = split })
}

// Consistency modes (consistence_mode).
const (
	consistSession  = "session"
	consistGlobal   = "global"
	consistEventual = "eventual"
)

// consistenceRequest is the SDK's ModifyProxyConsistRequest.
// session_consistence is a string ("true"/"false") there; flexBool also
// takes a bool, which the public reference provider sends.
type consistenceRequest struct {
	SessionConsistence *flexBool `json:"session_consistence"`
	ConsistenceMode    *string   `json:"consistence_mode"`
}

// changeConsistence is PUT .../proxy/{proxy_id}/session-consistence
// (UpdateProxySessionConsistence). consistence_mode, when given, decides the
// mode (session, global or eventual); without it session_consistence does:
// true is session, false eventual. A mode that contradicts
// session_consistence (session with false, eventual with true) is refused;
// global goes with either. The mode shows as consistence_mode in the list
// when the job completes.
func (e *Emulator) changeConsistence(c *call) response {
	var req consistenceRequest
	inst, p, fail := e.proxyCall(c, &req)
	if fail != nil {
		return *fail
	}
	if req.SessionConsistence == nil {
		return badRequest(`session_consistence ("true" or "false") is required`)
	}
	session := bool(*req.SessionConsistence)
	mode := consistEventual
	if session {
		mode = consistSession
	}
	if req.ConsistenceMode != nil && *req.ConsistenceMode != "" {
		mode = *req.ConsistenceMode
		switch {
		case mode != consistSession && mode != consistGlobal && mode != consistEventual:
			return badRequest("consistence_mode %q is not valid: use session, global or eventual", mode)
		case mode == consistSession && !session, mode == consistEventual && session:
			return badRequest("consistence_mode %s contradicts session_consistence %t", mode, session)
		}
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	return e.settingJob(c, inst, p, jobConsistence, func(q *proxy) { q.consistenceMode = mode })
}

// sessionPoolSupported says whether the proxy's kernel has the
// session-level connection pool (listed as
// switch_connection_pool_type_enabled). The user guide names 2.22.07.000 as
// the first kernel with it.
func (e *Emulator) sessionPoolSupported(p *proxy) bool {
	return !e.cfg.NoSessionConnectionPool && compareVersions(p.version, minSessionPoolVersion) >= 0
}

// changeConnectionPool is PUT .../proxy/{proxy_id}/connection-pool-type
// (UpdateProxyConnectionPoolType, body ProxyUpdateProxyConnectionPoolTypeRequest):
// CLOSED or SESSION, listed as connection_pool_type when the job completes.
// SESSION is refused where switch_connection_pool_type_enabled is false.
func (e *Emulator) changeConnectionPool(c *call) response {
	var req struct {
		ConnectionPoolType *string `json:"connection_pool_type"`
	}
	inst, p, fail := e.proxyCall(c, &req)
	if fail != nil {
		return *fail
	}
	switch {
	case req.ConnectionPoolType == nil:
		return badRequest("connection_pool_type is required")
	case *req.ConnectionPoolType != poolClosed && *req.ConnectionPoolType != poolSession:
		return badRequest("connection_pool_type %q is not valid: use CLOSED or SESSION", *req.ConnectionPoolType)
	}
	pool := *req.ConnectionPoolType
	if pool == poolSession && !e.sessionPoolSupported(p) {
		return apiError(http.StatusBadRequest, ErrorCodeNoSessionPool,
			"The proxy %s does not support the session-level connection pool (kernel %s; switch_connection_pool_type_enabled is false): upgrade the proxy kernel to %s or later.",
			p.id, p.version, minSessionPoolVersion)
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	return e.settingJob(c, inst, p, jobConnectionPool, func(q *proxy) { q.connectionPoolType = pool })
}

// changeSSL is PUT .../proxy/{proxy_id}/ssl (SwitchGaussMySqlProxySsl, body
// SwitchProxySslRequest): ssl_option is a bool in the request and the
// string "true"/"false" in the list, where it shows when the job completes.
func (e *Emulator) changeSSL(c *call) response {
	var req struct {
		SSLOption *flexBool `json:"ssl_option"`
	}
	inst, p, fail := e.proxyCall(c, &req)
	if fail != nil {
		return *fail
	}
	if req.SSLOption == nil {
		return badRequest("ssl_option (true or false) is required")
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	on := bool(*req.SSLOption)
	return e.settingJob(c, inst, p, jobSSL, func(q *proxy) { q.ssl = on })
}

// ALT switch values (lowercase, unlike the ON/OFF switches).
const (
	altOn  = "on"
	altOff = "off"
)

// altRequest is the SDK's SwitchGaussMySqlProxyAltRequestBody.
type altRequest struct {
	AltEnabled     *string `json:"alt_enabled"`
	AltForReadonly *string `json:"alt_for_readonly"`
}

// changeALT is PUT .../proxy/{proxy_id}/alt (SwitchGaussMySqlProxyAlt). It
// switches ALT, the proxy's application-lossless-and-transparent feature
// (alt_enabled), and ALT for read-only connections (alt_for_readonly), both
// "on" or "off"; it is neither an SSL nor an EIP switch. alt_for_readonly
// defaults to off, as the SDK documents, and cannot be on while ALT is off.
// MysqlProxyV3 has no field for either, so the result shows only in
// ProxyView (ALT, ALTForReadonly).
func (e *Emulator) changeALT(c *call) response {
	var req altRequest
	inst, p, fail := e.proxyCall(c, &req)
	if fail != nil {
		return *fail
	}
	readonly := altOff
	if req.AltForReadonly != nil {
		readonly = *req.AltForReadonly
	}
	switch {
	case req.AltEnabled == nil:
		return badRequest("alt_enabled (on or off) is required")
	case *req.AltEnabled != altOn && *req.AltEnabled != altOff:
		return badRequest("alt_enabled %q is not valid: use on or off", *req.AltEnabled)
	case readonly != altOn && readonly != altOff:
		return badRequest("alt_for_readonly %q is not valid: use on or off", readonly)
	case *req.AltEnabled == altOff && readonly == altOn:
		return badRequest("alt_for_readonly cannot be on while alt_enabled is off")
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	on, ro := *req.AltEnabled == altOn, readonly == altOn
	return e.settingJob(c, inst, p, jobALT, func(q *proxy) { q.alt, q.altReadonly = on, ro })
}

// resultJSON is the SDK's UpdateNewNodeAutoAddSwitchResponse (and
// UpdateProxyNameResponse): {"result": "success"}.
type resultJSON struct {
	Result string `json:"result"`
}

// notWhitelisted is the answer to a feature the account may not use
// (Config.NotWhitelisted).
func notWhitelisted(feature string) response {
	return apiError(http.StatusForbidden, ErrorCodeNotWhitelisted,
		"%s is not available to this account: it is open only to whitelisted accounts. Submit a service ticket to apply for it.", feature)
}

const featureNewNodeAutoAdd = "Adding new nodes to the proxy automatically"

// changeNewNodeAutoAdd is POST .../proxy/{proxy_id}/new-node-auto-add
// (UpdateNewNodeAutoAddSwitch, body UpdateNewNodeAutoAddSwitchRequestBody).
// It takes effect at once and answers {"result": "success"}; the list shows
// new_node_auto_add_status and new_node_weight. switch_status is ON or OFF;
// weight (0..1000) is optional and, when absent, keeps the current weight.
// Whitelisted accounts only (Config.NotWhitelisted: 403).
func (e *Emulator) changeNewNodeAutoAdd(c *call) response {
	var req struct {
		SwitchStatus *string `json:"switch_status"`
		Weight       *int    `json:"weight"`
	}
	_, p, fail := e.proxyCall(c, &req)
	if fail != nil {
		return *fail
	}
	if fail := checkOnOff("switch_status", req.SwitchStatus); fail != nil {
		return *fail
	}
	if w := req.Weight; w != nil && (*w < 0 || *w > maxWeight) {
		return badRequest("weight %d is out of range 0..%d", *w, maxWeight)
	}
	if e.cfg.NotWhitelisted {
		return notWhitelisted(featureNewNodeAutoAdd)
	}
	p.newNodeAutoAdd = *req.SwitchStatus
	if req.Weight != nil {
		p.newNodeWeight = *req.Weight
	}
	p.updatedAt = c.now
	return jsonResponse(http.StatusOK, resultJSON{Result: "success"})
}
