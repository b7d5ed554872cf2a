// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// A proxy's private DNS name: "<prefix>.<zone>", where only the prefix can
// be chosen. A proxy has none until one is applied for (POST, a job, which
// gives it a generated prefix); the prefix is then changed with PUT (a job),
// which needs the VPC of the instance. The DELETE call exists too, but the
// provider never removes a name: an unset prefix leaves the proxy as it is.

// DNSPrefixRE is the rule for a private DNS name prefix in the user guide:
// 8 to 63 lowercase letters and digits.
var DNSPrefixRE = regexp.MustCompile(`^[a-z0-9]{8,63}$`)

// DNSPrefix is the prefix (first label) of the proxy's private DNS name as
// the list reports it; "" when it reports none.
func DNSPrefix(e *ProxyEntry) string {
	prefix, _, _ := strings.Cut(e.Proxy.DNSName, ".")
	return prefix
}

// InstanceDetail is the part of the SDK's MysqlInstanceInfoDetail
// (ShowGaussMySqlInstanceInfoResponse.instance) the provider uses.
type InstanceDetail struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Status   string `json:"status"`
	VpcID    string `json:"vpc_id"`
	SubnetID string `json:"subnet_id"`
}

type instanceDetailResponse struct {
	Instance *InstanceDetail `json:"instance"`
}

func (r *instanceDetailResponse) missing() string {
	if r.Instance == nil {
		return "instance object"
	}
	return ""
}

// GetInstance reads the database instance's details.
// @API GET /v3/{project_id}/instances/{instance_id}
func (c *Client) GetInstance(ctx context.Context, instanceID string) (*InstanceDetail, error) {
	var out instanceDetailResponse
	if err := c.do(ctx, call{method: http.MethodGet, path: instancePath(instanceID), out: &out}); err != nil {
		return nil, err
	}
	return out.Instance, nil
}

// CreateProxyDNS applies for a private DNS name for the proxy (the SDK's
// CreateProxyDnsName, no body); the name has a generated prefix.
// @API POST /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/dns
func (c *Client) CreateProxyDNS(ctx context.Context, instanceID, proxyID string) (string, error) {
	var out jobIDResponse
	err := c.do(ctx, call{method: http.MethodPost, path: proxyPath(instanceID, proxyID) + "/dns", out: &out})
	return out.JobID, err
}

type proxyDNSRequest struct {
	NewDNSName string `json:"new_dns_name"`
	VpcID      string `json:"vpc_id"`
}

// ChangeProxyDNS changes the prefix of the proxy's private DNS name (the
// SDK's UpdateProxyPrivateDnsName). The prefix alone is sent as
// new_dns_name, as the user guide says only the prefix can change; vpcID is
// the instance's VPC.
// @API PUT /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/dns
func (c *Client) ChangeProxyDNS(ctx context.Context, instanceID, proxyID, prefix, vpcID string) (string, error) {
	var out jobIDResponse
	err := c.do(ctx, call{method: http.MethodPut, path: proxyPath(instanceID, proxyID) + "/dns",
		in: proxyDNSRequest{NewDNSName: prefix, VpcID: vpcID}, out: &out})
	return out.JobID, err
}

// dnsStep gives the proxy a private DNS name with the prefix: it applies for
// a name first when the list shows none, then changes the prefix.
func (c *Client) dnsStep(instanceID, proxyID, prefix string) updateStep {
	return updateStep{
		name: "changing dns_name_prefix to " + prefix,
		done: func(e *ProxyEntry) bool { return DNSPrefix(e) == prefix },
		send: func(ctx context.Context, e *ProxyEntry) (string, error) {
			// applyRefused is a refused application for a name, kept for
			// the error should the change fail too: then the proxy may
			// really have no name, and that refusal is the cause.
			var applyRefused error
			if e.Proxy.DNSName == "" {
				jobID, err := c.CreateProxyDNS(ctx, instanceID, proxyID)
				err = refused("dns_name_prefix", err)
				var rejected *SettingRefusedError
				switch {
				case errors.As(err, &rejected) && !rejected.Feature:
					// The list may not report the name (the SDK's model has
					// no field for it), so a proxy that already has one is
					// possible here: go on and change it. Should it really
					// have none, the change is refused and says so.
					c.log.Warn(ctx, "applying for a private DNS name was refused; changing the prefix of the name the proxy may already have", map[string]any{
						"instance_id": instanceID, "proxy_id": proxyID, "error": err.Error(),
					})
					applyRefused = rejected.Err
				case err != nil:
					return jobID, err
				default:
					if _, err := c.WaitJob(ctx, jobID); err != nil {
						return jobID, fmt.Errorf("applying for a private DNS name: %w", err)
					}
				}
			}
			jobID, err := c.changeDNSPrefix(ctx, instanceID, proxyID, prefix)
			if err != nil && applyRefused != nil && !IsBusy(err) {
				err = fmt.Errorf("%w; before that, applying for a private DNS name was refused (the proxy may have none): %v", err, applyRefused) //nolint:errorlint // the change's error decides the handling; the refusal is context
			}
			return jobID, err
		},
	}
}

// changeDNSPrefix reads the instance's vpc_id and changes the prefix.
func (c *Client) changeDNSPrefix(ctx context.Context, instanceID, proxyID, prefix string) (string, error) {
	inst, err := c.GetInstance(ctx, instanceID)
	if err != nil {
		return "", fmt.Errorf("reading the instance for its vpc_id, which changing the name needs: %w", err)
	}
	if inst.VpcID == "" {
		return "", fmt.Errorf("the details of instance %s carry no vpc_id, which changing a proxy's private DNS name needs", instanceID)
	}
	jobID, err := c.ChangeProxyDNS(ctx, instanceID, proxyID, prefix, inst.VpcID)
	return jobID, refused("dns_name_prefix", err)
}
