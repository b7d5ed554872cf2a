// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

func TestRestartActionTimeout(t *testing.T) {
	for in, want := range map[string]time.Duration{"15m": 15 * time.Minute, "1h30m": 90 * time.Minute} {
		if got, err := restartActionTimeout(types.StringValue(in)); err != nil || got != want {
			t.Errorf("%q: %v, %v; want %v", in, got, err, want)
		}
	}
	if got, err := restartActionTimeout(types.StringNull()); err != nil || got != defaultRestartTimeout {
		t.Errorf("unset: %v, %v; want the default %v", got, err, defaultRestartTimeout)
	}
	for _, bad := range []string{"15", "soon", "-1m", "0s"} {
		if _, err := restartActionTimeout(types.StringValue(bad)); err == nil {
			t.Errorf("%q accepted; a timeout is a positive Go duration", bad)
		}
	}
}

func TestRestartProgress_namesTheJobStatusAndPercentage(t *testing.T) {
	if got := restartProgress(&taurusdb.Job{ID: "j1", Status: "Running", Process: "40%"}); got != "restart job j1: Running, 40%" {
		t.Errorf("got %q", got)
	}
	if got := restartProgress(&taurusdb.Job{ID: "j1", Status: "Completed"}); got != "restart job j1: Completed" {
		t.Errorf("got %q", got)
	}
}
