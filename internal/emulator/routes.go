// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import "strings"

// route maps a method and a path pattern to a handler. Patterns are written
// relative to /v3/{project_id} for project APIs; "{name}" matches one
// non-empty segment.
type route struct {
	method  string
	pattern string
	handle  func(e *Emulator, c *call) response
}

var projectRoutes = []route{
	{"GET", "/jobs", (*Emulator).getJob},
	// ShowGaussMySqlInstanceInfo (instance.go). matchPattern compares whole
	// segments and their count, so this neither shadows nor is shadowed by
	// the longer /instances/{instance_id}/... routes, and a fault's
	// PathSuffix "/instances/{instance_id}" matches this call alone.
	{"GET", "/instances/{instance_id}", (*Emulator).showInstance},
	{"POST", "/instances/{instance_id}/proxy", (*Emulator).createProxy},
	{"DELETE", "/instances/{instance_id}/proxy", (*Emulator).deleteProxies},
	{"GET", "/instances/{instance_id}/proxies", (*Emulator).listProxies},
	// The SDK's ShowGaussMySqlProxyFlavors path; proxy-flavors is how some
	// older reference pages spell it.
	{"GET", "/instances/{instance_id}/proxy/flavors", (*Emulator).listFlavors},
	{"GET", "/instances/{instance_id}/proxy-flavors", (*Emulator).listFlavors},
	// ShowProxyFlavorsByAzCode: the same flavors by availability zone, for
	// a proxy not yet tied to an instance.
	{"GET", "/proxy/flavors", (*Emulator).listFlavorsByAZ},
	{"POST", "/instances/{instance_id}/proxy/enlarge", (*Emulator).enlargeProxy},
	{"PUT", "/instances/{instance_id}/proxy/{proxy_id}/flavor", (*Emulator).changeFlavor},
	{"PUT", "/instances/{instance_id}/proxy/{proxy_id}/reduce", (*Emulator).reduceProxy},
	{"PUT", "/instances/{instance_id}/proxy/{proxy_id}/rename", (*Emulator).renameProxy},
	{"PUT", "/instances/{instance_id}/proxy/{proxy_id}/port", (*Emulator).changePort},
	{"PUT", "/instances/{instance_id}/proxy/{proxy_id}/weight", (*Emulator).changeWeight},
	{"PUT", "/instances/{instance_id}/proxy/{proxy_id}/route-mode", (*Emulator).changeRouteMode},
	// Further settings (settings.go, access.go, parameters.go, network.go,
	// kernel.go), named as in the SDK's gaussDB_meta.go.
	{"POST", "/instances/{instance_id}/proxy/transaction-split", (*Emulator).changeTransactionSplit},        // UpdateTransactionSplitStatus
	{"PUT", "/instances/{instance_id}/proxy/{proxy_id}/session-consistence", (*Emulator).changeConsistence}, // UpdateProxySessionConsistence
	{"PUT", "/instances/{instance_id}/proxy/{proxy_id}/connection-pool-type", (*Emulator).changeConnectionPool},
	{"PUT", "/instances/{instance_id}/proxy/{proxy_id}/ssl", (*Emulator).changeSSL}, // SwitchGaussMySqlProxySsl
	{"PUT", "/instances/{instance_id}/proxy/{proxy_id}/alt", (*Emulator).changeALT}, // SwitchGaussMySqlProxyAlt
	{"PUT", "/instances/{instance_id}/proxy/{proxy_id}/bind", (*Emulator).bindEIP},  // SwitchGaussMySqlProxyEip
	{"POST", "/instances/{instance_id}/proxy/{proxy_id}/access-control-switch", (*Emulator).switchAccessControl},
	{"POST", "/instances/{instance_id}/proxy/{proxy_id}/access-control", (*Emulator).setAccessList},   // CreateAccessControl
	{"GET", "/instances/{instance_id}/proxy/{proxy_id}/ipgroup", (*Emulator).showIPGroup},             // ShowProxyIpgroup
	{"GET", "/instances/{instance_id}/proxy/{proxy_id}/configurations", (*Emulator).listParameters},   // ShowProxyConfigurations
	{"PUT", "/instances/{instance_id}/proxy/{proxy_id}/configurations", (*Emulator).changeParameters}, // UpdateProxyNewConfigurations
	{"POST", "/instances/{instance_id}/proxy/{proxy_id}/new-node-auto-add", (*Emulator).changeNewNodeAutoAdd},
	{"POST", "/instances/{instance_id}/proxy/{proxy_id}/dns", (*Emulator).createDNS},   // CreateProxyDnsName
	{"PUT", "/instances/{instance_id}/proxy/{proxy_id}/dns", (*Emulator).changeDNS},    // UpdateProxyPrivateDnsName
	{"DELETE", "/instances/{instance_id}/proxy/{proxy_id}/dns", (*Emulator).deleteDNS}, // DeleteProxyPrivateDnsName
	{"GET", "/instances/{instance_id}/proxy/{proxy_id}/{engine_name}/proxy-version", (*Emulator).showVersion},
	{"POST", "/instances/{instance_id}/proxy/{proxy_id}/upgrade-version", (*Emulator).upgradeVersion},
	{"POST", "/instances/{instance_id}/proxy/{proxy_id}/restart", (*Emulator).restartProxy}, // RestartProxyInstance
}

// iamTokensPath is the IAM call; it is outside any project and needs no
// credentials other than the ones in its body.
const iamTokensPath = "/v3/auth/tokens" //nolint:gosec // G101: a route path, not a credential

// matchedRoute is a resolved request target.
type matchedRoute struct {
	handle    func(e *Emulator, c *call) response
	pattern   string // e.g. /instances/{instance_id}/proxy; the full path for IAM
	relPath   string // the real path after /v3/{project_id}; the full path for IAM
	project   bool   // a project API: needs authentication and the right project
	projectID string
	params    map[string]string
}

// resolve finds the route for a request, or nil. A known path with the wrong
// method is also nil: the gateway answers unknown APIs with 404.
func resolve(method, path string) *matchedRoute {
	if path == iamTokensPath {
		if method != "POST" {
			return nil
		}
		return &matchedRoute{handle: (*Emulator).issueToken, pattern: iamTokensPath, relPath: iamTokensPath}
	}
	rest, ok := strings.CutPrefix(path, "/v3/")
	if !ok {
		return nil
	}
	projectID, rel, ok := strings.Cut(rest, "/")
	if !ok || projectID == "" {
		return nil
	}
	rel = "/" + rel
	for _, rt := range projectRoutes {
		if rt.method != method {
			continue
		}
		if params, ok := matchPattern(rt.pattern, rel); ok {
			return &matchedRoute{handle: rt.handle, pattern: rt.pattern, relPath: rel, project: true, projectID: projectID, params: params}
		}
	}
	return nil
}

func matchPattern(pattern, path string) (map[string]string, bool) {
	ps := strings.Split(pattern, "/")
	xs := strings.Split(path, "/")
	if len(ps) != len(xs) {
		return nil, false
	}
	params := map[string]string{}
	for i, p := range ps {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if xs[i] == "" {
				return nil, false
			}
			params[p[1:len(p)-1]] = xs[i]
			continue
		}
		if p != xs[i] {
			return nil, false
		}
	}
	return params, true
}
