// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Identifier shapes from the API reference. Checking them at plan time turns
// a typo into a readable error instead of a 404 after minutes of waiting.
var (
	projectIDRe  = regexp.MustCompile(`^[A-Za-z0-9]{32}$`)
	instanceIDRe = regexp.MustCompile(`^[A-Za-z0-9]{32}in07$`)
	proxyIDRe    = regexp.MustCompile(`^[A-Za-z0-9]{32}po01$`)
	// A proxy name, as the SDK's OpenMysqlProxyRequestBody documents it:
	// it starts with a letter or a Chinese character and holds letters,
	// digits, Chinese characters, "-" and "_"; lengths are checked apart.
	proxyNameRe = regexp.MustCompile(`^[A-Za-z\p{Han}][A-Za-z0-9\p{Han}_-]*$`)
)

// Ports the service reserves (the SDK's UpdateProxyPortRequestBody).
var reservedPorts = []int64{1033, 5342, 5343, 5344, 5345, 12017, 20000, 20201, 20202, 33062, 33071}

func projectIDValidator() validator.String {
	return stringvalidator.RegexMatches(projectIDRe, "must be a project ID: 32 letters and digits")
}

func instanceIDValidator() validator.String {
	return stringvalidator.RegexMatches(instanceIDRe, "must be a TaurusDB instance ID: 36 letters and digits ending in \"in07\" (an ID ending in \"no07\" is a node, not an instance)")
}

func proxyNameValidator() validator.String {
	return proxyName{}
}

// proxyName checks a proxy name: 4 to 64 characters and at most 64 bytes
// (a Chinese character takes 3), starting with a letter or a Chinese
// character, with letters, digits, Chinese characters, "-" and "_".
type proxyName struct{}

func (proxyName) Description(context.Context) string {
	return "4 to 64 characters and at most 64 bytes, start with a letter or a Chinese character, and hold only letters, digits, Chinese characters, hyphens and underscores"
}

func (v proxyName) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v proxyName) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	name := req.ConfigValue.ValueString()
	n := utf8.RuneCountInString(name)
	if !proxyNameRe.MatchString(name) || n < 4 || n > 64 || len(name) > 64 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid proxy name",
			fmt.Sprintf("%q is not a valid proxy name: it must be %s (this one has %d characters, %d bytes).", name, v.Description(ctx), n, len(name)))
	}
}

func portValidator() validator.Int64 {
	return int64validator.All(
		int64validator.Between(1025, 65534),
		int64validator.NoneOf(reservedPorts...),
	)
}

// parseImportID splits "<instance_id>/<proxy_id>" and checks both shapes.
func parseImportID(id string) (region, instanceID, proxyID string, err error) {
	parts := strings.Split(strings.TrimSpace(id), "/")
	switch len(parts) {
	case 2:
	case 3:
		region, parts = parts[0], parts[1:]
		if !regionRe.MatchString(region) {
			return "", "", "", fmt.Errorf("import ID %q: %q is not a region name such as cn-north-4", id, region)
		}
	default:
		return "", "", "", fmt.Errorf("import ID %q must be <instance_id>/<proxy_id>, or <region>/<instance_id>/<proxy_id> for a proxy outside the provider's region; for example 0123456789abcdef0123456789abcdefin07/0123456789abcdef0123456789abcdefpo01", id)
	}
	if err := checkIDs(parts[0], parts[1]); err != nil {
		return "", "", "", fmt.Errorf("import ID %q: %w", id, err)
	}
	return region, parts[0], parts[1], nil
}

