package provider

import (
	"context"
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
	var failed *taurusdb.JobFailedError
	var timeout *taurusdb.JobTimeoutError
	errors.As(err, &ce)
	switch {
	case taurusdb.IsAuth(err):
		return "Check the provider's credentials; authentication failures are not retried. Nothing was created."
	case ce != nil && ce.ProxyID != "" && errors.As(err, &failed):
		return fmt.Sprintf("The proxy %s is kept in state as tainted. If the API rolled it back, the next refresh drops it; otherwise the next terraform apply deletes and recreates it.", ce.ProxyID)
	case ce != nil && ce.ProxyID != "" && errors.As(err, &timeout):
		return fmt.Sprintf("The proxy %s exists, is still being enabled and is kept in state as tainted. Raise timeouts.create, or wait and run terraform apply again (it replaces the tainted proxy; run terraform untaint first to keep it).", ce.ProxyID)
	case ce != nil && ce.ProxyID != "":
		return fmt.Sprintf("The proxy %s exists and is kept in state as tainted; the next terraform apply replaces it. "+
			"To keep it instead, run terraform untaint on this resource once the proxy is ACTIVE.", ce.ProxyID)
	case ce != nil && len(ce.Candidates) > 0:
		return fmt.Sprintf("A proxy was probably created, but it cannot be told which of these it is: %s. Nothing was recorded in state. "+
			"Find the right one in the console and adopt it with terraform import (ID %s/<proxy_id>), or delete the ones nobody owns; applying again without that creates another proxy.",
			strings.Join(ce.Candidates, ", "), ce.InstanceID)
	case ce != nil && ce.NothingCreated && taurusdb.IsBusy(err):
		return "The instance stayed busy with another operation until timeouts.create; nothing was created. Run terraform apply again once that operation is done, or raise timeouts.create."
	case ce != nil && ce.NothingCreated, errors.As(err, &failed):
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

func deleteNextStep(err error) string {
	var failed *taurusdb.JobFailedError
	var timeout *taurusdb.JobTimeoutError
	var lock *taurusdb.LockWaitError
	var notDone *taurusdb.DeleteNotDoneError
	switch {
	case errors.As(err, &notDone):
		// Before the job and timeout cases: the delete is over, and it
		// failed, so "may still finish" would be false.
		return fmt.Sprintf("The delete failed: the proxy is %s again, so it is kept in state. Check the instance's jobs in the console for the cause, "+
			"then run terraform destroy (or apply) again to retry the delete.", notDone.Status)
	case errors.As(err, &failed):
		return "The proxy is kept in state. Fix the cause given by fail_reason, then run terraform destroy (or apply) again to retry the delete."
	case errors.As(err, &lock):
		return "Other operations of this provider on the instance outlasted timeouts.delete, so the delete was never sent; the proxy is kept in state. " +
			"Run terraform destroy again, or raise timeouts.delete."
	case taurusdb.IsBusy(err):
		// Checked before the timeout: a busy instance that outlasts the
		// timeout means the delete most likely never started.
		return "The instance stayed busy with another operation until timeouts.delete, so the delete most likely never started; the proxy is kept in state. " +
			"Run terraform destroy again once that operation is done, or raise timeouts.delete."
	case errors.As(err, &timeout) || errors.Is(err, context.DeadlineExceeded):
		return "The delete may still finish on the server; the proxy is kept in state. Run terraform destroy again to resume waiting, or raise timeouts.delete."
	case errors.Is(err, context.Canceled):
		return "The wait was interrupted; the delete may still finish on the server. Run terraform destroy again to resume."
	case taurusdb.IsAuth(err):
		return "Check the provider's credentials; authentication failures are not retried."
	case taurusdb.HasNotFoundCode(err):
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
