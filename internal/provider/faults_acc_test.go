// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// The fault matrix: every scripted failure the emulator knows, on each call
// the resource makes, with the real Terraform CLI. A transient fault must end
// in success; a permanent one in an error that names what a person needs
// (proxy, instance, job, error_code, X-Request-Id, the next step), after
// which running the same command again converges. After every case the
// proxies in Terraform state and in the emulator are the same set: nothing
// lost, nothing created twice.
//
// Set TAURUSDB_FAULT_TABLE=/path/to/file.md to also write the outcome of
// every case as a markdown table (the README's reliability section).

// Operations a fault can be aimed at.
const (
	matrixCreate = "create"
	matrixRead   = "read"
	matrixDelete = "delete"
	matrixPoll   = "job poll"
)

var matrixCall = map[string]struct{ method, suffix, label string }{
	matrixCreate: {http.MethodPost, "/proxy", "create (`POST …/proxy`)"},
	matrixRead:   {http.MethodGet, "/proxies", "read (`GET …/proxies`)"},
	matrixDelete: {http.MethodDelete, "/proxy", "delete (`DELETE …/proxy`)"},
	matrixPoll:   {http.MethodGet, "/jobs", "job poll (`GET …/jobs`)"},
}

const (
	reProxyID = `[0-9a-f]{32}po01`
	reJobID   = `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`
	// "X-Request-Id: id" on a line of its own, or "(X-Request-Id id)" inside
	// the error text when a timeout cut a retry short.
	reRequestID = `X-Request-Id:? [0-9a-f]{32}`
	// Terraform wraps long diagnostic lines; words of a phrase may be
	// separated by any whitespace.
	matrixFailReason = "proxy node quota exhausted in az1"
)

// phrase turns words into a regexp that tolerates Terraform's line wrapping.
func phrase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return strings.Join(words, `\s+`)
}

type matrixCase struct {
	fault    string // the fault, as the table shows it
	op       string // matrixCreate, ...
	injected string // how often, as the table shows it
	f        emulator.Fault
	timeouts string // HCL of the timeouts attribute; "" = the matrix default
	// wantErr, when set, makes the faulted command fail: the error must
	// match these fragments in order ({inst} and {proxy} are replaced by
	// the real IDs; {proxy} is a pattern until the proxy exists).
	wantErr []string
	says    string // what the error tells the user, for the table
	// release ends what the fault left behind (a hung job) before the
	// command runs again.
	release func(env *accEnv) error
	// oneCreateJob asserts that the API ran exactly one create job: the
	// answer to the create was lost, and the provider must not send it
	// again as a new proxy.
	oneCreateJob bool
}

func (c matrixCase) name() string {
	n := c.op + "/" + c.fault + "/" + c.injected
	return strings.NewReplacer(" ", "_", "/", "_", "`", "", "…", "", "(", "", ")", "", ":", "", ",", "").Replace(n)
}

func finishHungJob(env *accEnv) error {
	for _, j := range env.emu.Jobs() {
		if j.Status == emulator.JobRunning {
			if !env.emu.FinishJob(j.ID, "") {
				return fmt.Errorf("could not finish job %s", j.ID)
			}
			return nil
		}
	}
	return fmt.Errorf("no hung job to finish")
}