// regionRe is the shape of a Huawei Cloud region name (cn-north-4, eu-de).
var regionRe = regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)+$`)

func checkIDs(instanceID, proxyID string) error {
	if !instanceIDRe.MatchString(instanceID) {
		return fmt.Errorf("instance ID %q is not 36 letters and digits ending in \"in07\"", instanceID)
	}
	if !proxyIDRe.MatchString(proxyID) {
		return fmt.Errorf("proxy ID %q is not 36 letters and digits ending in \"po01\"", proxyID)
	}
	return nil
}

// uniqueWeightIDs rejects a nodes_read_weight list that names a node twice:
// the API would take one of the two weights, and which one is not said.
type uniqueWeightIDs struct{}

func (uniqueWeightIDs) Description(context.Context) string {
	return "each database node may be listed once"
}

func (v uniqueWeightIDs) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (uniqueWeightIDs) ValidateList(ctx context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var ws []weightModel
	if d := req.ConfigValue.ElementsAs(ctx, &ws, true); d.HasError() {
		return
	}
	keys := make([]string, len(ws))
	for i, w := range ws {
		if known(w.ID) {
			keys[i] = w.ID.ValueString()
		}
	}
	eachDuplicate(keys, func(first, i int) {
		resp.Diagnostics.AddAttributeError(req.Path.AtListIndex(i).AtName("id"), "Duplicate node in nodes_read_weight",
			fmt.Sprintf("Node %q is listed at positions %d and %d; give each database node one weight.", keys[i], first, i))
	})
}

// uniqueParameterNames rejects a parameters list that names a parameter
// twice: the update would send both values, the API does not say which one
// it keeps, and the read back can match only one of them, so every plan
// would show a change.
type uniqueParameterNames struct{}

func (uniqueParameterNames) Description(context.Context) string {
	return "each parameter may be listed once"
}

func (v uniqueParameterNames) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (uniqueParameterNames) ValidateList(ctx context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var ps []parameterModel
	if d := req.ConfigValue.ElementsAs(ctx, &ps, true); d.HasError() {
		return
	}
	keys := make([]string, len(ps))
	for i, p := range ps {
		if known(p.Name) {
			keys[i] = p.Name.ValueString()
		}
	}
	eachDuplicate(keys, func(first, i int) {
		resp.Diagnostics.AddAttributeError(req.Path.AtListIndex(i).AtName("name"), "Duplicate parameter in parameters",
			fmt.Sprintf("Parameter %q is listed at positions %d and %d; give each parameter one value.", keys[i], first, i))
	})
}

// eachDuplicate calls report for each element whose key an earlier
// element had, with that earlier element's index. Empty keys (unknown or
// unset values) are skipped.
func eachDuplicate(keys []string, report func(first, i int)) {
	seen := map[string]int{}
	for i, k := range keys {
		if k == "" {
			continue
		}
		if first, dup := seen[k]; dup {
			report(first, i)
			continue
		}
		seen[k] = i
	}
}

// uniqueAccessRuleIPs rejects an ip_list that lists an address or block
// twice (10.0.0.1 and 10.0.0.1/32 are the same entry): the API refuses it,
// but only when the call is made, after the proxy exists.
type uniqueAccessRuleIPs struct{}

func (uniqueAccessRuleIPs) Description(context.Context) string {
	return "each address or CIDR block may be listed once"
}

func (v uniqueAccessRuleIPs) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (uniqueAccessRuleIPs) ValidateList(ctx context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var rules []accessRuleModel
	if d := req.ConfigValue.ElementsAs(ctx, &rules, true); d.HasError() {
		return
	}
	keys := make([]string, len(rules))
	for i, r := range rules {
		if !known(r.IP) {
			continue
		}
		keys[i] = r.IP.ValueString()
		if a, err := netip.ParseAddr(keys[i]); err == nil {
			keys[i] = netip.PrefixFrom(a, a.BitLen()).String()
		}
	}
	eachDuplicate(keys, func(first, i int) {
		resp.Diagnostics.AddAttributeError(req.Path.AtListIndex(i).AtName("ip"), "Duplicate address in ip_list",
			fmt.Sprintf("%q is listed twice in ip_list, at positions %d and %d (an address and its /32 block are the same entry); list it once.", rules[i].IP.ValueString(), first, i))
	})
}

// isIPv4 says whether s is an IPv4 address in dotted decimal, written the
// usual way: no leading zeros (which some parsers read as octal), no
// IPv4-mapped IPv6 form, no surrounding spaces.
func isIPv4(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}

// isIPv4CIDR says whether s is an IPv4 CIDR block (prefix 0 to 32). Host
// bits may be set, as in 192.168.0.1/24: the API takes the block.
func isIPv4CIDR(s string) bool {
	p, err := netip.ParsePrefix(s)
	return err == nil && p.Addr().Is4()
}

func accessRuleIPValidator() validator.String {
	return accessRuleIP{}
}

// accessRuleIP checks an access-list entry at plan time: the API refuses
// anything but an address or a CIDR block, and would do so only once the
// proxy exists (mid-create, leaving it tainted). IPv4 only, as issue 17
// asks: whether the API takes IPv6 entries is not documented, and allowing
// them later breaks no configuration, while refusing them later would.
type accessRuleIP struct{}

func (accessRuleIP) Description(context.Context) string {
	return "must be an IPv4 address, such as 10.0.0.1, or an IPv4 CIDR block, such as 192.168.0.0/24"
}

func (v accessRuleIP) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v accessRuleIP) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if !isIPv4(s) && !isIPv4CIDR(s) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid access-control address",
			fmt.Sprintf("%q is not an IPv4 address or an IPv4 CIDR block: each ip %s.", s, v.Description(ctx)))
	}
}
