// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
)

// Proxy statuses the provider reacts to; the API has more (see the notes).
const (
	ProxyActive    = "ACTIVE"
	ProxyDeleted   = "DELETED"
	ProxyEnabling  = "ENABLING PROXY"
	ProxyDisabling = "DISABLING PROXY"
	ProxyFailed    = "FAILED"
)

// NodeWeight is a read weight for one database node.
type NodeWeight struct {
	ID     string `json:"id"`
	Weight int    `json:"weight"`
}

// CreateProxyRequest is the body of POST .../proxy.
type CreateProxyRequest struct {
	FlavorRef       string       `json:"flavor_ref"`
	NodeNum         int          `json:"node_num"`
	ProxyName       string       `json:"proxy_name,omitempty"`
	ProxyMode       string       `json:"proxy_mode,omitempty"`
	NodesReadWeight []NodeWeight `json:"nodes_read_weight,omitempty"`
	RouteMode       *int         `json:"route_mode,omitempty"`
	SubnetID        string       `json:"subnet_id,omitempty"`
	// NewNodeAutoAddStatus (ON/OFF) and NewNodeWeight: the SDK's
	// OpenMysqlProxyRequestBody; the API accepts the status only for
	// whitelisted accounts.
	NewNodeAutoAddStatus string `json:"new_node_auto_add_status,omitempty"`
	NewNodeWeight        *int   `json:"new_node_weight,omitempty"`
}

// DeleteProxyRequest is the body of DELETE .../proxy. ProxyIDs is always
// filled: the API only tolerates its absence with a single proxy, and
// deleting "whatever proxy the instance has" is never what a user means.
type DeleteProxyRequest struct {
	ProxyIDs []string `json:"proxy_ids"`
}

type flavorRequest struct {
	FlavorRef string `json:"flavor_ref"`
}

// enlargeRequest is the SDK's EnlargeProxyRequest. proxy_id may be omitted
// on an instance with one proxy; the client always names it.
type enlargeRequest struct {
	NodeNum int    `json:"node_num"`
	ProxyID string `json:"proxy_id,omitempty"`
}

type reduceRequest struct {
	NodeNum int `json:"node_num"`
}

type renameRequest struct {
	Alias string `json:"alias"`
}

type portRequest struct {
	Port int `json:"port"`
}

// WeightRequest is the body of PUT .../proxy/{id}/weight.
type WeightRequest struct {
	MasterWeight  *int         `json:"master_weight,omitempty"`
	ReadonlyNodes []NodeWeight `json:"readonly_nodes,omitempty"`
}

// RouteModeRequest is the body of PUT .../proxy/{id}/route-mode (the SDK's
// ModifyGaussMySqlProxyRouteModeRequestBody). RouteMode: 0 weighted, 1 load
// balancing with the primary taking no reads, 2 load balancing with the
// primary taking reads. MasterWeight is 0..1000 for mode 0, must be 0 for
// mode 1 and 1 for mode 2.
type RouteModeRequest struct {
	RouteMode            int          `json:"route_mode"`
	MasterWeight         *int         `json:"master_weight,omitempty"`
	ReadonlyNodes        []NodeWeight `json:"readonly_nodes,omitempty"`
	NewNodeAutoAddStatus string       `json:"new_node_auto_add_status,omitempty"`
	NewNodeWeight        *int         `json:"new_node_weight,omitempty"`
}

// MasterWeightForRouteMode is the master_weight the route-mode call requires
// for the load-balancing modes (0 for mode 1, 1 for mode 2); ok is false
// for mode 0, where the weight is the user's choice.
func MasterWeightForRouteMode(mode int) (weight int, ok bool) {
	switch mode {
	case 1:
		return 0, true
	case 2:
		return 1, true
	}
	return 0, false
}

// typeError is what the tolerant decoders below return for a value of the
// wrong JSON type. encoding/json fills in the field path of an
// *json.UnmarshalTypeError, so the message names the field
// ("proxy_list.proxy.port"), which a plain error would not.
func typeError(b []byte, into any) error {
	kind := "value"
	switch {
	case len(b) == 0:
	case b[0] == '[':
		kind = "array"
	case b[0] == '{':
		kind = "object"
	case b[0] == '"':
		kind = "string " + string(b)
	case b[0] == 't' || b[0] == 'f':
		kind = "bool"
	default:
		kind = "number " + string(b)
	}
	return &json.UnmarshalTypeError{Value: kind, Type: reflect.TypeOf(into)}
}

