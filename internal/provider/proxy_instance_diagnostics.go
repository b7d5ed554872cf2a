// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

// Error summaries carry the resource's ID ("deleting TaurusDB proxy
// (po01...)"), lowercase gerund first; details name the proxy, instance,
// job and request, the API's words, and what to do next.

func createSummary(instanceID, proxyID string) string {
	if proxyID != "" {
		return fmt.Sprintf("creating TaurusDB proxy (%s)", proxyID)
	}
	return fmt.Sprintf("creating TaurusDB proxy on instance (%s)", instanceID)
}

// stepJob is the job of a failed update step, if any.
func stepJob(err error) string {
	var se *taurusdb.StepError
	if errors.As(err, &se) {
		return se.JobID
	}
	return ""
}

// createNextStep says what is true after a failed create, and what to do.
func createNextStep(err error, name string) string {
	var ce *taurusdb.CreateError
	errors.As(err, &ce)
	kind := taurusdb.Classify(err)
	switch {
	case kind == taurusdb.KindAuth:
		return "Check the provider's credentials; authentication failures are not retried. Nothing was created."
	case ce != nil && ce.ProxyID != "" && kind == taurusdb.KindJobFailed:
		return fmt.Sprintf("The proxy %s is kept in state as tainted. If the API rolled it back, the next refresh drops it; otherwise the next terraform apply deletes and recreates it.", ce.ProxyID)
	case ce != nil && ce.ProxyID != "" && (kind == taurusdb.KindTimedOut || kind == taurusdb.KindCancelled):
		return fmt.Sprintf("The proxy %s exists, is still being enabled and is kept in state as tainted. Raise timeouts.create, or wait and run terraform apply again (it replaces the tainted proxy; run terraform untaint first to keep it).", ce.ProxyID)
	case ce != nil && ce.ProxyID != "":
		return fmt.Sprintf("The proxy %s exists and is kept in state as tainted; the next terraform apply replaces it. "+
			"To keep it instead, run terraform untaint on this resource once the proxy is ACTIVE.", ce.ProxyID)
	case ce != nil && len(ce.Candidates) > 0:
		return fmt.Sprintf("A proxy was probably created, but it cannot be told which of these it is: %s. Nothing was recorded in state. "+
			"Find the right one in the console and adopt it with terraform import (ID %s/<proxy_id>), or delete the ones nobody owns; applying again without that creates another proxy.",
			strings.Join(ce.Candidates, ", "), ce.InstanceID)
	case ce != nil && ce.NothingCreated && kind == taurusdb.KindBusy:
		return "The instance stayed busy with another operation until timeouts.create; nothing was created. Run terraform apply again once that operation is done, or raise timeouts.create."
	case ce != nil && ce.NothingCreated, kind == taurusdb.KindJobFailed:
		return "Nothing was created. Fix the cause above and run terraform apply again."
	case ce != nil && ce.AnswerLost:
		return fmt.Sprintf("The create request may have been carried out although its answer was lost, but no new proxy named %q was listed on instance %s in time; nothing was recorded in state. "+
			"Check the instance's proxies: if one named %q appears, adopt it with terraform import (ID %s/<proxy_id>) instead of applying again, which would create a second proxy.",
			name, ce.InstanceID, name, ce.InstanceID)
	case ce != nil:
		return fmt.Sprintf("The API accepted the create request, but no new proxy named %q could be found on instance %s; nothing was recorded in state. "+
			"Check the instance's proxies: if one named %q appears, adopt it with terraform import (ID %s/<proxy_id>) instead of applying again, which would create a second proxy.",
			name, ce.InstanceID, name, ce.InstanceID)
	}
	return "Run terraform apply again."
}

// deleteNextStep says what is true after a failed delete, and what to do.
func deleteNextStep(err error) string {
	switch taurusdb.Classify(err) {
	case taurusdb.KindNotDone:
		var notDone *taurusdb.DeleteNotDoneError
		errors.As(err, &notDone)
		return fmt.Sprintf("The delete failed: the proxy is %s again, so it is kept in state. Check the instance's jobs in the console for the cause, "+
			"then run terraform destroy (or apply) again to retry the delete.", notDone.Status)
	case taurusdb.KindJobFailed:
		return "The proxy is kept in state. Fix the cause given by fail_reason, then run terraform destroy (or apply) again to retry the delete."
	case taurusdb.KindLockWait:
		return "Other operations of this provider on the instance outlasted timeouts.delete, so the delete was never sent; the proxy is kept in state. " +
			"Run terraform destroy again, or raise timeouts.delete."
	case taurusdb.KindBusy:
		return "The instance stayed busy with another operation until timeouts.delete, so the delete most likely never started; the proxy is kept in state. " +
			"Run terraform destroy again once that operation is done, or raise timeouts.delete."
	case taurusdb.KindTimedOut:
		return "The delete may still finish on the server; the proxy is kept in state. Run terraform destroy again to resume waiting, or raise timeouts.delete."
	case taurusdb.KindCancelled:
		return "The wait was interrupted; the delete may still finish on the server. Run terraform destroy again to resume."
	case taurusdb.KindAuth:
		return "Check the provider's credentials; authentication failures are not retried."
	case taurusdb.KindNotFoundCode:
		return "The API answered that the proxy does not exist, but the proxy list still shows it, so it was not deleted and is kept in state. " +
			"Run terraform destroy again; if the answer repeats, open a case with Huawei Cloud support quoting the X-Request-Id."
	}
	return "The proxy is kept in state; run terraform destroy again."
}

// opDetail is the body of every error: which proxy, instance and job, the
// API's words (error_code, error_msg and X-Request-Id are in err), and what
// to do next.
func opDetail(instanceID, proxyID, jobID string, err error, next string) string {
	var b strings.Builder
	if proxyID != "" {
		fmt.Fprintf(&b, "Proxy: %s\n", proxyID)
	}
	fmt.Fprintf(&b, "Instance: %s\n", instanceID)
	if jobID != "" {
		fmt.Fprintf(&b, "Job: %s\n", jobID)
	}
	var failed *taurusdb.JobFailedError
	if errors.As(err, &failed) {
		fmt.Fprintf(&b, "Fail reason: %s\n", failed.Job.FailReason)
	}
	if rid := taurusdb.RequestID(err); rid != "" {
		fmt.Fprintf(&b, "X-Request-Id: %s\n", rid)
	}
	fmt.Fprintf(&b, "Error: %s\n", err)
	if next != "" {
		b.WriteString("\n" + next)
	}
	return b.String()
}
