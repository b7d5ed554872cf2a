package taurusdb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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

type enlargeRequest struct {
	ProxyID string `json:"proxy_id"`
	NodeNum int    `json:"node_num"`
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
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(s)
	}
	v, err := strconv.Atoi(string(b))
	if err != nil {
		return fmt.Errorf("not an integer: %s", b)
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
		return fmt.Errorf("neither string nor number: %s", b)
	}
	*f = FlexString(n.String())
	return nil
}

// ProxyNode is one node of the proxy itself.
type ProxyNode struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	AZCode string `json:"az_code"`
}

// Proxy is the proxy object of a list entry.
type Proxy struct {
	PoolID           string      `json:"pool_id"`
	Status           string      `json:"status"`
	Address          string      `json:"address"`
	Port             FlexInt     `json:"port"`
	PoolStatus       string      `json:"pool_status"`
	ELBVIP           string      `json:"elb_vip"`
	EIP              string      `json:"eip"`
	VCPUs            FlexString  `json:"vcpus"`
	RAM              FlexString  `json:"ram"`
	NodeNum          FlexInt     `json:"node_num"`
	Mode             string      `json:"mode"`
	Nodes            []ProxyNode `json:"nodes"`
	Name             string      `json:"name"`
	FlavorRef        string      `json:"flavor_ref"`
	TransactionSplit string      `json:"transaction_split"`
	SubnetID         string      `json:"subnet_id"`
	RouteMode        *FlexInt    `json:"route_mode"`
}

// DBNode is a database node behind a proxy, with its read weight.
type DBNode struct {
	ID               string  `json:"id"`
	InstanceID       string  `json:"instance_id"`
	Status           string  `json:"status"`
	Name             string  `json:"name"`
	Weight           FlexInt `json:"weight"`
	AvailabilityZone string  `json:"availability_zone"`
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
	}
	var ns []DBNode
	if err := json.Unmarshal(b, &ns); err != nil {
		return err
	}
	*l = ns
	return nil
}

// ProxyEntry is one element of the proxy list.
type ProxyEntry struct {
	Proxy         Proxy      `json:"proxy"`
	MasterNode    *DBNode    `json:"master_node"`
	ReadonlyNodes DBNodeList `json:"readonly_nodes"`
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
			return nil, err
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
	for i := range list {
		if list[i].Proxy.PoolID == proxyID {
			if list[i].Proxy.Status == ProxyDeleted {
				break
			}
			return &list[i], nil
		}
	}
	return nil, fmt.Errorf("proxy %s on instance %s: %w", proxyID, instanceID, ErrProxyNotFound)
}

// DeleteProxy starts disabling one proxy, named explicitly in proxy_ids, and
// returns the job ID. A busy instance is waited on until ctx ends.
// @API DELETE /v3/{project_id}/instances/{instance_id}/proxy
func (c *Client) DeleteProxy(ctx context.Context, instanceID, proxyID string) (string, error) {
	var out jobIDResponse
	err := c.do(ctx, call{method: http.MethodDelete, path: instancePath(instanceID) + "/proxy",
		in: DeleteProxyRequest{ProxyIDs: []string{proxyID}}, out: &out, retryBusy: true})
	return out.JobID, err
}

// ChangeFlavor starts a flavor change.
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/flavor
func (c *Client) ChangeFlavor(ctx context.Context, instanceID, proxyID, flavorRef string) (string, error) {
	var out jobIDResponse
	err := c.do(ctx, call{method: http.MethodPut, path: proxyPath(instanceID, proxyID) + "/flavor", in: flavorRequest{FlavorRef: flavorRef}, out: &out, retryBusy: true})
	return out.JobID, err
}

// AddNodes adds count proxy nodes.
// @API POST /v3/{project_id}/instances/{instance_id}/proxy/enlarge
func (c *Client) AddNodes(ctx context.Context, instanceID, proxyID string, count int) (string, error) {
	var out jobIDResponse
	err := c.do(ctx, call{method: http.MethodPost, path: instancePath(instanceID) + "/proxy/enlarge", in: enlargeRequest{ProxyID: proxyID, NodeNum: count}, out: &out, retryBusy: true})
	return out.JobID, err
}

// RemoveNodes removes count proxy nodes.
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/reduce
func (c *Client) RemoveNodes(ctx context.Context, instanceID, proxyID string, count int) (string, error) {
	var out jobIDResponse
	// node_num is how many to remove, not a target: a replay after a lost
	// answer would remove that many again.
	err := c.do(ctx, call{method: http.MethodPut, path: proxyPath(instanceID, proxyID) + "/reduce", in: reduceRequest{NodeNum: count}, out: &out, retryBusy: true, notIdempotent: true})
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
	var out optionalJobResponse
	err := c.do(ctx, call{method: http.MethodPut, path: proxyPath(instanceID, proxyID) + "/port", in: portRequest{Port: port}, out: &out, retryBusy: true})
	return out.JobID, err
}

// SetReadWeights changes the read weights of the master and read replicas.
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/weight
func (c *Client) SetReadWeights(ctx context.Context, instanceID, proxyID string, req WeightRequest) (string, error) {
	var out jobIDResponse
	err := c.do(ctx, call{method: http.MethodPut, path: proxyPath(instanceID, proxyID) + "/weight", in: req, out: &out, retryBusy: true})
	return out.JobID, err
}
