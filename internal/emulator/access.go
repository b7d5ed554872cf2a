// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Access control: an IP group on the proxy's load balancer, used as a
// whitelist or a blacklist, and a switch that turns it on or off. All three
// calls act at once (their response models hold no job_id), and
// MysqlProxyV3 has no field for any of it: ShowProxyIpgroup is the read.

// Access list types (type).
const (
	accessWhite = "white"
	accessBlack = "black"
)

// Limits of CreateAccessControlRequestBody and AccessControlRule.
const (
	maxAccessRules       = 300
	maxAccessDescription = 50
)

type accessControl struct {
	enabled  bool
	listType string // white or black
	groupID  string
	rules    []accessRule
}

type accessRule struct{ ip, description string }

// openAccessJSON is the SDK's SwitchAccessControlResponse and
// CreateAccessControlResponse: whether access control is on.
type openAccessJSON struct {
	OpenAccessControl bool `json:"open_access_control"`
}

// switchAccessControl is POST .../proxy/{proxy_id}/access-control-switch
// (SwitchAccessControl, body SwitchAccessControlRequestBody): turns access
// control on or off at once, whatever the list holds (the list may be set
// while it is off).
func (e *Emulator) switchAccessControl(c *call) response {
	var req struct {
		OpenAccessControl *flexBool `json:"open_access_control"`
	}
	_, p, fail := e.proxyCall(c, &req)
	if fail != nil {
		return *fail
	}
	if req.OpenAccessControl == nil {
		return badRequest("open_access_control (true or false) is required")
	}
	p.access.enabled = bool(*req.OpenAccessControl)
	p.updatedAt = c.now
	return jsonResponse(http.StatusOK, openAccessJSON{OpenAccessControl: p.access.enabled})
}

// accessListRequest is the SDK's CreateAccessControlRequestBody.
type accessListRequest struct {
	Type   *string `json:"type"`
	IPList *[]struct {
		IP          string  `json:"ip"`
		Description *string `json:"description"`
	} `json:"ip_list"`
}

// setAccessList is POST .../proxy/{proxy_id}/access-control
// (CreateAccessControl): replaces the list type (white or black) and the
// whole list (up to 300 addresses or CIDR blocks, each with a description
// of 0..50 characters without < or >) at once. An empty list is allowed.
// It answers whether access control is on, which it does not change.
func (e *Emulator) setAccessList(c *call) response {
	var req accessListRequest
	_, p, fail := e.proxyCall(c, &req)
	if fail != nil {
		return *fail
	}
	switch {
	case req.Type == nil:
		return badRequest("type (white or black) is required")
	case *req.Type != accessWhite && *req.Type != accessBlack:
		return badRequest("type %q is not valid: use white or black", *req.Type)
	case req.IPList == nil:
		return badRequest("ip_list is required (it may be empty)")
	case len(*req.IPList) > maxAccessRules:
		return badRequest("ip_list has %d entries; the maximum is %d", len(*req.IPList), maxAccessRules)
	}
	rules := make([]accessRule, 0, len(*req.IPList))
	seen := map[string]bool{}
	for i, r := range *req.IPList {
		desc := ""
		if r.Description != nil {
			desc = *r.Description
		}
		switch {
		case !validIPOrCIDR(r.IP):
			return badRequest("ip_list[%d].ip %q is not an IP address or a CIDR block", i, r.IP)
		case seen[r.IP]:
			return badRequest("ip_list lists %s twice", r.IP)
		case utf8.RuneCountInString(desc) > maxAccessDescription:
			return badRequest("ip_list[%d].description is %d characters; the maximum is %d", i, utf8.RuneCountInString(desc), maxAccessDescription)
		case strings.ContainsAny(desc, "<>"):
			return badRequest("ip_list[%d].description must not contain < or >", i)
		}
		seen[r.IP] = true
		rules = append(rules, accessRule{ip: r.IP, description: desc})
	}
	p.access.listType, p.access.rules = *req.Type, rules
	p.updatedAt = c.now
	return jsonResponse(http.StatusOK, openAccessJSON{OpenAccessControl: p.access.enabled})
}

func validIPOrCIDR(s string) bool {
	if net.ParseIP(s) != nil {
		return true
	}
	_, _, err := net.ParseCIDR(s)
	return err == nil
}

// ipGroupJSON is the SDK's ShowProxyIpgroupResponse.
type ipGroupJSON struct {
	EnableIPGroup bool              `json:"enable_ip_group"`
	Type          string            `json:"type"`
	IPGroup       ipGroupDetailJSON `json:"ip_group"`
}

// ipGroupDetailJSON is ProxyIpGroupDetail; its fields are not optional in
// the SDK, so they are always sent.
type ipGroupDetailJSON struct {
	ID     string            `json:"id"`
	Name   string            `json:"name"`
	IPList []ipGroupItemJSON `json:"ip_list"`
}

// ipGroupItemJSON is IpGroupItem: description is always sent, "" when the
// rule has none.
type ipGroupItemJSON struct {
	IP          string `json:"ip"`
	Description string `json:"description"`
}

// showIPGroup is GET .../proxy/{proxy_id}/ipgroup (ShowProxyIpgroup). A
// proxy whose list was never set reports an empty whitelist that is off.
// The group's name is the emulator's choice.
func (e *Emulator) showIPGroup(c *call) response {
	_, p, fail := e.proxyCall(c, &struct{}{})
	if fail != nil {
		return *fail
	}
	out := ipGroupJSON{
		EnableIPGroup: p.access.enabled, Type: p.access.listType,
		IPGroup: ipGroupDetailJSON{ID: p.access.groupID, Name: "ipgroup-" + p.id[:min(8, len(p.id))], IPList: []ipGroupItemJSON{}},
	}
	for _, r := range p.access.rules {
		out.IPGroup.IPList = append(out.IPGroup.IPList, ipGroupItemJSON{IP: r.ip, Description: r.description})
	}
	return jsonResponse(http.StatusOK, out)
}