// FlexInt accepts a JSON number or a numeric string; the reference is not
// consistent about which it uses for ports and counts.
type FlexInt int

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" || string(b) == `""` {
		*f = 0
		return nil
	}
	raw := b
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return typeError(raw, *f)
		}
		b = []byte(s)
	}
	v, err := strconv.Atoi(string(b))
	if err != nil {
		return typeError(raw, *f)
	}
	*f = FlexInt(v)
	return nil
}

// FlexString accepts a JSON string or number (vcpus and ram are strings in
// the reference, numbers in some answers).
type FlexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*f = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = FlexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return typeError(b, *f)
	}
	*f = FlexString(n.String())
	return nil
}

// ProxyNode is one node of the proxy itself (the SDK's MysqlProxyNodes).
type ProxyNode struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	AZCode string `json:"az_code"`
	// FrozenFlag: 0 not frozen, 1 frozen, 2 frozen and being deleted.
	FrozenFlag FlexInt `json:"frozen_flag"`
}

// Proxy is the proxy object of a list entry: the SDK's MysqlProxyV3. Every
// field may be absent or null (older API versions omit the newer ones), so
// optional facts whose zero value means something are pointers.
type Proxy struct {
	PoolID         string     `json:"pool_id"`
	Status         string     `json:"status"`
	Address        string     `json:"address"`
	Port           FlexInt    `json:"port"`
	PoolStatus     string     `json:"pool_status"`
	DelayThreshold *FlexInt   `json:"delay_threshold_in_seconds"`
	ELBVIP         string     `json:"elb_vip"`
	EIP            string     `json:"eip"`
	VCPUs          FlexString `json:"vcpus"`
	RAM            FlexString `json:"ram"`
	NodeNum        FlexInt    `json:"node_num"`
	// Type is the proxy mode: readwrite or readonly.
	Type          string      `json:"type"`
	CreatedAt     string      `json:"created_at"`
	UpdatedAt     string      `json:"updated_at"`
	SupportAPNode *bool       `json:"support_ap_node"`
	Mode          string      `json:"mode"` // deployment mode ("Cluster"), not the proxy mode
	Nodes         []ProxyNode `json:"nodes"`
	Name          string      `json:"name"`
	FlavorRef     string      `json:"flavor_ref"`
	// TransactionSplit is ON or OFF.
	TransactionSplit string `json:"transaction_split"`
	// ConnectionPoolType is CLOSED or SESSION.
	ConnectionPoolType              string `json:"connection_pool_type"`
	SwitchConnectionPoolTypeEnabled *bool  `json:"switch_connection_pool_type_enabled"`
	// RouteMode: 0 weighted; 1 load balancing, the primary takes no reads;
	// 2 load balancing, the primary takes reads.
	RouteMode *FlexInt `json:"route_mode"`
	// BalanceRouteModeEnabled says whether the proxy's kernel supports the
	// load-balancing route modes (1 and 2).
	BalanceRouteModeEnabled *bool  `json:"balance_route_mode_enabled"`
	ConsistenceMode         string `json:"consistence_mode"`
	SubnetID                string `json:"subnet_id"`
	// SSLOption is "true" or "false": a string in the SDK's model.
	SSLOption            FlexString `json:"ssl_option"`
	NewNodeAutoAddStatus string     `json:"new_node_auto_add_status"`
	NewNodeWeight        *FlexInt   `json:"new_node_weight"`
	// DNSName is the proxy's private DNS name, "<prefix>.<zone>". The SDK
	// (v0.1.207) has no such field in MysqlProxyV3, but the provider users
	// migrate from reads proxy.dns_name from this very list, and its tests
	// run against the real cloud. The reference and the SDK disagree, so
	// both are tolerated: absent or "" means "no name known".
	DNSName string `json:"dns_name"`
}

// AvailabilityZone is one element of a database node's availability_zone.
type AvailabilityZone struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

// AvailabilityZones decodes availability_zone. The SDK models it as an
// array of {code, description} (MysqlProxyAvailable), which is what the API
// sends; this project's first API notes had it as a string. Both decode: an
// array of objects or of strings, one object, or one string.
type AvailabilityZones []AvailabilityZone

