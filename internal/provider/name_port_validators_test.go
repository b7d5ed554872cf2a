package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
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
