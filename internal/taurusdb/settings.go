// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// The calls for a proxy's further settings, each with the request and
// response shapes of the official SDK's models (services/gaussdb/v3/model,
// named next to each type). A call whose model answers a job_id runs as a
// job; the others take effect at once.

type transactionSplitRequest struct {
	TransactionSplit string   `json:"transaction_split"` // ON or OFF
	ProxyIDList      []string `json:"proxy_id_list"`
}

// SetTransactionSplit turns transaction splitting ON or OFF (the SDK's
// ProxyTransactionSplitRequest; the list takes one proxy).
// @API POST /v3/{project_id}/instances/{instance_id}/proxy/transaction-split
func (c *Client) SetTransactionSplit(ctx context.Context, instanceID, proxyID, onOff string) (string, error) {
	var out jobIDResponse
	err := c.do(ctx, call{method: http.MethodPost, path: instancePath(instanceID) + "/proxy/transaction-split",
		in: transactionSplitRequest{TransactionSplit: onOff, ProxyIDList: []string{proxyID}}, out: &out})
	return out.JobID, err
}

type sessionConsistenceRequest struct {
	// SessionConsistence is "true" or "false"; ConsistenceMode, when
	// given, takes precedence (the SDK's ModifyProxyConsistRequest).
	SessionConsistence string `json:"session_consistence"`
	ConsistenceMode    string `json:"consistence_mode,omitempty"`
}

// SetConsistenceMode sets the consistency mode: session, global or eventual.
// session_consistence is sent too, "true" exactly for session, for API
// versions that read only it.
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/session-consistence
func (c *Client) SetConsistenceMode(ctx context.Context, instanceID, proxyID, mode string) (string, error) {
	var out optionalJobResponse
	err := c.do(ctx, call{method: http.MethodPut, path: proxyPath(instanceID, proxyID) + "/session-consistence",
		in: sessionConsistenceRequest{SessionConsistence: strconv.FormatBool(mode == "session"), ConsistenceMode: mode}, out: &out})
	return out.JobID, err
}

type connectionPoolRequest struct {
	ConnectionPoolType string `json:"connection_pool_type"` // CLOSED or SESSION
}

// SetConnectionPoolType sets the connection pool: CLOSED or SESSION.
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/connection-pool-type
func (c *Client) SetConnectionPoolType(ctx context.Context, instanceID, proxyID, poolType string) (string, error) {
	var out optionalJobResponse
	err := c.do(ctx, call{method: http.MethodPut, path: proxyPath(instanceID, proxyID) + "/connection-pool-type",
		in: connectionPoolRequest{ConnectionPoolType: poolType}, out: &out})
	return out.JobID, err
}

type sslRequest struct {
	SSLOption bool `json:"ssl_option"` // a bool here, a string in the list
}

// SetSSL turns SSL on or off.
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/ssl
func (c *Client) SetSSL(ctx context.Context, instanceID, proxyID string, on bool) (string, error) {
	var out optionalJobResponse
	err := c.do(ctx, call{method: http.MethodPut, path: proxyPath(instanceID, proxyID) + "/ssl", in: sslRequest{SSLOption: on}, out: &out})
	return out.JobID, err
}

type newNodeAutoAddRequest struct {
	SwitchStatus string `json:"switch_status"` // ON or OFF
	Weight       *int   `json:"weight,omitempty"`
}

// SetNewNodeAutoAdd sets whether new database nodes join the proxy, and
// with which read weight (0..1000, only with ON). The API answers at once
// and allows it only for whitelisted accounts.
// @API POST /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/new-node-auto-add
func (c *Client) SetNewNodeAutoAdd(ctx context.Context, instanceID, proxyID, onOff string, weight *int) error {
	return c.do(ctx, call{method: http.MethodPost, path: proxyPath(instanceID, proxyID) + "/new-node-auto-add",
		in: newNodeAutoAddRequest{SwitchStatus: onOff, Weight: weight}})
}