// UnmarshalJSON implements json.Unmarshaler.
func (a *AvailabilityZones) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*a = nil
		return nil
	}
	switch b[0] {
	case '[':
		var raws []json.RawMessage
		if err := json.Unmarshal(b, &raws); err != nil {
			return typeError(b, *a)
		}
		out := make(AvailabilityZones, 0, len(raws))
		for _, r := range raws {
			z, err := decodeZone(r)
			if err != nil {
				return typeError(b, *a)
			}
			out = append(out, z)
		}
		*a = out
		return nil
	case '{', '"':
		z, err := decodeZone(b)
		if err != nil {
			return typeError(b, *a)
		}
		*a = AvailabilityZones{z}
		return nil
	}
	return typeError(b, *a)
}

func decodeZone(b json.RawMessage) (AvailabilityZone, error) {
	var z AvailabilityZone
	if len(b) > 0 && b[0] == '"' {
		err := json.Unmarshal(b, &z.Code)
		return z, err
	}
	err := json.Unmarshal(b, &z)
	return z, err
}

// DBNode is a database node behind a proxy, with its read weight (the SDK's
// MysqlProxyNodeV3).
type DBNode struct {
	ID               string            `json:"id"`
	InstanceID       string            `json:"instance_id"`
	Status           string            `json:"status"`
	Name             string            `json:"name"`
	Weight           FlexInt           `json:"weight"`
	AvailabilityZone AvailabilityZones `json:"availability_zone"`
}

// DBNodeList decodes readonly_nodes, which the schema calls an array and the
// reference's example shows as a single object.
type DBNodeList []DBNode

// UnmarshalJSON implements json.Unmarshaler.
func (l *DBNodeList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*l = nil
		return nil
	case b[0] == '{':
		var n DBNode
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*l = DBNodeList{n}
		return nil
	case b[0] != '[':
		return typeError(b, *l)
	}
	var ns []DBNode
	if err := json.Unmarshal(b, &ns); err != nil {
		return err
	}
	*l = ns
	return nil
}

// ProxyEntry is one element of the proxy list (the SDK's
// MysqlShowProxyResponseV3).
type ProxyEntry struct {
	Proxy         Proxy      `json:"proxy"`
	MasterNode    *DBNode    `json:"master_node"`
	ReadonlyNodes DBNodeList `json:"readonly_nodes"`
	HTAPNodes     DBNodeList `json:"htap_nodes"`
}

type proxyListResponse struct {
	ProxyList *[]ProxyEntry `json:"proxy_list"`
}

func (r *proxyListResponse) missing() string {
	if r.ProxyList == nil {
		return "proxy_list"
	}
	for _, e := range *r.ProxyList {
		if e.Proxy.PoolID == "" {
			return "pool_id in a proxy_list entry"
		}
	}
	return ""
}

// ErrProxyNotFound is returned (wrapped) by FindProxy when the instance has no
// such proxy, or only lists it as DELETED.
var ErrProxyNotFound = errors.New("proxy not found")

func instancePath(instanceID string) string {
	return "/instances/" + url.PathEscape(instanceID)
}

func proxyPath(instanceID, proxyID string) string {
	return instancePath(instanceID) + "/proxy/" + url.PathEscape(proxyID)
}

// CreateProxy starts enabling a proxy and returns the job ID. The API does not
// say which proxy it created; see the provider for how it finds out. With
// waitBusy, a busy instance is waited out within ctx; without it, the busy
// answer is returned, for callers resending a POST whose answer was lost.
// @API POST /v3/{project_id}/instances/{instance_id}/proxy
func (c *Client) CreateProxy(ctx context.Context, instanceID string, req CreateProxyRequest, waitBusy bool) (string, error) {
	var out jobIDResponse
	err := c.do(ctx, call{method: http.MethodPost, path: instancePath(instanceID) + "/proxy", in: req, out: &out, retryBusy: waitBusy})
	return out.JobID, err
}

const listPageSize = 100

