// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Names are what the SDK documents the API to accept, Chinese included,
// with the 64-byte limit (a Chinese character takes 3 bytes).
func TestProxyNameValidator(t *testing.T) {
	ok := []string{"orders", "orders-proxy_1", "订单代理", "a订单-_1", "Ab12", strings.Repeat("a", 64), strings.Repeat("代", 21) + "a"}
	bad := []string{"abc", "1bad", "-abc", "_abc", "abc!", "a b c", strings.Repeat("a", 65), strings.Repeat("代", 22), "订单代理!", ""}
	for _, name := range ok {
		if d := validateName(name); d != "" {
			t.Errorf("%q refused: %s", name, d)
		}
	}
	for _, name := range bad {
		if d := validateName(name); d == "" {
			t.Errorf("%q accepted", name)
		}
	}
}

func validateName(name string) string {
	var resp validator.StringResponse
	proxyNameValidator().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("name"), ConfigValue: types.StringValue(name)}, &resp)
	if resp.Diagnostics.HasError() {
		return resp.Diagnostics.Errors()[0].Detail()
	}
	return ""
}

// Ports follow the SDK's documented range and reserved list.
func TestPortValidator(t *testing.T) {
	for port, want := range map[int64]bool{1024: false, 1025: true, 3306: true, 1033: false, 5343: false, 33062: false, 33071: false, 65534: true, 65535: false} {
		var resp validator.Int64Response
		portValidator().ValidateInt64(context.Background(), validator.Int64Request{Path: path.Root("port"), ConfigValue: types.Int64Value(port)}, &resp)
		if got := !resp.Diagnostics.HasError(); got != want {
			t.Errorf("port %d: accepted = %v, want %v", port, got, want)
		}
	}
}

// A private DNS name prefix follows the user guide: 8 to 63 lowercase
// letters and digits, the prefix alone. Checked through the resource's
// schema, so the test holds what a plan runs.
func TestDNSNamePrefixValidator(t *testing.T) {
	var resp resource.SchemaResponse
	(&proxyInstanceResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	attr, ok := resp.Schema.Attributes["dns_name_prefix"].(schema.StringAttribute)
	if !ok || len(attr.Validators) == 0 {
		t.Fatalf("dns_name_prefix has no string validators: %#v", resp.Schema.Attributes["dns_name_prefix"])
	}
	ok8, ok63 := "orders01", strings.Repeat("a1", 31)+"b"
	for prefix, want := range map[string]bool{
		ok8: true, ok63: true, "ordersproxy01": true, "1234567890": true,
		"orders1": false, ok63 + "c": false, "Ordersproxy01": false, "orders-proxy01": false,
		"ordersproxy01.internal.example.com": false, "": false,
	} {
		var vr validator.StringResponse
		for _, v := range attr.Validators {
			v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("dns_name_prefix"), ConfigValue: types.StringValue(prefix)}, &vr)
		}
		if got := !vr.Diagnostics.HasError(); got != want {
			t.Errorf("%q: accepted = %v, want %v", prefix, got, want)
		}
	}
}

// Access-list entries: an IPv4 address or an IPv4 CIDR block, written the
// usual way (no leading zeros, prefix 0 to 32).
func TestAccessRuleIPValidator(t *testing.T) {
	ok := []string{"10.0.0.1", "0.0.0.0", "255.255.255.255", "192.168.0.0/24", "10.0.0.0/8", "10.1.2.3/32", "0.0.0.0/0", "192.168.0.1/24"}
	bad := []string{"999.1.1.1", "10.0.0.0/33", "abc", "", "10.0.0", "10.0.0.01", "10.0.0.1/", "10.0.0.1/-1", " 10.0.0.1", "10.0.0.1 ",
		"2001:db8::1", "2001:db8::/32", "::ffff:10.0.0.1", "10.0.0.0/8/8", "10.0.0.0-10.0.0.9"}
	check := func(ip string) bool {
		var resp validator.StringResponse
		accessRuleIPValidator().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("ip"), ConfigValue: types.StringValue(ip)}, &resp)
		return !resp.Diagnostics.HasError()
	}
	for _, ip := range ok {
		if !check(ip) {
			t.Errorf("%q refused", ip)
		}
	}
	for _, ip := range bad {
		if check(ip) {
			t.Errorf("%q accepted", ip)
		}
	}
}