func matrixCases() []matrixCase {
	type kind struct {
		label string
		f     emulator.Fault
	}
	// The transient faults that any call may meet. Each fires on the
	// first two matching calls (latency on every call: it is slow, not
	// wrong).
	transient := []kind{
		{"429 APIG.0308 with Retry-After: 1", emulator.Fault{Kind: emulator.FaultThrottle, RetryAfter: 1, Times: 2}},
		{"429 APIG.0308 without Retry-After", emulator.Fault{Kind: emulator.FaultThrottle, Times: 3}},
		{"500 JSON error", emulator.Fault{Kind: emulator.FaultServerError, Status: 500, Times: 2}},
		{"502 JSON error", emulator.Fault{Kind: emulator.FaultServerError, Status: 502, Times: 2}},
		{"503 JSON error", emulator.Fault{Kind: emulator.FaultServerError, Status: 503, Times: 2}},
		{"502 HTML page (load balancer)", emulator.Fault{Kind: emulator.FaultHTMLBadGateway, Times: 2}},
		{"200 with truncated JSON", emulator.Fault{Kind: emulator.FaultMalformedJSON, Times: 2}},
		{"200 `{}` (no job_id / no data)", emulator.Fault{Kind: emulator.FaultNoJobID, Times: 2}},
		{"300 ms added latency", emulator.Fault{Kind: emulator.FaultLatency, Latency: 300 * time.Millisecond}},
		{"dropped connection", emulator.Fault{Kind: emulator.FaultDropConnection, Times: 2}},
	}
	busy := kind{"409 DBS.200019 instance busy", emulator.Fault{Kind: emulator.FaultBusy, Times: 3}}
	injected := func(f emulator.Fault) string {
		switch {
		case f.After:
			return "once, after the API acted"
		case f.Times > 0:
			return fmt.Sprintf("first %d calls", f.Times)
		}
		return "every call"
	}

	var cases []matrixCase
	add := func(op string, k kind, c matrixCase) {
		c.op, c.fault, c.f = op, k.label, k.f
		c.injected = injected(k.f)
		if c.f.Kind == emulator.FaultJobFails || c.f.Kind == emulator.FaultJobHangs {
			c.injected = "the call's job"
		}
		cases = append(cases, c)
	}
	for _, op := range []string{matrixCreate, matrixRead, matrixDelete, matrixPoll} {
		for _, k := range transient {
			add(op, k, matrixCase{})
		}
	}
	// Only mutating calls meet a busy instance.
	add(matrixCreate, busy, matrixCase{})
	add(matrixDelete, busy, matrixCase{})

	// Lost answers: the API carried out the call, the client heard a 502
	// or nothing at all.
	for _, k := range []kind{
		{"502 JSON error", emulator.Fault{Kind: emulator.FaultServerError, Status: 502, Times: 1, After: true}},
		{"dropped connection", emulator.Fault{Kind: emulator.FaultDropConnection, Times: 1, After: true}},
	} {
		add(matrixCreate, k, matrixCase{oneCreateJob: true})
	}
	add(matrixDelete, kind{"502 JSON error", emulator.Fault{Kind: emulator.FaultServerError, Status: 502, Times: 1, After: true}}, matrixCase{})

	// Jobs that fail or never finish.
	jobFails := kind{"job ends Failed with fail_reason", emulator.Fault{Kind: emulator.FaultJobFails, Times: 1, FailReason: matrixFailReason}}
	jobHangs := kind{"job never finishes (timeout 3s)", emulator.Fault{Kind: emulator.FaultJobHangs, Times: 1}}
	add(matrixCreate, jobFails, matrixCase{
		wantErr: []string{phrase("creating TaurusDB proxy"), `Proxy: ` + reProxyID, `Instance: {inst}`, `Job: ` + reJobID,
			`Fail reason: ` + phrase(matrixFailReason), phrase("kept in state as tainted")},
		says: "proxy, instance, job, fail_reason (the API rolled the proxy back; the re-run's refresh drops it)",
	})
	add(matrixCreate, jobHangs, matrixCase{
		timeouts: `create = "3s"`,
		wantErr: []string{phrase("creating TaurusDB proxy"), `Proxy: ` + reProxyID, `Instance: {inst}`, `Job: ` + reJobID,
			phrase("timed out (last status: Running"), phrase("Raise timeouts.create")},
		says:    "proxy, instance, job, last status; raise timeouts.create",
		release: finishHungJob,
	})
	add(matrixDelete, jobFails, matrixCase{
		wantErr: []string{phrase("deleting TaurusDB proxy"), `Proxy: {proxy}`, `Instance: {inst}`, `Job: ` + reJobID,
			`Fail reason: ` + phrase(matrixFailReason), phrase("run terraform destroy (or apply) again")},
		says: "proxy, instance, job, fail_reason; proxy kept in state",
	})
	add(matrixDelete, jobHangs, matrixCase{
		timeouts: `delete = "3s"`,
		wantErr: []string{phrase("deleting TaurusDB proxy"), `Proxy: {proxy}`, `Instance: {inst}`, `Job: ` + reJobID,
			phrase("timed out (last status: Running"), phrase("Run terraform destroy again to resume waiting")},
		says:    "proxy, instance, job, last status; destroy again resumes",
		release: finishHungJob,
	})

	// Faults on every call.
	every500 := kind{"500 JSON error", emulator.Fault{Kind: emulator.FaultServerError, Status: 500}}
	add(matrixCreate, every500, matrixCase{
		wantErr: []string{phrase("creating TaurusDB proxy"), `Instance: {inst}`, reRequestID, phrase("HTTP 500 DBS.200000"),
			phrase("nothing was recorded in state"), phrase("adopt it with terraform import")},
		says: "instance, HTTP status, error_code, X-Request-Id",
	})
	add(matrixCreate, kind{"429 APIG.0308 with Retry-After: 1", emulator.Fault{Kind: emulator.FaultThrottle, RetryAfter: 1}}, matrixCase{
		timeouts: `create = "2500ms"`,
		wantErr: []string{phrase("creating TaurusDB proxy"), `Instance: {inst}`, reRequestID, phrase("HTTP 429 APIG.0308"),
			phrase("Nothing was created")},
		says: "instance, error_code, X-Request-Id; gives up within timeouts.create",
	})
	add(matrixCreate, kind{busy.label, emulator.Fault{Kind: emulator.FaultBusy}}, matrixCase{
		timeouts: `create = "3s"`,
		// The loop ends either just before the timeout ("not retrying")
		// or in the middle of a try; both must keep the 409's details.
		wantErr: []string{phrase("creating TaurusDB proxy"), `Instance: {inst}`, reRequestID, phrase("HTTP 409 DBS.200019"),
			phrase("nothing was created")},
		says: "instance, error_code, X-Request-Id; waited out until timeouts.create",
	})
	add(matrixRead, every500, matrixCase{
		wantErr: []string{phrase("reading TaurusDB proxy"), `Proxy: {proxy}`, `Instance: {inst}`, reRequestID,
			phrase("giving up after 5 retries (max_retries)"), phrase("HTTP 500 DBS.200000"), phrase("state is unchanged")},
		says: "proxy, instance, error_code, X-Request-Id; state unchanged",
	})
	add(matrixRead, kind{"429 APIG.0308 without Retry-After", emulator.Fault{Kind: emulator.FaultThrottle}}, matrixCase{
		wantErr: []string{phrase("reading TaurusDB proxy"), `Proxy: {proxy}`, `Instance: {inst}`, reRequestID,
			phrase("still throttled after 25 tries"), phrase("HTTP 429 APIG.0308")},
		says: "proxy, instance, error_code, X-Request-Id; state unchanged",
	})
	add(matrixDelete, every500, matrixCase{
		wantErr: []string{phrase("deleting TaurusDB proxy"), `Proxy: {proxy}`, `Instance: {inst}`, reRequestID,
			phrase("giving up after 5 retries (max_retries)"), phrase("HTTP 500 DBS.200000"), phrase("run terraform destroy again")},
		says: "proxy, instance, error_code, X-Request-Id; proxy kept in state",
	})
	add(matrixDelete, kind{busy.label, emulator.Fault{Kind: emulator.FaultBusy}}, matrixCase{
		timeouts: `delete = "3s"`,
		wantErr: []string{phrase("deleting TaurusDB proxy"), `Proxy: {proxy}`, `Instance: {inst}`, reRequestID,
			phrase("HTTP 409 DBS.200019"), phrase("most likely never started"), phrase("terraform destroy again")},
		says: "proxy, instance, error_code, X-Request-Id; waited out until timeouts.delete; proxy kept in state",
	})
	// A 404 from something other than TaurusDB (a gateway without the
	// route, a wrong endpoint) says nothing about the proxy: it must never
	// drop it from state nor count as deleted.
	gateway404 := kind{"404 from a gateway with no route", emulator.Fault{Kind: emulator.FaultGatewayNotFound}}
	add(matrixRead, gateway404, matrixCase{
		wantErr: []string{phrase("reading TaurusDB proxy"), `Proxy: {proxy}`, `Instance: {inst}`, phrase("HTTP 404: no Route matched"),
			phrase("carries no TaurusDB not-found code"), phrase("Check the provider's endpoint and region"), phrase("state is unchanged")},
		says: "proxy, instance, the URL's host and path; check endpoint and region; state unchanged",
	})
	add(matrixDelete, gateway404, matrixCase{
		wantErr: []string{phrase("deleting TaurusDB proxy"), `Proxy: {proxy}`, `Instance: {inst}`, phrase("HTTP 404: no Route matched"),
			phrase("Check the provider's endpoint and region"), phrase("proxy is kept in state")},
		says: "proxy, instance, the URL's host and path; check endpoint and region; proxy kept in state",
	})
	add(matrixPoll, every500, matrixCase{
		wantErr: []string{phrase("creating TaurusDB proxy"), `Proxy: ` + reProxyID, `Instance: {inst}`, `Job: ` + reJobID, reRequestID,
			`querying job ` + reJobID, phrase("giving up after 5 retries"), phrase("HTTP 500 DBS.200000"), phrase("kept in state as tainted")},
		says: "proxy, instance, job, error_code, X-Request-Id; proxy tainted",
	})
	return cases
}

