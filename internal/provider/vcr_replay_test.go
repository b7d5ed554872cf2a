// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// replayer answers the provider's requests from a cassette, offline.
//
// Why not go-vcr's own replay (recorder.ModeReplayOnly)? Its matcher only
// sees one recorded request at a time, not which interactions were used or
// where in the recording the test has got to, so it can serve "each
// interaction once, in order" but not the rule below, which is what lets one
// cassette serve both Terraform and OpenTofu. The cassette format, loading
// and recording are go-vcr's; this is only the lookup.
//
// The rule. A cassette is a sequence of interactions. The mutating ones
// (anything but GET and HEAD) split it into epochs: the API's state only
// changes through them (and through the jobs they start).
//
//   - A mutating request must match the next unused mutating interaction,
//     exactly: same method, path, query and JSON body. Each is used once, in
//     the recorded order; anything else is an error. Using one moves the
//     replay into the epoch after it, and the unused reads of the epoch
//     before are skipped (the CLI read less than when recording).
//   - A GET takes the first unused matching interaction of the current epoch,
//     so repeated identical reads (job polls answering Running, Running,
//     Completed) come back in the recorded order. When the epoch has none
//     left, the last recorded answer to that request before the next
//     mutating interaction is served again (the CLI read more than when
//     recording; nothing changed the state since that answer).
//
// The provider's own waits (job polls, "wait until the proxy is gone") stop
// at a state change, so at zero delay they use exactly the recorded answers;
// only the CLI's plan/refresh reads vary between CLIs, and those are reads
// of a settled state. Scheme, host, port and headers are ignored.
type replayer struct {
	name string // for messages

	mu       sync.Mutex
	ints     []*cassette.Interaction
	used     []bool
	cursor   int // first interaction after the last used mutating one
	repeats  int
	problems []string
	onServe  func(*cassette.Interaction)
}

func newReplayer(name string, ints []*cassette.Interaction) *replayer {
	return &replayer{name: name, ints: ints, used: make([]bool, len(ints))}
}

// loadReplayer reads testdata/cassettes/<name>.yaml (file without ".yaml").
func loadReplayer(file string) (*replayer, error) {
	c, err := cassette.Load(file)
	if err != nil {
		return nil, fmt.Errorf("loading cassette %s.yaml: %w", file, err)
	}
	return newReplayer(c.File, c.Interactions), nil
}

func isMutating(method string) bool {
	return method != http.MethodGet && method != http.MethodHead
}

// RoundTrip implements http.RoundTripper.
func (r *replayer) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	i, err := r.pick(req.Method, req.URL, body)
	if err != nil {
		r.problems = append(r.problems, err.Error())
	}
	onServe := r.onServe
	r.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if onServe != nil {
		onServe(i)
	}
	resp := &http.Response{
		Status:        i.Response.Status,
		StatusCode:    i.Response.Code,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        i.Response.Headers.Clone(),
		Body:          io.NopCloser(strings.NewReader(i.Response.Body)),
		ContentLength: int64(len(i.Response.Body)),
		Request:       req,
	}
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	return resp, nil
}

