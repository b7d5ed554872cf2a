// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
)

// regionHosts maps each region with a known TaurusDB endpoint to its host
// pattern; the patterns come from the official SDK's region table.
var regionHosts = func() map[string]string {
	m := map[string]string{}
	add := func(pattern string, regions ...string) {
		for _, r := range regions {
			m[r] = strings.ReplaceAll(pattern, "{region}", r)
		}
	}
	add("gaussdb.{region}.myhuaweicloud.com", "cn-north-4", "cn-southwest-2", "cn-east-3", "cn-south-1",
		"ru-northwest-2", "ap-southeast-3", "cn-north-2", "cn-north-9", "ap-southeast-4", "sa-brazil-1", "cn-south-4")
	add("gaussdbformysql.{region}.myhuaweicloud.com", "tr-west-1", "ap-southeast-1", "ap-southeast-2", "cn-north-11", "me-east-1")
	add("gaussdb-mysql.{region}.myhuaweicloud.com", "af-south-1", "cn-east-5", "la-north-2")
	add("gaussdb-mysql.{region}.otc.t-systems.com", "eu-de", "eu-nl")
	return m
}()

// KnownRegions lists the regions with a default endpoint, sorted.
func KnownRegions() []string {
	out := make([]string, 0, len(regionHosts))
	for r := range regionHosts {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// DefaultEndpoint returns https://host for a region from the table.
func DefaultEndpoint(region string) (string, error) {
	host, ok := regionHosts[region]
	if !ok {
		return "", fmt.Errorf("region %q has no known TaurusDB endpoint; set the provider's endpoint (or TAURUSDB_ENDPOINT) to the API's scheme://host[:port], without /v3", region)
	}
	return "https://" + host, nil
}

// isOTC reports an Open Telekom Cloud region, whose services live under
// otc.t-systems.com instead of myhuaweicloud.com.
func isOTC(region string) bool {
	return strings.HasPrefix(regionHosts[region], "gaussdb-mysql."+region+".otc.")
}

// DefaultIAMURL returns the IAM endpoint of a region, including /v3. The
// SDK's IAM region table (services/iam/v3/region) has one exception to
// iam.{region}.myhuaweicloud.com: eu-west-101 is served from
// myhuaweicloud.eu.
func DefaultIAMURL(region string) string {
	switch {
	case isOTC(region):
		return "https://iam." + region + ".otc.t-systems.com/v3"
	case region == "eu-west-101":
		return "https://iam." + region + ".myhuaweicloud.eu/v3"
	}
	return "https://iam." + region + ".myhuaweicloud.com/v3"
}

// DefaultVPCEndpoint returns the VPC (elastic public IP) endpoint of a
// region, scheme://host without a path. The SDK's EIP region table
// (services/eip/v2/region) uses vpc.{region}.myhuaweicloud.com for every
// region it lists, eu-west-101 included; Open Telekom Cloud regions use
// vpc.{region}.otc.t-systems.com.
func DefaultVPCEndpoint(region string) string {
	if isOTC(region) {
		return "https://vpc." + region + ".otc.t-systems.com"
	}
	return "https://vpc." + region + ".myhuaweicloud.com"
}

// ValidateEndpoint checks an endpoint setting: scheme://host[:port], no path
// beyond "/", and plain http only to a loopback address unless insecure is
// set, so credentials never cross a network in clear text by accident.
// It returns the endpoint without a trailing slash.
func ValidateEndpoint(endpoint string, insecure bool) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		// Do not echo the value: it may hold credentials.
		return "", fmt.Errorf("endpoint is not a URL of the form https://host[:port]")
	}
	if u.User != nil {
		return "", fmt.Errorf("endpoint %q must not carry user info (credentials go in the provider's auth settings)", u.Redacted())
	}
	endpoint = u.String()
	if u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf("endpoint %q is not of the form https://host[:port]", endpoint)
	}
	if p := strings.TrimSuffix(u.Path, "/"); p != "" {
		return "", fmt.Errorf("endpoint %q has a path (%s); give only scheme://host[:port], the provider adds /v3/{project_id}", endpoint, p)
	}
	if u.RawQuery != "" {
		return "", fmt.Errorf("endpoint %q must not carry a query", endpoint)
	}
	if u.Scheme == "http" && !insecure && !isLoopback(u.Hostname()) {
		return "", fmt.Errorf("endpoint %q uses plain http to a non-loopback host; use https, or set insecure = true if you really mean it", endpoint)
	}
	return u.Scheme + "://" + u.Host, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