// matrixRow is one line of the summary table.
type matrixRow struct {
	index                    int
	fault, op, injected, out string
}

func TestAccFaultMatrix(t *testing.T) {
	cases := matrixCases()
	var mu sync.Mutex
	var rows []matrixRow
	if path := os.Getenv("TAURUSDB_FAULT_TABLE"); path != "" {
		// Cleanup runs after every parallel subtest has finished.
		t.Cleanup(func() {
			// Grouped by operation, in the order the cases were written.
			order := map[string]int{}
			for i, op := range []string{matrixCreate, matrixRead, matrixDelete, matrixPoll} {
				order[matrixCall[op].label] = i
			}
			sort.Slice(rows, func(i, j int) bool {
				if oi, oj := order[rows[i].op], order[rows[j].op]; oi != oj {
					return oi < oj
				}
				return rows[i].index < rows[j].index
			})
			var b strings.Builder
			b.WriteString("| Fault | Operation | Injected | Outcome |\n|---|---|---|---|\n")
			for _, r := range rows {
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.fault, r.op, r.injected, r.out)
			}
			if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
				t.Errorf("writing %s: %v", path, err)
			}
		})
	}
	for i, c := range cases {
		t.Run(c.name(), func(t *testing.T) {
			// Most of a case is waiting (retries, jobs, the CLI starting),
			// so two at a time keeps a 2-core machine busy without making
			// the short timeouts of some cases tight.
			t.Parallel()
			out := runMatrixCase(t, c)
			mu.Lock()
			defer mu.Unlock()
			if t.Failed() {
				out = "**FAILED**"
			}
			rows = append(rows, matrixRow{index: i, fault: c.fault, op: matrixCall[c.op].label, injected: c.injected, out: out})
		})
	}
}

