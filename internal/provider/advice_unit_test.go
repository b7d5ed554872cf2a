// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"errors"
	"strings"
	"testing"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

// The advice after a failed create says "its answer was lost" only when it
// was: not after a completed job that listed no proxy, nor after a job that
// timed out before the proxy was listed.
func TestCreateNextStep_saysAnswerLostOnlyWhenItWas(t *testing.T) {
	for _, err := range []error{
		&taurusdb.CreateError{InstanceID: "i", JobID: "j1", Err: errors.New("job j1 completed but no new proxy named \"x\" appeared on instance i")},
		&taurusdb.CreateError{InstanceID: "i", JobID: "j1", Err: &taurusdb.JobTimeoutError{JobID: "j1", LastStatus: "Running"}},
	} {
		if s := createNextStep(err, "x"); strings.Contains(s, "answer was lost") || !strings.Contains(s, "terraform import") {
			t.Errorf("for %v the advice reads: %s", err, s)
		}
	}
	lost := &taurusdb.CreateError{InstanceID: "i", AnswerLost: true, Err: errors.New("502")}
	if s := createNextStep(lost, "x"); !strings.Contains(s, "answer was lost") {
		t.Errorf("for a lost answer the advice reads: %s", s)
	}
}