// AccessRule is one address or CIDR block of an access-control list (the
// SDK's AccessControlRule; description 0..50 characters, no < or >).
type AccessRule struct {
	IP          string `json:"ip"`
	Description string `json:"description"`
}

// AccessControl is what GET .../ipgroup reports (ShowProxyIpgroupResponse).
type AccessControl struct {
	Enabled *bool  `json:"enable_ip_group"`
	Type    string `json:"type"` // white or black
	IPGroup *struct {
		ID     string       `json:"id"`
		Name   string       `json:"name"`
		IPList []AccessRule `json:"ip_list"`
	} `json:"ip_group"`
}

// Rules returns the access list, empty when the API reported none.
func (a *AccessControl) Rules() []AccessRule {
	if a == nil || a.IPGroup == nil {
		return nil
	}
	return a.IPGroup.IPList
}

// GetAccessControl reads the proxy's access control.
// @API GET /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/ipgroup
func (c *Client) GetAccessControl(ctx context.Context, instanceID, proxyID string) (*AccessControl, error) {
	var out AccessControl
	err := c.do(ctx, call{method: http.MethodGet, path: proxyPath(instanceID, proxyID) + "/ipgroup", out: &out})
	return &out, err
}

type accessSwitchRequest struct {
	OpenAccessControl bool `json:"open_access_control"`
}

// SwitchAccessControl turns access control on or off; at once.
// @API POST /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/access-control-switch
func (c *Client) SwitchAccessControl(ctx context.Context, instanceID, proxyID string, on bool) error {
	return c.do(ctx, call{method: http.MethodPost, path: proxyPath(instanceID, proxyID) + "/access-control-switch",
		in: accessSwitchRequest{OpenAccessControl: on}})
}

type accessListRequest struct {
	Type   string       `json:"type"`
	IPList []AccessRule `json:"ip_list"`
}

// SetAccessList replaces the access list and its type (white or black; up
// to 300 entries); at once.
// @API POST /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/access-control
func (c *Client) SetAccessList(ctx context.Context, instanceID, proxyID, listType string, rules []AccessRule) error {
	if rules == nil {
		rules = []AccessRule{}
	}
	return c.do(ctx, call{method: http.MethodPost, path: proxyPath(instanceID, proxyID) + "/access-control",
		in: accessListRequest{Type: listType, IPList: rules}})
}

// Parameter is one proxy parameter (the SDK's ProxyConfiguration).
type Parameter struct {
	Name        string `json:"name"`
	Value       string `json:"value"`
	DataType    string `json:"data_type"`
	ElemType    string `json:"elem_type"`
	ValueRange  string `json:"value_range"`
	Description string `json:"description"`
}

type configurationsResponse struct {
	TotalCount FlexInt     `json:"total_count"` // a string in the SDK's model
	Parameters []Parameter `json:"configurations"`
}

// ListParameters returns every parameter of the proxy, following pages.
// @API GET /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/configurations
func (c *Client) ListParameters(ctx context.Context, instanceID, proxyID string) ([]Parameter, error) {
	var all []Parameter
	for offset := 0; ; {
		var out configurationsResponse
		q := url.Values{"offset": {strconv.Itoa(offset)}, "limit": {"100"}}
		if err := c.do(ctx, call{method: http.MethodGet, path: proxyPath(instanceID, proxyID) + "/configurations", query: q, out: &out}); err != nil {
			return nil, err
		}
		all = append(all, out.Parameters...)
		offset += len(out.Parameters)
		if len(out.Parameters) == 0 || offset >= int(out.TotalCount) {
			return all, nil
		}
	}
}

// ParameterChange is one item of the update call (UpdateProxyConfigurationItem);
// elem_type comes from ListParameters.
type ParameterChange struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	ElemType string `json:"elem_type"`
}

type parametersRequest struct {
	Configurations []ParameterChange `json:"configurations"`
}