const matrixAddr = "taurusdb_proxy_instance.p"

// testAccProxyInstanceConfig_matrix is the fault matrix's proxy with the
// given body of its timeouts attribute ("" = 60 s for create and delete,
// which bounds a wait that a bug would make endless).
func testAccProxyInstanceConfig_matrix(env *accEnv, inst, timeouts string) string {
	if timeouts == "" {
		timeouts = `create = "60s"
    delete = "60s"`
	}
	return env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, `  name = "matrix-proxy"
  timeouts = {
    `+timeouts+`
  }`)
}

// runMatrixCase runs one case and returns its outcome for the table.
func runMatrixCase(t *testing.T, c matrixCase) string {
	env := newAccEnv(t, emulator.Config{JobDuration: 300 * time.Millisecond})
	inst := env.instance(0)
	call := matrixCall[c.op]
	f := c.f
	f.Method, f.PathSuffix = call.method, call.suffix
	cfg := testAccProxyInstanceConfig_matrix(env, inst, c.timeouts)

	var proxyID string
	// The expected error names the real proxy once it exists; ExpectError
	// holds a pointer, so the pattern is filled in just before the step.
	wantErr := new(regexp.Regexp)
	setWantErr := func() {
		parts := make([]string, len(c.wantErr))
		for i, p := range c.wantErr {
			id := reProxyID
			if proxyID != "" {
				id = proxyID
			}
			parts[i] = strings.NewReplacer("{inst}", inst, "{proxy}", id).Replace(p)
		}
		*wantErr = *regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
	}
	inject := func() {
		env.emu.Inject(f)
		setWantErr()
	}
	faulted := func() int {
		n := 0
		for _, r := range env.emu.Requests() {
			if r.Fault != "" {
				n++
			}
		}
		return n
	}
	var faultedCalls int
	// rerun is the same command again after a permanent fault: the fault is
	// gone (a real outage ends), whatever it left behind is released.
	rerun := func() {
		faultedCalls = faulted()
		env.emu.ClearFaults()
		if c.release != nil {
			if err := c.release(env); err != nil {
				t.Fatal(err)
			}
		}
	}
	consistent := func(s *terraform.State) error { return env.checkStateMatchesEmulator(s) }
	created := resource.ComposeTestCheckFunc(stateID(matrixAddr, &proxyID), consistent)
	// What the step must plan for the proxy: a fault in the step's own
	// calls cannot change that (a transient read fault that made the
	// proxy look different would plan an update or a replacement).
	plans := func(action plancheck.ResourceActionType) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(matrixAddr, action)}}
	}

	permanent := len(c.wantErr) > 0
	// After a permanent fault: once the outage is over, a refresh must find
	// state and API agreeing (a proxy created but not recorded would show
	// here as lost), and then the same command must converge.
	refreshAfterFailure := resource.TestStep{PreConfig: rerun, RefreshState: true, ExpectNonEmptyPlan: true, Check: consistent}
	var steps []resource.TestStep
	switch c.op {
	case matrixCreate, matrixPoll:
		inject()
		if permanent {
			// The re-run's plan depends on what the fault left in state
			// (nothing, or a tainted proxy); consistency is what counts.
			steps = append(steps,
				resource.TestStep{Config: cfg, ConfigPlanChecks: plans(plancheck.ResourceActionCreate), ExpectError: wantErr},
				refreshAfterFailure,
				resource.TestStep{Config: cfg, Check: created})
		} else {
			steps = append(steps, resource.TestStep{Config: cfg, ConfigPlanChecks: plans(plancheck.ResourceActionCreate), Check: created})
		}
	case matrixRead:
		steps = append(steps, resource.TestStep{Config: cfg, ConfigPlanChecks: plans(plancheck.ResourceActionCreate), Check: created})
		if permanent {
			// The faulted refresh fails the plan itself.
			steps = append(steps,
				resource.TestStep{PreConfig: inject, Config: cfg, ExpectError: wantErr},
				refreshAfterFailure,
				resource.TestStep{Config: cfg, ConfigPlanChecks: plans(plancheck.ResourceActionNoop), Check: consistent})
		} else {
			steps = append(steps, resource.TestStep{PreConfig: inject, Config: cfg, ConfigPlanChecks: plans(plancheck.ResourceActionNoop), Check: consistent})
		}
	case matrixDelete:
		steps = append(steps, resource.TestStep{Config: cfg, ConfigPlanChecks: plans(plancheck.ResourceActionCreate), Check: created})
		if permanent {
			steps = append(steps,
				resource.TestStep{PreConfig: inject, Config: cfg, Destroy: true, ConfigPlanChecks: plans(plancheck.ResourceActionDestroy), ExpectError: wantErr},
				refreshAfterFailure,
				// No plan check: when the delete finished after all, the
				// refresh above already dropped the proxy and this destroy
				// has nothing to plan.
				resource.TestStep{Config: cfg, Destroy: true})
		} else {
			steps = append(steps, resource.TestStep{PreConfig: inject, Config: cfg, Destroy: true, ConfigPlanChecks: plans(plancheck.ResourceActionDestroy)})
		}
	}
	checkDestroy := env.checkDestroyed
	if f.Kind == emulator.FaultLatency {
		// The request log stamps a call when it arrives, before the
		// latency; the answer is computed after it, so "polled after the
		// job ended" cannot be read from the log. The proxies must still
		// be gone.
		checkDestroy = env.checkProxiesGone
	}
	// The subtest is already parallel (TestAccFaultMatrix): resource.Test,
	// not ParallelTest, which would call t.Parallel a second time.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             checkDestroy,
		Steps:                    steps,
	})
	if !permanent {
		faultedCalls = faulted()
	}

	// Whatever happened, nothing is left behind and nothing was made twice.
	if left := env.emu.AllProxies(); len(left) != 0 {
		t.Errorf("proxies left in the emulator after destroy: %+v", left)
	}
	if faultedCalls == 0 && f.Kind != emulator.FaultJobFails && f.Kind != emulator.FaultJobHangs {
		t.Errorf("the fault never fired: the case proves nothing")
	}
	creates := 0
	for _, j := range env.emu.Jobs() {
		if strings.HasPrefix(j.Name, "Open") {
			creates++
		}
	}
	if c.oneCreateJob && creates != 1 {
		t.Errorf("the API ran %d create jobs, want exactly 1: a create whose answer was lost was sent again", creates)
	}
	if c.op == matrixDelete && !permanent {
		wait := env.checkDeleteWaited
		if f.After {
			// The job ID was in the lost answer: the provider waits by
			// sending DELETE again (busy while the job runs, then "proxy
			// does not exist"), not by polling the job.
			wait = env.checkDeleteSeenDone
		}
		if err := wait(proxyID); err != nil {
			t.Error(err)
		}
		for _, d := range env.deletes() {
			if len(d) != 1 || d[0] != proxyID {
				t.Errorf("a DELETE named %v, want only %s", d, proxyID)
			}
		}
	}

	plural := func(n int, what string) string {
		if n == 1 {
			return "1 " + what
		}
		return fmt.Sprintf("%d %ss", n, what)
	}
	switch {
	case permanent:
		return fmt.Sprintf("clear error after %s; it names %s. Re-run converges", plural(faultedCalls, "faulted answer"), c.says)
	case f.Kind == emulator.FaultLatency:
		return fmt.Sprintf("succeeds (%s delayed)", plural(faultedCalls, "call"))
	case c.oneCreateJob:
		return "succeeds: the provider lists before resending and adopts the proxy the lost answer created (one create job)"
	case f.After:
		return "succeeds: DELETE is resent, waits out 409 busy while the job runs, then sees the proxy gone"
	}
	return fmt.Sprintf("succeeds after %s", plural(faultedCalls, "faulted answer"))
}

