// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"net/http"
	"testing"
)

// The ECS metadata service is link-local and answers only the instance
// itself. Through HTTP_PROXY (common on CI runners) the token PUT and the
// securitykey GET would go to the proxy, which could answer with whatever
// credentials it likes (a proxy running on an ECS server: its own agency's),
// and the temporary keys would cross the proxy in clear text. So the
// metadata client has no proxy at all. (Go reads the proxy variables once
// per process, so the transport itself is what this checks.)
func TestMetadataCredentials_notFetchedThroughHTTPProxy(t *testing.T) {
	tr, ok := metadataHTTPClient().Transport.(*http.Transport)
	if !ok {
		t.Fatalf("metadata transport is %T", metadataHTTPClient().Transport)
	}
	if tr.Proxy != nil {
		req, _ := http.NewRequest(http.MethodGet, DefaultMetadataURL+"/openstack/latest/securitykey", nil)
		u, _ := tr.Proxy(req)
		t.Errorf("the ECS metadata client uses a proxy function (now %v): HTTP_PROXY would receive the agency's keys", u)
	}
}