// SetParameters changes parameters of the proxy.
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/configurations
func (c *Client) SetParameters(ctx context.Context, instanceID, proxyID string, changes []ParameterChange) (string, error) {
	var out optionalJobResponse
	err := c.do(ctx, call{method: http.MethodPut, path: proxyPath(instanceID, proxyID) + "/configurations",
		in: parametersRequest{Configurations: changes}, out: &out})
	return out.JobID, err
}

// ProxyEngine is the proxy engine name: the only value the SDK documents
// (ShowProxyFlavorsByAzCodeRequest.ProxyEngineName: "taurusproxy").
const ProxyEngine = "taurusproxy"

// ProxyVersion is the proxy kernel's version (ShowProxyVersionResponse).
type ProxyVersion struct {
	CurrentVersion string `json:"current_version"`
	LatestVersion  string `json:"latest_version"`
	CanUpgrade     *bool  `json:"can_upgrade"`
}

// GetProxyVersion reads the kernel version and whether an upgrade exists.
// @API GET /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/{engine_name}/proxy-version
func (c *Client) GetProxyVersion(ctx context.Context, instanceID, proxyID string) (*ProxyVersion, error) {
	var out ProxyVersion
	err := c.do(ctx, call{method: http.MethodGet, path: proxyPath(instanceID, proxyID) + "/" + ProxyEngine + "/proxy-version", out: &out})
	return &out, err
}

type upgradeRequest struct {
	SourceVersion string `json:"source_version"`
	TargetVersion string `json:"target_version"`
}

// UpgradeResult is one element of the upgrade call's update_result.
type UpgradeResult struct {
	InstanceID   string `json:"instance_id"`
	WorkflowID   string `json:"workflow_id"`
	State        string `json:"state"`
	ErrorMessage string `json:"error_message"`
}

type upgradeResponse struct {
	Results []UpgradeResult `json:"update_result"`
}

// UpgradeProxyVersion starts a kernel upgrade. The answer has no job ID: the
// caller waits for GetProxyVersion to report the target.
// @API POST /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/upgrade-version
func (c *Client) UpgradeProxyVersion(ctx context.Context, instanceID, proxyID, source, target string) ([]UpgradeResult, error) {
	var out upgradeResponse
	err := c.do(ctx, call{method: http.MethodPost, path: proxyPath(instanceID, proxyID) + "/upgrade-version",
		in: upgradeRequest{SourceVersion: source, TargetVersion: target}, out: &out})
	return out.Results, err
}

// RestartProxy restarts the proxy's nodes.
// @API POST /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/restart
func (c *Client) RestartProxy(ctx context.Context, instanceID, proxyID string) (string, error) {
	var out jobIDResponse
	// Not replayed after an ambiguous failure: a second restart is a
	// second outage.
	err := c.do(ctx, call{method: http.MethodPost, path: proxyPath(instanceID, proxyID) + "/restart", out: &out, retryBusy: true})
	return out.JobID, err
}

type eipRequest struct {
	PublicIP   string `json:"public_ip"`
	PublicIPID string `json:"public_ip_id,omitempty"`
	Bind       string `json:"bind"` // "true" or "false": a string in the SDK's model
}

// BindEIP binds an elastic public IP to the proxy.
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/bind
func (c *Client) BindEIP(ctx context.Context, instanceID, proxyID, publicIP, publicIPID string) (string, error) {
	var out jobIDResponse
	err := c.do(ctx, call{method: http.MethodPut, path: proxyPath(instanceID, proxyID) + "/bind",
		in: eipRequest{PublicIP: publicIP, PublicIPID: publicIPID, Bind: "true"}, out: &out, retryBusy: true})
	return out.JobID, err
}

// UnbindEIP unbinds the proxy's elastic public IP.
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/bind
func (c *Client) UnbindEIP(ctx context.Context, instanceID, proxyID, publicIP string) (string, error) {
	var out jobIDResponse
	err := c.do(ctx, call{method: http.MethodPut, path: proxyPath(instanceID, proxyID) + "/bind",
		in: eipRequest{PublicIP: publicIP, Bind: "false"}, out: &out, retryBusy: true})
	return out.JobID, err
}