// ListProxies returns every proxy of an instance, following pages.
// @API GET /v3/{project_id}/instances/{instance_id}/proxies
func (c *Client) ListProxies(ctx context.Context, instanceID string) ([]ProxyEntry, error) {
	var all []ProxyEntry
	seen := map[string]bool{}
	for offset := 0; ; {
		var out proxyListResponse
		q := url.Values{"offset": {strconv.Itoa(offset)}, "limit": {strconv.Itoa(listPageSize)}}
		if err := c.do(ctx, call{method: http.MethodGet, path: instancePath(instanceID) + "/proxies", query: q, out: &out}); err != nil {
			return nil, c.confirmInstanceGone(ctx, instanceID, err)
		}
		page := *out.ProxyList
		fresh := 0
		for _, e := range page {
			if !seen[e.Proxy.PoolID] {
				seen[e.Proxy.PoolID] = true
				all = append(all, e)
				fresh++
			}
		}
		// A page with nothing new means the server ignores offset; stop
		// rather than loop forever.
		if len(page) < listPageSize || fresh == 0 {
			return all, nil
		}
		offset += len(page)
	}
}

// FindProxy returns the proxy with the given pool_id. A proxy that is absent,
// listed as DELETED, or whose instance is gone gives an error for which
// IsNotFound is true.
func (c *Client) FindProxy(ctx context.Context, instanceID, proxyID string) (*ProxyEntry, error) {
	list, err := c.ListProxies(ctx, instanceID)
	if err != nil {
		return nil, err
	}
	return findIn(list, instanceID, proxyID)
}

// findIn returns a copy of the proxy's entry: lists may be shared between
// readers.
func findIn(list []ProxyEntry, instanceID, proxyID string) (*ProxyEntry, error) {
	for i := range list {
		if list[i].Proxy.PoolID == proxyID {
			if list[i].Proxy.Status == ProxyDeleted {
				break
			}
			e := list[i]
			return &e, nil
		}
	}
	return nil, fmt.Errorf("proxy %s on instance %s: %w", proxyID, instanceID, ErrProxyNotFound)
}

// ChangeFlavor starts a flavor change.
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/flavor
func (c *Client) ChangeFlavor(ctx context.Context, instanceID, proxyID, flavorRef string) (string, error) {
	return c.changeFlavor(ctx, instanceID, proxyID, flavorRef, true)
}

// The lower-case forms of the calls that change a proxy take waitBusy:
// UpdateProxy passes false, and on a busy answer reads the proxy again and
// recomputes the change, since the job it waited for may have made it.

func (c *Client) changeFlavor(ctx context.Context, instanceID, proxyID, flavorRef string, waitBusy bool) (string, error) {
	var out jobIDResponse
	err := c.do(ctx, call{method: http.MethodPut, path: proxyPath(instanceID, proxyID) + "/flavor", in: flavorRequest{FlavorRef: flavorRef}, out: &out, retryBusy: waitBusy})
	return out.JobID, err
}

// AddNodes adds count proxy nodes.
// @API POST /v3/{project_id}/instances/{instance_id}/proxy/enlarge
func (c *Client) AddNodes(ctx context.Context, instanceID, proxyID string, count int) (string, error) {
	return c.addNodes(ctx, instanceID, proxyID, count, true)
}

func (c *Client) addNodes(ctx context.Context, instanceID, proxyID string, count int, waitBusy bool) (string, error) {
	var out jobIDResponse
	err := c.do(ctx, call{method: http.MethodPost, path: instancePath(instanceID) + "/proxy/enlarge", in: enlargeRequest{ProxyID: proxyID, NodeNum: count}, out: &out, retryBusy: waitBusy})
	return out.JobID, err
}

// RemoveNodes removes count proxy nodes.
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/reduce
func (c *Client) RemoveNodes(ctx context.Context, instanceID, proxyID string, count int) (string, error) {
	return c.removeNodes(ctx, instanceID, proxyID, count, true)
}

func (c *Client) removeNodes(ctx context.Context, instanceID, proxyID string, count int, waitBusy bool) (string, error) {
	var out jobIDResponse
	// node_num is how many to remove, not a target: a replay after a lost
	// answer would remove that many again.
	err := c.do(ctx, call{method: http.MethodPut, path: proxyPath(instanceID, proxyID) + "/reduce", in: reduceRequest{NodeNum: count}, out: &out, retryBusy: waitBusy, notIdempotent: true})
	return out.JobID, err
}

