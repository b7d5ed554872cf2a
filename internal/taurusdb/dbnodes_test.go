// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"encoding/json"
	"testing"
)

// A readonly_nodes object without an id cannot be given a weight; it used
// to produce a weight entry with an empty ID.
func TestProxyEntry_DBNodesSkipsNodesWithoutID(t *testing.T) {
	var e ProxyEntry
	raw := `{"proxy":{"pool_id":"p"},"master_node":{"id":"m","weight":1},"readonly_nodes":[{"weight":5},{"id":"r","weight":2}]}`
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		t.Fatal(err)
	}
	nodes := e.DBNodes()
	if len(nodes) != 2 || nodes[0].ID != "m" || nodes[1].ID != "r" {
		t.Fatalf("DBNodes = %+v; want m and r only", nodes)
	}
	if weightsMatch(&e, []NodeWeight{{ID: "", Weight: 5}}) {
		t.Fatal("a weight for an empty node ID matched")
	}
}

// transaction_split is ON/OFF in the SDK; "true"/"false" are read the same.
func TestTransactionSplit_readsBothSpellings(t *testing.T) {
	for in, want := range map[string]string{"ON": "ON", "OFF": "OFF", "true": "ON", "false": "OFF", "": ""} {
		e := &ProxyEntry{Proxy: Proxy{TransactionSplit: in}}
		if got := TransactionSplit(e); got != want {
			t.Errorf("%q read as %q, want %q", in, got, want)
		}
	}
}
