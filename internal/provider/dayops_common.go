// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

// What the companion resources (restart, upgrade, EIP association) and the
// data sources share: provider data, the client, ID validators and the
// next steps of their errors. Error summaries follow
// proxy_instance_diagnostics.go; details come from opDetail.

// providerDataOf checks the provider data handed to Configure; nil while
// the provider is not configured yet.
func providerDataOf(pd any, diags *diag.Diagnostics) *providerData {
	if pd == nil {
		return nil
	}
	d, ok := pd.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *providerData, got %T; this is a bug in the provider", pd))
		return nil
	}
	return d
}

// clientOf returns the API client of a region ("" = the provider's) with
// the provider's secrets masked in ctx's log lines, or an error diagnostic
// when the provider could not be configured yet (settings unknown until
// apply) or the region's client cannot be set up (its project unknown at
// IAM, say).
func clientOf(ctx context.Context, d *providerData, region string, diags *diag.Diagnostics) (context.Context, *taurusdb.Client) {
	if d == nil || d.regions == nil {
		diags.AddError("TaurusDB provider not configured", "The provider's settings are not known yet (they depend on values known only after apply). Apply the resources they depend on first.")
		return ctx, nil
	}
	c, err := d.regions.client(ctx, region)
	secrets := d.secrets.list()
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	ctx = tflog.MaskMessageStrings(ctx, secrets...)
	if err != nil {
		diags.AddError(fmt.Sprintf("Setting up TaurusDB for region %q", firstNonEmpty(region, d.defaultRegion)), err.Error())
		return ctx, nil
	}
	return ctx, c
}

func proxyIDValidator() validator.String {
	return stringvalidator.RegexMatches(proxyIDRe, "must be a TaurusDB proxy ID (pool_id): 36 letters and digits ending in \"po01\" (an ID ending in \"pn01\" is a proxy node, not a proxy)")
}

// uuidRe is the shape of an elastic public IP's ID.
var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func eipIDValidator() validator.String {
	return stringvalidator.RegexMatches(uuidRe, "must be the ID of an elastic public IP: a UUID such as 3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f")
}

// ipv4Validator accepts a dotted IPv4 address (elastic public IPs are).
type ipv4Validator struct{}

func (ipv4Validator) Description(context.Context) string { return "must be an IPv4 address" }

func (v ipv4Validator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v ipv4Validator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if !isIPv4(s) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid IP address", fmt.Sprintf("%q %s, such as 203.0.113.10.", s, v.Description(ctx)))
	}
}

// notFoundHelp is what to say when the API answered that the instance or
// the proxy does not exist.
func notFoundHelp(instanceID, proxyID string) string {
	if proxyID == "" {
		return fmt.Sprintf("The API says instance %s does not exist (its not-found code is in the error above): check instance_id, "+
			"and that the provider's project and region are the instance's.", instanceID)
	}
	return fmt.Sprintf("The API says instance %s or its proxy %s does not exist: check instance_id and proxy_id (a proxy's ID ends in po01), "+
		"and that the provider's project and region are the instance's.", instanceID, proxyID)
}

// dayNextStep says what is true after a failed restart, upgrade, bind or
// unbind, and what to do. what names the operation ("the restart"),
// timeout the setting that bounded it ("timeouts.create"), and again what
// running the command again does.
func dayNextStep(err error, instanceID, proxyID, what, timeout, again string) string {
	switch taurusdb.Classify(err) {
	case taurusdb.KindGone, taurusdb.KindNotFoundCode:
		return notFoundHelp(instanceID, proxyID)
	case taurusdb.KindAuth:
		return "Check the provider's credentials; authentication failures are not retried."
	case taurusdb.KindJobFailed:
		return fmt.Sprintf("The job of %s failed. Fix the cause given by fail_reason, then %s", what, again)
	case taurusdb.KindLockWait:
		return fmt.Sprintf("Other operations of this provider on the instance outlasted %s, so %s was never sent. %s, or raise %s.", timeout, what, capitalize(again), timeout)
	case taurusdb.KindLostAnswer:
		return fmt.Sprintf("The API may be carrying out %s: check the proxy in the console before you %s", what, again)
	case taurusdb.KindBusy:
		return fmt.Sprintf("The instance stayed busy with another operation until %s, so %s most likely never started. Once that operation is done, %s", timeout, what, again)
	case taurusdb.KindTimedOut:
		return fmt.Sprintf("%s may still finish on the server. Raise %s, or wait and %s", capitalize(what), timeout, again)
	case taurusdb.KindCancelled:
		return fmt.Sprintf("The wait was interrupted; %s may still finish on the server. To resume, %s", what, again)
	}
	return "Fix the cause above, then " + again
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
