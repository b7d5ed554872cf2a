// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Proxy parameters (kernel settings): GET and PUT
// .../proxy/{proxy_id}/configurations.

// Data types (data_type) and the parent tag (elem_type) of the parameters.
const (
	paramString  = "string"
	paramInteger = "integer"
	paramBoolean = "boolean"
	elemSystem   = "system"
)

// paramDef is one parameter the proxy kernel knows. value_range is a
// comma-separated list of values for strings and booleans, "min-max" for
// integers (the notation of the instance parameter API).
type paramDef struct {
	name, dataType, valueRange, defaultValue, description string
	whitelistOnly                                         bool
}

// proxyParams is the emulator's set of proxy parameters, in the order the
// list call answers them. multiStatementType and its values come from the
// TaurusDB user guide (multi-statement processing mode), and
// looseImciApThreshold from the public reference provider's acceptance
// test (which sets it to 6000, elem_type system); their ranges and the
// other four parameters are the emulator's stand-ins, chosen so that every
// data type is represented. looseImciApThreshold tunes routing to
// in-memory column index (HTAP) nodes, a feature opened on request, so the
// emulator treats it as whitelist-only.
var proxyParams = []paramDef{
	{name: "multiStatementType", dataType: paramString, valueRange: "Strict,Loose,Parse", defaultValue: "Strict",
		description: "How requests that follow a multi-statement query on the same connection are routed: Strict (all to the primary), Loose (split as usual) or Parse (the proxy parses the statements)."},
	{name: "looseImciApThreshold", dataType: paramInteger, valueRange: "1-10000000", defaultValue: "10000", whitelistOnly: true,
		description: "Estimated cost above which a read-only query is routed to a column-store (IMCI) node."},
	{name: "connectionIdleTimeout", dataType: paramInteger, valueRange: "60-28800", defaultValue: "28800",
		description: "Seconds a client connection may stay idle before the proxy closes it."},
	{name: "maxConnections", dataType: paramInteger, valueRange: "1-100000", defaultValue: "20000",
		description: "Maximum number of client connections per proxy node."},
	{name: "slowQueryThreshold", dataType: paramInteger, valueRange: "100-60000", defaultValue: "1000",
		description: "Milliseconds after which the proxy records a statement as slow."},
	{name: "sqlLogEnabled", dataType: paramBoolean, valueRange: "true,false", defaultValue: "false",
		description: "Whether the proxy logs every SQL statement it routes."},
}

// ProxyParameterNames lists the parameter names the emulator knows, in list
// order.
func ProxyParameterNames() []string {
	out := make([]string, len(proxyParams))
	for i, d := range proxyParams {
		out[i] = d.name
	}
	return out
}

// WhitelistOnlyParameters lists the parameters that Config.NotWhitelisted
// refuses to change.
func WhitelistOnlyParameters() []string {
	var out []string
	for _, d := range proxyParams {
		if d.whitelistOnly {
			out = append(out, d.name)
		}
	}
	return out
}

func paramByName(name string) (paramDef, bool) {
	for _, d := range proxyParams {
		if d.name == name {
			return d, true
		}
	}
	return paramDef{}, false
}

func defaultParams() map[string]string {
	out := map[string]string{}
	for _, d := range proxyParams {
		out[d.name] = d.defaultValue
	}
	return out
}

// accepts reports whether v is within the parameter's value_range.
func (d paramDef) accepts(v string) bool {
	if d.dataType != paramInteger {
		return slices.Contains(strings.Split(d.valueRange, ","), v)
	}
	lo, hi, _ := strings.Cut(d.valueRange, "-")
	n, err := strconv.ParseInt(v, 10, 64)
	minimum, _ := strconv.ParseInt(lo, 10, 64)
	maximum, _ := strconv.ParseInt(hi, 10, 64)
	return err == nil && n >= minimum && n <= maximum
}