// checkStateMatchesEmulator compares the proxies in state (including
// tainted and deposed ones) with the proxies the emulator has: the same set,
// each once.
func (a *accEnv) checkStateMatchesEmulator(s *terraform.State) error {
	inState := map[string]int{}
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "taurusdb_proxy_instance" {
			continue
		}
		if rs.Primary != nil {
			inState[rs.Primary.Attributes["instance_id"]+"/"+rs.Primary.ID]++
		}
		for _, d := range rs.Deposed {
			inState[d.Attributes["instance_id"]+"/"+d.ID]++
		}
	}
	inEmu := map[string]bool{}
	var problems []string
	for _, p := range a.emu.AllProxies() {
		k := p.InstanceID + "/" + p.PoolID
		inEmu[k] = true
		if inState[k] == 0 {
			problems = append(problems, fmt.Sprintf("proxy %s (%s) exists but is not in state", k, p.Status))
		}
	}
	for k, n := range inState {
		switch {
		case !inEmu[k]:
			problems = append(problems, fmt.Sprintf("proxy %s is in state but not in the emulator", k))
		case n > 1:
			problems = append(problems, fmt.Sprintf("proxy %s is in state %d times", k, n))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("state and emulator disagree:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

// checkProxiesGone is CheckDestroy without the request-log timing check.
func (a *accEnv) checkProxiesGone(s *terraform.State) error {
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "taurusdb_proxy_instance" {
			continue
		}
		if p, ok := a.emu.Proxy(rs.Primary.Attributes["instance_id"], rs.Primary.ID); ok {
			return fmt.Errorf("proxy %s still exists in status %s after destroy", rs.Primary.ID, p.Status)
		}
	}
	return nil
}

// checkDeleteSeenDone proves a delete whose job ID was lost still waited:
// after the delete job ended, the provider sent DELETE again and heard that
// the proxy no longer exists.
func (a *accEnv) checkDeleteSeenDone(proxyID string) error {
	for _, j := range a.emu.Jobs() {
		if len(j.ProxyIDs) != 1 || j.ProxyIDs[0] != proxyID || !strings.Contains(j.Name, "Close") || j.Status != emulator.JobCompleted {
			continue
		}
		for _, r := range a.emu.Requests() {
			if r.Method == http.MethodDelete && strings.HasSuffix(r.Path, "/proxy") && r.Status == http.StatusBadRequest && !r.At.Before(j.Ended) {
				return nil
			}
		}
		return fmt.Errorf("delete job %s of proxy %s ended at %s, but no later DELETE saw the proxy gone: destroy did not wait for it", j.ID, proxyID, j.Ended)
	}
	return fmt.Errorf("no completed delete job for proxy %s", proxyID)
}

// A create timeout that cuts the POST off after the API acted must not
// orphan the proxy: the provider looks once more and records it (tainted),
// so the next apply replaces it instead of creating a second, unmanaged one.
func TestAccProxyInstance_createCutOffByTimeoutLeavesNoOrphan(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	inst := env.instance(0)
	const addr = "taurusdb_proxy_instance.p"
	cfg := testAccProxyInstanceConfig_createTimeout(env, inst, "2s")
	env.emu.Inject(emulator.Fault{Method: http.MethodPost, PathSuffix: "/proxy", Times: 1, After: true, Kind: emulator.FaultLatency, Latency: 10 * time.Second})
	sameAsEmulator := func(s *terraform.State) error {
		var inState []string
		for _, rs := range s.RootModule().Resources {
			if rs.Type == "taurusdb_proxy_instance" {
				inState = append(inState, rs.Primary.ID)
			}
		}
		live := env.emu.Proxies(inst)
		if len(live) != 1 || len(inState) != 1 || live[0].PoolID != inState[0] {
			return fmt.Errorf("state %v, emulator %+v: want the same single proxy", inState, live)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ExpectError: regexp.MustCompile(`(?s)TaurusDB proxy.*Proxy: [0-9a-f]{32}po01.*tainted`),
			},
			{
				// Tainted: the next apply replaces the recorded proxy.
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: sameAsEmulator,
			},
		},
	})
}

// testAccProxyInstanceConfig_createTimeout is one proxy with a create
// timeout.
func testAccProxyInstanceConfig_createTimeout(env *accEnv, inst, create string) string {
	return env.providerHCL() + proxyHCL("p", inst, testFlavor, 2, fmt.Sprintf("  timeouts = { create = %q }", create))
}