// pick finds the interaction to serve; r.mu is held.
func (r *replayer) pick(method string, u *url.URL, body []byte) (*cassette.Interaction, error) {
	bound := r.cursor
	for bound < len(r.ints) && !isMutating(r.ints[bound].Request.Method) {
		bound++
	}
	if isMutating(method) {
		if bound == len(r.ints) {
			return nil, fmt.Errorf("vcr replay (%s): unrecorded request %s: every recorded mutating request has been used already; "+
				"the provider now sends more than when the cassette was recorded (re-record with TAURUSDB_VCR=record)", r.name, describeRequest(method, u, body))
		}
		if !requestMatches(r.ints[bound].Request, method, u, body) {
			want := r.ints[bound].Request
			return nil, fmt.Errorf("vcr replay (%s): unrecorded request %s: the next recorded mutating request is interaction %d, %s; "+
				"mutating requests must come in the recorded order (re-record with TAURUSDB_VCR=record if the provider changed on purpose)",
				r.name, describeRequest(method, u, body), r.ints[bound].ID, describeRecorded(want))
		}
		r.used[bound] = true
		r.cursor = bound + 1
		return r.ints[bound], nil
	}
	for k := r.cursor; k < bound; k++ {
		if !r.used[k] && requestMatches(r.ints[k].Request, method, u, body) {
			r.used[k] = true
			return r.ints[k], nil
		}
	}
	for k := bound - 1; k >= 0; k-- {
		if !isMutating(r.ints[k].Request.Method) && requestMatches(r.ints[k].Request, method, u, body) {
			r.repeats++
			return r.ints[k], nil
		}
	}
	return nil, fmt.Errorf("vcr replay (%s): unrecorded request %s: the cassette has no answer to it before interaction %d "+
		"(re-record with TAURUSDB_VCR=record)", r.name, describeRequest(method, u, body), bound)
}

// requestMatches compares method, path, query and body; scheme, host, port
// and headers are ignored.
func requestMatches(rec cassette.Request, method string, u *url.URL, body []byte) bool {
	if rec.Method != method {
		return false
	}
	ru, err := url.Parse(rec.URL)
	if err != nil || ru.Path != u.Path {
		return false
	}
	rq, err1 := url.ParseQuery(ru.RawQuery)
	q, err2 := url.ParseQuery(u.RawQuery)
	if err1 != nil || err2 != nil || !reflect.DeepEqual(normQuery(rq), normQuery(q)) {
		return false
	}
	return sameBody([]byte(rec.Body), body)
}

func normQuery(q url.Values) url.Values {
	if len(q) == 0 {
		return nil
	}
	return q
}

// sameBody compares JSON bodies by value (key order and spacing do not
// matter) and anything else byte for byte.
func sameBody(a, b []byte) bool {
	a, b = bytes.TrimSpace(a), bytes.TrimSpace(b)
	if bytes.Equal(a, b) {
		return true
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func describeRequest(method string, u *url.URL, body []byte) string {
	s := method + " " + u.Path
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	if len(body) > 0 {
		s += " body " + string(body)
	}
	return s
}

func describeRecorded(rec cassette.Request) string {
	u, err := url.Parse(rec.URL)
	if err != nil {
		return rec.Method + " " + rec.URL
	}
	return describeRequest(rec.Method, u, []byte(rec.Body))
}

// unusedMutating lists the recorded mutating interactions the replay never
// reached: the provider sent less than when the cassette was recorded.
func (r *replayer) unusedMutating() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for k, i := range r.ints {
		if isMutating(i.Request.Method) && !r.used[k] {
			out = append(out, fmt.Sprintf("interaction %d: %s", i.ID, describeRecorded(i.Request)))
		}
	}
	return out
}

// repeated counts reads answered again from an already used interaction.
func (r *replayer) repeated() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.repeats
}

// unusedReads counts recorded reads that were skipped.
func (r *replayer) unusedReads() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for k, i := range r.ints {
		if !isMutating(i.Request.Method) && !r.used[k] {
			n++
		}
	}
	return n
}

// report summarises the replay and returns an error listing what went wrong.
func (r *replayer) report() (string, error) {
	unused := r.unusedMutating()
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, u := range r.used {
		if u {
			n++
		}
	}
	summary := fmt.Sprintf("replayed %s: %d of %d recorded interactions used, %d repeated reads", r.name, n, len(r.ints), r.repeats)
	var errs []error
	seen := map[string]bool{}
	for _, p := range r.problems {
		if !seen[p] {
			seen[p] = true
			errs = append(errs, errors.New(p))
		}
	}
	if len(unused) > 0 {
		errs = append(errs, fmt.Errorf("vcr replay (%s): recorded mutating requests never sent:\n  %s", r.name, strings.Join(unused, "\n  ")))
	}
	return summary, errors.Join(errs...)
}
