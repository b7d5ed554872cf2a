// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The proxy kernel: its version, upgrades, and restarts.

// ProxyVersions are the proxy kernel versions the emulator knows, oldest
// first. The shape is that of the kernel versions the user guide names
// (2.22.07.000 is the first with the session-level connection pool); the
// other values are the emulator's.
var ProxyVersions = []string{"2.22.01.000", "2.22.07.000", "2.23.12.000", "2.24.06.000", LatestProxyVersion}

// LatestProxyVersion is the newest kernel: what new proxies get unless
// Config.NewProxyVersion says otherwise, and the only upgrade target.
const LatestProxyVersion = "2.25.06.000"

// minSessionPoolVersion is the first kernel with the session-level
// connection pool (the user guide).
const minSessionPoolVersion = "2.22.07.000"

// compareVersions compares dotted version numbers part by part,
// numerically; a part that is not a number compares as 0.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(as), len(bs)) {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// proxyVersionJSON is the SDK's ShowProxyVersionResponse. risk describes
// the pending upgrade and is absent when there is none.
type proxyVersionJSON struct {
	CurrentVersion string    `json:"current_version"`
	LatestVersion  string    `json:"latest_version"`
	CanUpgrade     bool      `json:"can_upgrade"`
	Risk           *riskJSON `json:"risk,omitempty"`
}

// riskJSON is ProxyEngineRisk; its texts are the emulator's.
type riskJSON struct {
	Level                 int    `json:"level"` // 1, the only level the SDK documents
	Suggest               string `json:"suggest"`
	Influence             string `json:"influence"`
	Guidance              string `json:"guidance"`
	ServiceImpactDuration string `json:"service_impact_duration"`
	UpgradeDuration       string `json:"upgrade_duration"`
}

// showVersion is GET .../proxy/{proxy_id}/{engine_name}/proxy-version
// (ShowProxyVersion). engine_name must be taurusproxy.
func (e *Emulator) showVersion(c *call) response {
	_, p, fail := e.proxyCall(c, &struct{}{})
	if fail != nil {
		return *fail
	}
	if engine := c.params["engine_name"]; engine != proxyEngineName {
		return badRequest("engine_name %q is not valid: use %s", engine, proxyEngineName)
	}
	out := proxyVersionJSON{CurrentVersion: p.version, LatestVersion: LatestProxyVersion}
	if compareVersions(p.version, LatestProxyVersion) < 0 {
		out.CanUpgrade = true
		out.Risk = &riskJSON{
			Level:                 1,
			Suggest:               "The new kernel fixes known issues of " + p.version + "; upgrade at your convenience.",
			Influence:             "Connections through the proxy are interrupted while its nodes restart.",
			Guidance:              "Upgrade during off-peak hours and make sure your applications reconnect automatically.",
			ServiceImpactDuration: "30s",
			UpgradeDuration:       "5min",
		}
	}
	return jsonResponse(http.StatusOK, out)
}

// upgradeResultJSON is the SDK's UpgradeProxyVersionResponse.
type upgradeResultJSON struct {
	UpdateResult []upgradeDetailJSON `json:"update_result"`
}

// upgradeDetailJSON is ProxyUpgradeVersionDetail. workflow_id is the job
// to wait for (GET /jobs?id=); state is ACCEPT and error_message "" when
// the upgrade started, as the public reference provider expects.
type upgradeDetailJSON struct {
	InstanceID   string `json:"instance_id"`
	WorkflowID   string `json:"workflow_id"`
	State        string `json:"state"`
	ErrorMessage string `json:"error_message"`
}

// upgradeVersion is POST .../proxy/{proxy_id}/upgrade-version
// (UpgradeProxyVersion, body ProxyUpgradeProxyVersionRequest).
// source_version must be the current version and target_version the latest
// (the only one ShowProxyVersion offers); a proxy already on the latest
// kernel cannot upgrade. The answer has no job_id but update_result[0]
// .workflow_id, a job after which current_version is the target.
func (e *Emulator) upgradeVersion(c *call) response {
	var req struct {
		SourceVersion *string `json:"source_version"`
		TargetVersion *string `json:"target_version"`
	}
	inst, p, fail := e.proxyCall(c, &req)
	if fail != nil {
		return *fail
	}
	switch {
	case req.SourceVersion == nil || *req.SourceVersion == "":
		return badRequest("source_version is required")
	case req.TargetVersion == nil || *req.TargetVersion == "":
		return badRequest("target_version is required")
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	switch {
	case compareVersions(p.version, LatestProxyVersion) >= 0:
		return badRequest("the proxy %s already runs the latest kernel %s: no upgrade is available", p.id, p.version)
	case *req.SourceVersion != p.version:
		return badRequest("source_version %s is not the proxy's current kernel version %s", *req.SourceVersion, p.version)
	case *req.TargetVersion != LatestProxyVersion:
		return badRequest("target_version %s is not available: the proxy can upgrade to %s", *req.TargetVersion, LatestProxyVersion)
	}
	id, target := p.id, *req.TargetVersion
	j := e.startJob(c, inst, jobUpgrade, []string{id},
		func(at time.Time) {
			if q := changed(inst, id, at); q != nil {
				q.version = target
			}
		}, nil)
	return jsonResponse(http.StatusOK, upgradeResultJSON{UpdateResult: []upgradeDetailJSON{
		{InstanceID: inst.id, WorkflowID: j.id, State: "ACCEPT", ErrorMessage: ""},
	}})
}

// restartProxy is POST .../proxy/{proxy_id}/restart (RestartProxyInstance,
// no body). MysqlProxyV3 documents no status for a restart, so the proxy
// stays ACTIVE; ProxyView.Restarts counts the completed ones.
func (e *Emulator) restartProxy(c *call) response {
	inst, p, fail := e.proxyCall(c, &struct{}{})
	if fail != nil {
		return *fail
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	return e.settingJob(c, inst, p, jobRestart, func(q *proxy) { q.restarts++ })
}
