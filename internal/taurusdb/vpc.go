// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// ErrPublicIPNotFound is returned (wrapped, with the address) by
// FindPublicIP when the project has no elastic public IP with the address.
var ErrPublicIPNotFound = errors.New("no elastic public IP with this address")

// ErrNoVPCEndpoint is returned by FindPublicIP when Config.VPCEndpoint is
// empty.
var ErrNoVPCEndpoint = errors.New("no VPC endpoint configured")

// PublicIP is an elastic public IP, named as the SDK's PublicipShowResp
// (services/eip/v2/model/model_publicip_show_resp.go).
type PublicIP struct {
	// ID is the EIP's id (what the proxy's bind call calls public_ip_id).
	ID string
	// Address is public_ip_address (for an IPv6 EIP, public_ipv6_address).
	Address string
	// Status is the EIP's status: DOWN (not bound), ACTIVE (bound),
	// ELB, VPN, PENDING_CREATE, ...
	Status string
}

// publicIPsResponse is the SDK's ListPublicipsResponse.
type publicIPsResponse struct {
	PublicIPs []publicIPEntry `json:"publicips"`
}

type publicIPEntry struct {
	ID          string `json:"id"`
	Address     string `json:"public_ip_address"`
	IPv6Address string `json:"public_ipv6_address"`
	Status      string `json:"status"`
}

// FindPublicIP returns the elastic public IP with this address: GET
// {VPCEndpoint}/v1/{project_id}/publicips?public_ip_address={address}
// (the SDK's ListPublicips in services/eip/v2).
func (c *Client) FindPublicIP(ctx context.Context, address string) (PublicIP, error) {
	if c.vpcBase == "" {
		return PublicIP{}, fmt.Errorf("looking up the elastic public IP %s: %w; set the provider's VPC endpoint (or its region)", address, ErrNoVPCEndpoint)
	}
	ip := net.ParseIP(address)
	if ip == nil {
		return PublicIP{}, fmt.Errorf("%q is not an IP address", address)
	}
	var out publicIPsResponse
	err := c.do(ctx, call{
		service: serviceVPC, method: http.MethodGet, path: "/publicips",
		query: url.Values{"public_ip_address": {address}}, out: &out,
	})
	if err != nil {
		return PublicIP{}, fmt.Errorf("looking up the elastic public IP %s: %w", address, err)
	}
	// The filter is the API's; compare anyway, so an endpoint that ignored
	// it cannot hand over another EIP. The SDK documents that an IPv6 EIP
	// carries its IPv6 address in public_ipv6_address and an IPv4 one in
	// public_ip_address: match either, in canonical form.
	var found []PublicIP
	for _, e := range out.PublicIPs {
		for _, a := range []string{e.Address, e.IPv6Address} {
			if p := net.ParseIP(a); p != nil && p.Equal(ip) {
				found = append(found, PublicIP{ID: e.ID, Address: a, Status: e.Status})
				break
			}
		}
	}
	switch len(found) {
	case 0:
		return PublicIP{}, fmt.Errorf("%w: %s in project %s; check that the EIP exists in this region and project", ErrPublicIPNotFound, address, c.cfg.ProjectID)
	case 1:
		if found[0].ID == "" {
			return PublicIP{}, &DecodeError{Method: http.MethodGet, Path: c.fullPath(call{service: serviceVPC, path: "/publicips"}),
				Status: http.StatusOK, Problem: fmt.Sprintf("the elastic public IP %s has no id", address), permanent: true}
		}
		return found[0], nil
	}
	ids := make([]string, len(found))
	for i, f := range found {
		ids[i] = f.ID
	}
	return PublicIP{}, fmt.Errorf("%d elastic public IPs have the address %s (%s); give the EIP's ID instead", len(found), address, strings.Join(ids, ", "))
}
