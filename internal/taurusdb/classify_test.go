// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// Each error the operations return has one kind, and the order settles the
// errors that carry two (a busy answer that outlasted the timeout is busy:
// the operation most likely never started).
func TestClassify(t *testing.T) {
	busy := &APIError{Status: http.StatusConflict, Code: "DBS.200019"}
	cases := []struct {
		name string
		err  error
		want Kind
	}{
		{"nil", nil, KindOther},
		{"absent from the list", fmt.Errorf("x: %w", ErrProxyNotFound), KindGone},
		{"instance gone", fmt.Errorf("x: %w", ErrInstanceNotFound), KindGone},
		{"not-found code alone", &APIError{Status: http.StatusConflict, Code: "DBS.200932"}, KindNotFoundCode},
		{"delete not done", &DeleteNotDoneError{Status: ProxyActive}, KindNotDone},
		{"job failed", &JobFailedError{Job: &Job{ID: "j"}}, KindJobFailed},
		{"lock wait", &LockWaitError{Err: context.DeadlineExceeded}, KindLockWait},
		{"auth", &APIError{Status: http.StatusUnauthorized, Code: "APIG.0301"}, KindAuth},
		{"lost answer", &MaybeStartedError{What: "restart", Err: &APIError{Status: 502}}, KindLostAnswer},
		{"busy until the timeout", fmt.Errorf("not retrying: %w", busy), KindBusy},
		// The timeout may also cut a try off in flight: every answer was
		// busy, so the operation most likely never started either.
		{"busy, a try cut off by the timeout", withPrevious(&url.Error{Op: "Delete", URL: "u", Err: context.DeadlineExceeded}, busy), KindBusy},
		{"server errors, a try cut off by the timeout", withPrevious(&url.Error{Op: "Delete", URL: "u", Err: context.DeadlineExceeded}, &APIError{Status: 500}), KindTimedOut},
		{"throttled", &APIError{Status: http.StatusTooManyRequests, Code: "APIG.0308"}, KindThrottled},
		{"job wait cancelled", &JobTimeoutError{JobID: "j", Cause: context.Canceled}, KindCancelled},
		{"job wait timed out", &JobTimeoutError{JobID: "j", Cause: context.DeadlineExceeded}, KindTimedOut},
		{"version wait", &VersionWaitError{Cause: context.DeadlineExceeded}, KindTimedOut},
		{"refused value", &APIError{Status: http.StatusBadRequest, Code: "DBS.200001"}, KindRefused},
		{"server error", &APIError{Status: http.StatusInternalServerError}, KindOther},
		{"plain", errors.New("x"), KindOther},
	}
	for _, tc := range cases {
		if got := Classify(tc.err); got != tc.want {
			t.Errorf("%s: Classify = %d, want %d", tc.name, got, tc.want)
		}
	}
}