// Rename changes the proxy's name; the API answers at once, without a job.
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/rename
func (c *Client) Rename(ctx context.Context, instanceID, proxyID, name string) error {
	err := c.do(ctx, call{method: http.MethodPut, path: proxyPath(instanceID, proxyID) + "/rename", in: renameRequest{Alias: name}, retryBusy: true})
	return err
}

type optionalJobResponse struct {
	JobID string `json:"job_id"`
}

// ChangePort changes the proxy's port. The job ID is empty when the API
// started no job (the port was already set).
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/port
func (c *Client) ChangePort(ctx context.Context, instanceID, proxyID string, port int) (string, error) {
	return c.changePort(ctx, instanceID, proxyID, port, true)
}

func (c *Client) changePort(ctx context.Context, instanceID, proxyID string, port int, waitBusy bool) (string, error) {
	var out optionalJobResponse
	err := c.do(ctx, call{method: http.MethodPut, path: proxyPath(instanceID, proxyID) + "/port", in: portRequest{Port: port}, out: &out, retryBusy: waitBusy})
	return out.JobID, err
}

// SetReadWeights changes the read weights of the master and read replicas.
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/weight
func (c *Client) SetReadWeights(ctx context.Context, instanceID, proxyID string, req WeightRequest) (string, error) {
	return c.setReadWeights(ctx, instanceID, proxyID, req, true)
}

func (c *Client) setReadWeights(ctx context.Context, instanceID, proxyID string, req WeightRequest, waitBusy bool) (string, error) {
	var out jobIDResponse
	err := c.do(ctx, call{method: http.MethodPut, path: proxyPath(instanceID, proxyID) + "/weight", in: req, out: &out, retryBusy: waitBusy})
	return out.JobID, err
}

// SetRouteMode changes the proxy's route mode (and the weights that go with
// it). Kernels without load balancing (balance_route_mode_enabled false)
// refuse modes 1 and 2.
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/route-mode
func (c *Client) SetRouteMode(ctx context.Context, instanceID, proxyID string, req RouteModeRequest) (string, error) {
	return c.setRouteModeCall(ctx, instanceID, proxyID, req, true)
}

func (c *Client) setRouteModeCall(ctx context.Context, instanceID, proxyID string, req RouteModeRequest, waitBusy bool) (string, error) {
	var out jobIDResponse
	err := c.do(ctx, call{method: http.MethodPut, path: proxyPath(instanceID, proxyID) + "/route-mode", in: req, out: &out, retryBusy: waitBusy})
	return out.JobID, err
}

// Flavor is one proxy flavor (the SDK's MysqlProxyComputeFlavor and
// ProxyFlavor).
type Flavor struct {
	ID       string     `json:"id"`
	SpecCode string     `json:"spec_code"`
	VCPUs    FlexString `json:"vcpus"`
	RAM      FlexString `json:"ram"`
	DBType   string     `json:"db_type"`
	// AzStatus maps an availability zone code to the flavor's state there
	// ("normal", "unsupported", "sellout"). The SDK types the whole value
	// as interface{}, so its values are not promised to be strings.
	AzStatus map[string]any `json:"az_status"`
	// SupportedIPv6 says whether the flavor serves IPv6. Only the per-AZ
	// answer carries it (the SDK's ProxyFlavor.supported_ipv6, a bool; the
	// per-instance MysqlProxyComputeFlavor has no such field), so nil
	// means "not reported", not "no IPv6".
	SupportedIPv6 *bool `json:"supported_ipv6"`
}

// FlavorGroup is the flavors of one architecture (group_type x86 or arm).
type FlavorGroup struct {
	GroupType string   `json:"group_type"`
	Flavors   []Flavor `json:"proxy_flavors"`
}

type flavorsResponse struct {
	Groups []FlavorGroup `json:"proxy_flavor_groups"`
}

// ListFlavors returns the flavors a proxy of the instance can use.
// @API GET /v3/{project_id}/instances/{instance_id}/proxy/flavors
func (c *Client) ListFlavors(ctx context.Context, instanceID string) ([]FlavorGroup, error) {
	var out flavorsResponse
	err := c.do(ctx, call{method: http.MethodGet, path: instancePath(instanceID) + "/proxy/flavors", out: &out})
	return out.Groups, err
}
