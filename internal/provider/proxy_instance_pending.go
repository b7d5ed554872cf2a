// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// pendingJobsKey is the private-state key under which taurusdb_proxy_instance
// keeps the jobs of accepted changes that may still be running: an update
// that timed out, or was cancelled, while a job ran. The next update waits
// for them before it reads the proxy, because some jobs (a node removal)
// keep the proxy ACTIVE and a change computed as a difference from that read
// would be made twice.
const pendingJobsKey = "pending_jobs"

// pendingJobsOf reads the jobs an earlier apply left running. A value that
// cannot be read is logged and ignored: the API's busy answer still guards
// the next change, as before this was recorded.
func pendingJobsOf(ctx context.Context, p privateState, diags *diag.Diagnostics) []string {
	var ids []string
	if err := getPrivateJSON(ctx, p, pendingJobsKey, &ids, diags); err != nil {
		diags.AddWarning("Unreadable record of running jobs",
			"The resource's private state holds jobs of an earlier apply in a form this provider version cannot read ("+err.Error()+"); they are not waited for. "+
				"If an earlier apply of this proxy timed out, check its jobs have ended before changing node_num.")
		return nil
	}
	return ids
}

// trackPendingJobs returns the callback that records the running jobs in
// the response's private state as soon as they change, so a timeout or an
// error later in the operation still leaves them for the next apply.
func trackPendingJobs(ctx context.Context, p privateState, diags *diag.Diagnostics) func([]string) {
	return func(ids []string) {
		diags.Append(setPrivateJSON(ctx, p, pendingJobsKey, ids, len(ids) == 0)...)
	}
}
