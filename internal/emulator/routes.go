// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import "strings"

// route maps a method and a path pattern to a handler. Patterns are written
// relative to /v3/{project_id} for project APIs (/v1/{project_id} for
// VPC's); "{name}" matches one non-empty segment.
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

// securityTokensPath is IAM's temporary access key call
// (CreateTemporaryAccessKeyByAgency in the SDK's iam_meta.go).
const securityTokensPath = "/v3.0/OS-CREDENTIAL/securitytokens" //nolint:gosec // G101: a route path, not a credential

// authKind is what a route needs before its handler runs.
type authKind int

const (
	authNone    authKind = iota // IAM's token exchange, the metadata service
	authProject                 // project APIs: credentials valid for the URL's project
	authIAM                     // IAM calls: any valid credentials, no project needed
)

// fixedRoute is a route without a project in its path.
type fixedRoute struct {
	method, path string
	auth         authKind
	handle       func(e *Emulator, c *call) response
}

// iamRoutes are served by the IAM listener and, because existing
// configurations point auth_url at the main endpoint, by the main one too.
var iamRoutes = []fixedRoute{
	{"POST", iamTokensPath, authNone, (*Emulator).issueToken},             // KeystoneCreateUserTokenByPassword
	{"GET", "/v3/projects", authIAM, (*Emulator).listProjects},            // KeystoneListProjects
	{"POST", securityTokensPath, authIAM, (*Emulator).createTemporaryKey}, // CreateTemporaryAccessKeyByAgency
}

// metadataRoutes are the ECS metadata service's, as the SDK's
// core/auth/internal/metadata_accessor.go calls them.
var metadataRoutes = []fixedRoute{
	{"PUT", metadataTokenPath, authNone, (*Emulator).issueMetadataToken},
	{"GET", securityKeyPath, authNone, (*Emulator).securityKey},
}

// matchedRoute is a resolved request target.
type matchedRoute struct {
	handle    func(e *Emulator, c *call) response
	pattern   string // e.g. /instances/{instance_id}/proxy; the full path outside projects
	relPath   string // the real path after /v3/{project_id}; the full path outside projects
	auth      authKind
	projectID string
	params    map[string]string
}

// resolve finds the route for a request on a listener, or nil. A known
// path with the wrong method is also nil: the gateway answers unknown APIs
// with 404. Each listener serves its own routes only, as separate hosts do.
func resolve(listener, method, path string) *matchedRoute {
	var fixed []fixedRoute
	switch listener {
	case ListenerMain, ListenerIAM:
		fixed = iamRoutes
	case ListenerMetadata:
		fixed = metadataRoutes
	}
	for _, rt := range fixed {
		if rt.path == path {
			if rt.method != method {
				return nil
			}
			return &matchedRoute{handle: rt.handle, pattern: path, relPath: path, auth: rt.auth}
		}
	}
	switch listener {
	case ListenerMain:
		return resolveProject(path, "/v3/", method, projectRoutes)
	case ListenerVPC:
		return resolveProject(path, "/v1/", method, vpcRoutes)
	}
	return nil
}

// resolveProject matches prefix{project_id}/rel against routes.
func resolveProject(path, prefix, method string, routes []route) *matchedRoute {
	rest, ok := strings.CutPrefix(path, prefix)
	if !ok {
		return nil
	}
	projectID, rel, ok := strings.Cut(rest, "/")
	if !ok || projectID == "" {
		return nil
	}
	rel = "/" + rel
	for _, rt := range routes {
		if rt.method != method {
			continue
		}
		if params, ok := matchPattern(rt.pattern, rel); ok {
			return &matchedRoute{handle: rt.handle, pattern: rt.pattern, relPath: rel, auth: authProject, projectID: projectID, params: params}
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
