// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"os"
	"strings"
	"testing"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

// The resource's docs promise the order in which an update makes its
// changes; it must be the order the client uses.
func TestDocs_updateOrderMatchesTheClient(t *testing.T) {
	raw, err := os.ReadFile("../../templates/resources/proxy_instance.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Join(strings.Fields(string(raw)), " ")
	want := "`" + strings.Join(taurusdb.UpdateOrder, "`, `") + "`."
	if !strings.Contains(doc, want) {
		t.Fatalf("the resource template does not state the update order %s", want)
	}
}
