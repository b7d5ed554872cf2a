// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"strconv"
	"strings"
)

// flavorJSON is the SDK's MysqlProxyComputeFlavor (per instance) and,
// with SupportedIPv6, its ProxyFlavor (per availability zone).
type flavorJSON struct {
	Vcpus    string `json:"vcpus"`
	RAM      string `json:"ram"`
	DBType   string `json:"db_type"`
	ID       string `json:"id"`
	SpecCode string `json:"spec_code"`
	// AzStatus maps an availability zone code to the flavor's state there.
	AzStatus map[string]string `json:"az_status"`
	// SupportedIPv6 exists only in the per-AZ answer (ProxyFlavor).
	SupportedIPv6 *bool `json:"supported_ipv6,omitempty"`
}

// flavorGroupJSON is MysqlProxyFlavorGroups / ProxyFlavorGroup.
type flavorGroupJSON struct {
	GroupType string       `json:"group_type"`
	Flavors   []flavorJSON `json:"proxy_flavors"`
}

type flavorsJSON struct {
	Groups []flavorGroupJSON `json:"proxy_flavor_groups"`
}

// flavorSellable is the az_status of a flavor that can be bought there.
const flavorSellable = "normal"

// flavorGroups lists every flavor that create and change-flavor accept,
// grouped by architecture, with their state in the given zones. keep, if
// not nil, filters flavors by spec code; perAZ adds the per-AZ answer's
// supported_ipv6.
func flavorGroups(azs []string, keep func(code string) bool, perAZ bool) flavorsJSON {
	out := flavorsJSON{Groups: []flavorGroupJSON{}}
	for _, arch := range flavorArches {
		g := flavorGroupJSON{GroupType: arch, Flavors: []flavorJSON{}}
		for _, s := range flavorSizes {
			for _, ratio := range flavorRatios {
				code := "gaussdb.proxy." + s.name + "." + arch + "." + strconv.Itoa(ratio)
				if keep != nil && !keep(code) {
					continue
				}
				f := flavorJSON{
					Vcpus: strconv.Itoa(s.vcpus), RAM: strconv.Itoa(s.vcpus * ratio),
					DBType: "gaussdb-mysql", ID: stableUUID(code), SpecCode: code,
					AzStatus: map[string]string{},
				}
				for _, az := range azs {
					f.AzStatus[az] = flavorSellable
				}
				if perAZ {
					// Every emulated flavor can serve IPv6 clients.
					ipv6 := true
					f.SupportedIPv6 = &ipv6
				}
				g.Flavors = append(g.Flavors, f)
			}
		}
		out.Groups = append(out.Groups, g)
	}
	return out
}

func (e *Emulator) allAZs() []string {
	out := make([]string, 0, azCount)
	for i := range azCount {
		out = append(out, e.azCode(i))
	}
	return out
}

// listFlavors is GET /instances/{instance_id}/proxy/flavors (the SDK's
// ShowGaussMySqlProxyFlavors). query_type is create (the default) or scale;
// with scale and proxy_id the proxy's current flavor, which a flavor change
// cannot pick, is left out.
func (e *Emulator) listFlavors(c *call) response {
	inst, fail := e.instanceOf(c)
	if fail != nil {
		return *fail
	}
	var keep func(string) bool
	qt, _ := c.queryValue("query_type")
	switch qt {
	case "", "create":
	case "scale":
		if id, ok := c.queryValue("proxy_id"); ok && id != "" {
			p, fail := e.proxyOf(inst, id)
			if fail != nil {
				return *fail
			}
			current := p.flavor
			keep = func(code string) bool { return code != current }
		}
	default:
		return badRequest("query_type %q is not valid: use create or scale", qt)
	}
	return jsonResponse(http.StatusOK, flavorGroups(e.allAZs(), keep, false))
}

// listFlavorsByAZ is GET /v3/{project_id}/proxy/flavors?az_codes=... (the
// SDK's ShowProxyFlavorsByAzCode). az_codes is a comma-separated list of
// zone codes; proxy_engine_name, required by the SDK, must be taurusproxy.
func (e *Emulator) listFlavorsByAZ(c *call) response {
	raw, _ := c.queryValue("az_codes")
	var azs []string
	for code := range strings.SplitSeq(raw, ",") {
		code = strings.TrimSpace(code)
		if code == "" {
			continue
		}
		if e.azDescription(code) == "" {
			return badRequest("az_codes: %q is not an availability zone of this region (known: %s)", code, strings.Join(e.allAZs(), ", "))
		}
		azs = append(azs, code)
	}
	if len(azs) == 0 {
		return badRequest("the query parameter az_codes (comma-separated availability zone codes) is required")
	}
	if engine, _ := c.queryValue("proxy_engine_name"); engine != proxyEngineName {
		return badRequest("proxy_engine_name %q is not valid: use %s", engine, proxyEngineName)
	}
	return jsonResponse(http.StatusOK, flavorGroups(azs, nil, true))
}