// configurationJSON is the SDK's ProxyConfiguration. value is the current
// value (the SDK's comment says "default value"; the public reference
// provider reads it as the current one, as the console shows it).
type configurationJSON struct {
	Name        string `json:"name"`
	DataType    string `json:"data_type"`
	ElemType    string `json:"elem_type"`
	ValueRange  string `json:"value_range"`
	Value       string `json:"value"`
	Description string `json:"description"`
}

// configurationsJSON is ShowProxyConfigurationsResponse; total_count is a
// string there.
type configurationsJSON struct {
	TotalCount     string              `json:"total_count"`
	Configurations []configurationJSON `json:"configurations"`
}

// listParameters is GET .../proxy/{proxy_id}/configurations
// (ShowProxyConfigurations): offset (>= 0, default 0) and limit (1..100,
// default 10) page through the parameters; name, if given, keeps only the
// parameter of exactly that name. total_count counts what matched, over
// all pages.
func (e *Emulator) listParameters(c *call) response {
	_, p, fail := e.proxyCall(c, &struct{}{})
	if fail != nil {
		return *fail
	}
	offset, limit, fail := pagination(c)
	if fail != nil {
		return *fail
	}
	name, filtered := c.queryValue("name")
	var matched []configurationJSON
	for _, d := range proxyParams {
		if filtered && name != "" && d.name != name {
			continue
		}
		matched = append(matched, configurationJSON{
			Name: d.name, DataType: d.dataType, ElemType: elemSystem, ValueRange: d.valueRange,
			Value: p.params[d.name], Description: d.description,
		})
	}
	out := configurationsJSON{TotalCount: strconv.Itoa(len(matched)), Configurations: []configurationJSON{}}
	for i := offset; i < len(matched) && i < offset+limit; i++ {
		out.Configurations = append(out.Configurations, matched[i])
	}
	return jsonResponse(http.StatusOK, out)
}

// parametersRequest is the SDK's UpdateProxyNewConfigRequestBody; each item
// is UpdateProxyConfigurationItem, whose three fields are all required.
type parametersRequest struct {
	Configurations []struct {
		Name     *string `json:"name"`
		Value    *string `json:"value"`
		ElemType *string `json:"elem_type"`
	} `json:"configurations"`
}

// changeParameters is PUT .../proxy/{proxy_id}/configurations
// (UpdateProxyNewConfigurations). Every item must name a known parameter
// once, with its elem_type and a value within its value_range; the values
// change when the job completes. A whitelist-only parameter answers 403 for
// an account that is not whitelisted (Config.NotWhitelisted).
func (e *Emulator) changeParameters(c *call) response {
	var req parametersRequest
	inst, p, fail := e.proxyCall(c, &req)
	if fail != nil {
		return *fail
	}
	if len(req.Configurations) == 0 {
		return badRequest("configurations must list at least one parameter")
	}
	values := map[string]string{}
	for i, item := range req.Configurations {
		switch {
		case item.Name == nil || *item.Name == "":
			return badRequest("configurations[%d].name is required", i)
		case item.Value == nil:
			return badRequest("configurations[%d].value is required", i)
		case item.ElemType == nil:
			return badRequest("configurations[%d].elem_type is required", i)
		}
		d, known := paramByName(*item.Name)
		_, twice := values[d.name]
		switch {
		case !known:
			return badRequest("configurations[%d].name %q is not a parameter of this proxy (known: %s)", i, *item.Name, strings.Join(ProxyParameterNames(), ", "))
		case *item.ElemType != elemSystem:
			return badRequest("configurations[%d].elem_type %q is not valid for %s: use %s", i, *item.ElemType, d.name, elemSystem)
		case !d.accepts(*item.Value):
			return badRequest("configurations[%d].value %q is out of the range of %s (%s %s)", i, *item.Value, d.name, d.dataType, d.valueRange)
		case known && twice:
			return badRequest("configurations lists %s twice", d.name)
		case d.whitelistOnly && e.cfg.NotWhitelisted:
			return notWhitelisted("The parameter " + d.name)
		}
		values[d.name] = *item.Value
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	return e.settingJob(c, inst, p, jobParameters, func(q *proxy) { maps.Copy(q.params, values) })
}
