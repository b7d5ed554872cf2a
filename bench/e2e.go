// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

// Part B: the real Terraform CLI and the real provider binary against the
// emulator, in real time.

const (
	e2eJobDuration = 3 * time.Second
	e2eToken       = "bench-e2e-token-0123456789"
	e2eFlavor      = "gaussdb.proxy.large.x86.2"
	providerSource = "registry.terraform.io/taurusdb-community/taurusdb"
	providerBin    = "terraform-provider-taurusdb"
	// deleteJobName is the name the emulator gives delete (disable) jobs.
	deleteJobName = "CloseGaussDBforMySQLProxy"

	buildTimeout     = 4 * time.Minute
	terraformTimeout = 3 * time.Minute
)

// Environment variables the provider reads at configure time.
const (
	envBatchWindow = "TAURUSDB_DELETE_BATCH_WINDOW"
	envShareTTL    = "TAURUSDB_REFRESH_SHARE_TTL"
)

// e2eScenario is one measurement: apply, then plans (refresh) and, unless
// planOnly, a timed destroy.
type e2eScenario struct {
	name        string
	instances   int
	perInstance int
	parallelism int // of the destroy; 0 = Terraform's default
	// applyParallelism is the apply's; 0 = Terraform's default. Only the
	// set-up is faster with more; nothing of the apply is measured.
	applyParallelism int
	// noBatching sets TAURUSDB_DELETE_BATCH_WINDOW=off for every command of
	// the scenario; otherwise the provider's default window applies.
	noBatching bool
	// wallTarget is the destroy wall time to stay within; 0 = none.
	wallTarget time.Duration
	measureRSS bool
	// planPairs is how many times, after the apply, to run terraform plan
	// once with shared refreshes (the default) and once with
	// TAURUSDB_REFRESH_SHARE_TTL=off, counting the proxy-list calls.
	planPairs int
	// planOnly skips the destroy: the scenario only sets up plans.
	planOnly bool
	// repeat runs the scenario this many times (each with a fresh emulator
	// and apply) and reports the run with the median destroy wall time.
	repeat int
}

func (s e2eScenario) proxies() int { return s.instances * s.perInstance }

func (s e2eScenario) command() string {
	c := "terraform destroy -auto-approve"
	if s.noBatching {
		c = envBatchWindow + "=off " + c
	}
	if s.parallelism > 0 {
		c += fmt.Sprintf(" -parallelism=%d", s.parallelism)
	}
	return c
}

// env is the scenario's environment for every Terraform command: the
// batching knob set (to the default or off) and shared refreshes at their
// default, so that nothing inherited changes what is measured.
func (s e2eScenario) env(base []string) []string {
	window := "" // the provider's default
	if s.noBatching {
		window = "off"
	}
	return overrideEnv(base, map[string]string{envBatchWindow: window, envShareTTL: ""})
}

// planParallelism is the plan's -parallelism (Terraform's default too).
const planParallelism = 10

func planCommand(coalesce bool) string {
	c := fmt.Sprintf("terraform plan -parallelism=%d", planParallelism)
	if !coalesce {
		c = envShareTTL + "=off " + c
	}
	return c
}

// e2eResult is what one scenario measured.
type e2eResult struct {
	scenario     e2eScenario
	applyWall    time.Duration
	wall         time.Duration // the destroy
	jobs         int
	jobSizes     []int // proxies named by each delete job, in creation order
	jobSum       time.Duration
	critical     time.Duration // max over instances of the summed job time
	gapMean      time.Duration // between one delete job's end and the next one's start on an instance
	gapMax       time.Duration
	hasGaps      bool
	calls        map[string]int
	totalCalls   int
	deletes      []deleteCall   // the DELETE calls of the destroy, in order
	others       map[string]int // the calls counted as other, by callShape
	rssKB        int64          // peak max RSS of the provider during the destroy; 0 = not measured
	rssSource    string
	rssProcesses int
	walls        []time.Duration // destroy wall of every run, in run order
	plans        []planSample
}

// deleteCall is one DELETE of the destroy: when it reached the emulator
// (since the destroy started), on which instance, naming how many proxies.
type deleteCall struct {
	at       time.Duration
	instance int // index into the scenario's instances
	proxies  int
	status   int
}

// planSample is one terraform plan over an applied state.
type planSample struct {
	instances, perInstance int
	coalesce               bool
	wall                   time.Duration
	lists                  int            // GET .../proxies with no or a zero offset: one per list
	pages                  int            // further pages (offset > 0)
	other                  int            // every other call during the plan
	others                 map[string]int // those, by callShape
}

// Call kinds counted during a destroy.
const (
	kindDelete  = "DELETE proxy"
	kindJobs    = "GET jobs"
	kindProxies = "GET proxies"
	kindOther   = "other"
)

// e2eReport is all of part B.
type e2eReport struct {
	results      []e2eResult // destroy scenarios, in order
	plans        []planSample
	planApplies  []planApply // the applies of the planOnly scenarios
	releaseBytes int64
}

// planApply is the set-up of a planOnly scenario, for context.
type planApply struct {
	scenario e2eScenario
	wall     time.Duration
}

// e2eEnv is the prepared tool chain: provider build, wrapper and CLI config.
type e2eEnv struct {
	root      string // module root
	tmp       string
	terraform string
	realBin   string // the provider binary Terraform ends up running
	pluginDir string // the dev_overrides directory (holds the wrapper)
	rssFile   string // /usr/bin/time output; "" when polling /proc instead
	env       []string
}

// e2eScenarios is part B. Repeats are few where applies are long (creates
// are serialized per instance: four proxies on one instance take four
// 3 s jobs to set up) and where the figure barely varies (the unbatched
// destroys are a chain of jobs).
func e2eScenarios() []e2eScenario {
	return []e2eScenario{
		{name: "1 proxy", instances: 1, perInstance: 1, repeat: 3},
		{name: "1 proxy", instances: 1, perInstance: 1, noBatching: true, repeat: 2},
		{name: "4 proxies on 1 instance", instances: 1, perInstance: 4, wallTarget: 4500 * time.Millisecond, repeat: 3},
		{name: "4 proxies on 1 instance", instances: 1, perInstance: 4, noBatching: true, repeat: 1},
		{name: "12 proxies on 3 instances", instances: 3, perInstance: 4, parallelism: 10, wallTarget: 4500 * time.Millisecond,
			measureRSS: true, planPairs: 1, repeat: 3},
		{name: "12 proxies on 3 instances", instances: 3, perInstance: 4, parallelism: 10, noBatching: true,
			measureRSS: true, planPairs: 1, repeat: 1},
		// Not a target: all 12 Deletes reach the provider at once, which
		// -parallelism=10 does not allow. It separates what batching does
		// from what Terraform's parallelism lets it do.
		{name: "12 proxies on 3 instances", instances: 3, perInstance: 4, parallelism: 12, repeat: 3},
		{name: "40 proxies on 10 instances", instances: 10, perInstance: 4, applyParallelism: 40, planPairs: 2, planOnly: true, repeat: 1},
	}
}

func runE2E(ctx context.Context, root, terraform string, progress func(string)) (*e2eReport, error) {
	tmp, err := os.MkdirTemp("", "taurusdb-bench-")
	if err != nil {
		return nil, fmt.Errorf("part B: temporary directory: %w", err)
	}
	defer os.RemoveAll(tmp)

	rep := &e2eReport{}
	env, err := prepareE2E(ctx, root, tmp, terraform, rep, progress)
	if err != nil {
		return nil, err
	}
	for i, sc := range e2eScenarios() {
		runs := make([]*e2eResult, 0, max(sc.repeat, 1))
		for r := range max(sc.repeat, 1) {
			what := sc.command()
			if sc.planOnly {
				what = "plans only"
			}
			progress(fmt.Sprintf("part B: scenario %q (run %d of %d): apply, %d plan pairs, %s", sc.name, r+1, max(sc.repeat, 1), sc.planPairs, what))
			res, err := env.runScenario(ctx, filepath.Join(tmp, fmt.Sprintf("scenario%d-run%d", i+1, r+1)), sc)
			if err != nil {
				return nil, fmt.Errorf("part B, scenario %q (run %d): %w", sc.name, r+1, err)
			}
			runs = append(runs, res)
			rep.plans = append(rep.plans, res.plans...)
			if sc.planOnly {
				rep.planApplies = append(rep.planApplies, planApply{scenario: sc, wall: res.applyWall})
			}
		}
		if !sc.planOnly {
			rep.results = append(rep.results, medianRun(runs))
		}
	}
	return rep, nil
}

// medianRun picks the run with the median destroy wall time (the lower
// middle one for an even count) and records every run's wall time in it.
func medianRun(runs []*e2eResult) e2eResult {
	walls := make([]time.Duration, len(runs))
	for i, r := range runs {
		walls[i] = r.wall
	}
	sorted := append([]*e2eResult(nil), runs...)
	sort.Slice(sorted, func(a, b int) bool { return sorted[a].wall < sorted[b].wall })
	m := *sorted[(len(sorted)-1)/2]
	m.walls = walls
	return m
}

func prepareE2E(ctx context.Context, root, tmp, terraform string, rep *e2eReport, progress func(string)) (*e2eEnv, error) {
	goBin, err := goTool()
	if err != nil {
		return nil, err
	}
	// The release build: what the size target is about.
	progress("part B: building the release binary (linux/amd64, CGO_ENABLED=0, -trimpath -ldflags \"-s -w\")")
	release := filepath.Join(tmp, "release", providerBin)
	if _, err := runCmd(ctx, buildTimeout, root, envWith(map[string]string{"CGO_ENABLED": "0", "GOOS": "linux", "GOARCH": "amd64"}),
		goBin, "build", "-trimpath", "-ldflags", "-s -w", "-o", release, "."); err != nil {
		return nil, fmt.Errorf("part B: building the provider: %w", err)
	}
	st, err := os.Stat(release)
	if err != nil {
		return nil, fmt.Errorf("part B: %w", err)
	}
	rep.releaseBytes = st.Size()

	// The binary Terraform runs: the release one when this machine can run
	// it, otherwise a native build with the same flags.
	realBin := release
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		progress("part B: building the provider for this machine")
		realBin = filepath.Join(tmp, "native", providerBin)
		if _, err := runCmd(ctx, buildTimeout, root, nil, goBin, "build", "-trimpath", "-ldflags", "-s -w", "-o", realBin, "."); err != nil {
			return nil, fmt.Errorf("part B: building the provider: %w", err)
		}
	}

	e := &e2eEnv{root: root, tmp: tmp, terraform: terraform, realBin: realBin, pluginDir: filepath.Join(tmp, "plugins")}
	if err := os.MkdirAll(e.pluginDir, 0o755); err != nil {
		return nil, fmt.Errorf("part B: %w", err)
	}
	wrapper := filepath.Join(e.pluginDir, providerBin)
	if timeWorks(ctx, tmp) {
		// /usr/bin/time -o keeps its report off stdout, where go-plugin's
		// handshake goes; -a collects every start of the provider.
		e.rssFile = filepath.Join(tmp, "provider-maxrss.txt")
		script := fmt.Sprintf("#!/bin/sh\nexec /usr/bin/time -a -f %%M -o %s %s \"$@\"\n", shellQuote(e.rssFile), shellQuote(realBin))
		if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
			return nil, fmt.Errorf("part B: writing the provider wrapper: %w", err)
		}
	} else if err := os.Symlink(realBin, wrapper); err != nil {
		return nil, fmt.Errorf("part B: linking the provider: %w", err)
	}

	cliConfig := filepath.Join(tmp, "terraform.rc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", providerSource, e.pluginDir)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		return nil, fmt.Errorf("part B: writing the Terraform CLI config: %w", err)
	}
	e.env = envWith(map[string]string{
		"TF_CLI_CONFIG_FILE": cliConfig,
		"TF_IN_AUTOMATION":   "1",
		"TF_INPUT":           "0",
		"CHECKPOINT_DISABLE": "1",
		"TF_LOG":             "",
		"TF_LOG_PROVIDER":    "",
		"TF_DATA_DIR":        "",
		envBatchWindow:       "",
		envShareTTL:          "",
	})
	return e, nil
}

// timeWorks reports whether /usr/bin/time is GNU time with -f and -o.
func timeWorks(ctx context.Context, tmp string) bool {
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		return false
	}
	probe := filepath.Join(tmp, "time-probe.txt")
	if _, err := runCmd(ctx, 10*time.Second, tmp, nil, "/usr/bin/time", "-a", "-f", "%M", "-o", probe, "true"); err != nil {
		return false
	}
	kb, _ := readMaxRSS(probe)
	return kb > 0
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func (e *e2eEnv) runScenario(ctx context.Context, dir string, sc e2eScenario) (*e2eResult, error) {
	emu, err := emulator.Start(emulator.Config{Token: e2eToken, JobDuration: e2eJobDuration})
	if err != nil {
		return nil, fmt.Errorf("starting the emulator: %w", err)
	}
	defer emu.Close()
	ids := emu.InstanceIDs()
	for len(ids) < sc.instances {
		emu.AddInstance()
		ids = emu.InstanceIDs()
	}
	ids = ids[:sc.instances]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(mainTF(emu, ids, sc.perInstance)), 0o600); err != nil {
		return nil, fmt.Errorf("writing main.tf: %w", err)
	}
	env := sc.env(e.env)

	applyArgs := []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	if sc.applyParallelism > 0 {
		applyArgs = append(applyArgs, fmt.Sprintf("-parallelism=%d", sc.applyParallelism))
	}
	start := time.Now()
	if _, err := runCmd(ctx, terraformTimeout, dir, env, e.terraform, applyArgs...); err != nil {
		return nil, fmt.Errorf("terraform apply: %w", err)
	}
	res := &e2eResult{scenario: sc, applyWall: time.Since(start)}
	created := emu.AllProxies()
	if len(created) != sc.proxies() {
		return nil, fmt.Errorf("after apply the emulator has %d proxies, want %d", len(created), sc.proxies())
	}

	for range sc.planPairs {
		for _, coalesce := range []bool{true, false} {
			p, err := runPlan(ctx, emu, dir, env, e.terraform, sc, coalesce)
			if err != nil {
				return nil, err
			}
			res.plans = append(res.plans, p)
		}
	}
	if sc.planOnly {
		return res, nil
	}

	if e.rssFile != "" {
		if err := os.WriteFile(e.rssFile, nil, 0o600); err != nil {
			return nil, fmt.Errorf("resetting the max RSS file: %w", err)
		}
	}
	var poll *rssPoller
	if sc.measureRSS && e.rssFile == "" {
		poll = startRSSPoller(e.realBin)
	}
	firstReq := len(emu.Requests())
	args := []string{"destroy", "-auto-approve", "-input=false", "-no-color"}
	if sc.parallelism > 0 {
		args = append(args, fmt.Sprintf("-parallelism=%d", sc.parallelism))
	}
	destroyStart := time.Now()
	_, err = runCmd(ctx, terraformTimeout, dir, env, e.terraform, args...)
	res.wall = time.Since(destroyStart)
	var polled int64
	var polledProcs int
	if poll != nil {
		polled, polledProcs = poll.stop()
	}
	if err != nil {
		return nil, fmt.Errorf("terraform destroy: %w", err)
	}
	if left := emu.AllProxies(); len(left) != 0 {
		return nil, fmt.Errorf("after destroy the emulator still has %d proxies (first: %s in status %s)", len(left), left[0].PoolID, left[0].Status)
	}

	// Calls during the destroy, by kind, and the DELETE calls in order.
	instanceIndex := map[string]int{}
	for i, id := range ids {
		instanceIndex[id] = i
	}
	res.calls, res.others = map[string]int{}, map[string]int{}
	for _, r := range emu.Requests()[firstReq:] {
		kind := callKind(r)
		res.calls[kind]++
		res.totalCalls++
		if kind == kindOther {
			res.others[callShape(r)]++
		}
		if kind == kindDelete {
			res.deletes = append(res.deletes, deleteCall{
				at: r.At.Sub(destroyStart), instance: instanceIndex[instanceOfPath(r.Path)],
				proxies: proxyIDsInBody(r.Body), status: r.Status,
			})
		}
	}

	// Delete jobs: one per DELETE call, naming every proxy of the call.
	// Every proxy the apply created must be named by exactly one delete
	// job, and every delete job must have completed. The emulator ends each
	// job exactly JobDuration after it was created (it computes job state
	// lazily, but Ended is created+duration, not the time somebody looked).
	named := map[string]int{}
	for _, p := range created {
		named[p.PoolID] = 0
	}
	perInstance := map[string][]emulator.JobView{}
	for _, j := range emu.Jobs() {
		if j.Name != deleteJobName {
			continue
		}
		if j.Status != emulator.JobCompleted {
			return nil, fmt.Errorf("delete job %s ended in status %s: %s", j.ID, j.Status, j.FailReason)
		}
		if len(j.ProxyIDs) == 0 {
			return nil, fmt.Errorf("delete job %s names no proxy", j.ID)
		}
		for _, id := range j.ProxyIDs {
			n, known := named[id]
			if !known {
				return nil, fmt.Errorf("delete job %s names proxy %s, which the apply did not create", j.ID, id)
			}
			named[id] = n + 1
		}
		perInstance[j.InstanceID] = append(perInstance[j.InstanceID], j)
		res.jobs++
		res.jobSizes = append(res.jobSizes, len(j.ProxyIDs))
	}
	for _, p := range created {
		if n := named[p.PoolID]; n != 1 {
			return nil, fmt.Errorf("proxy %s is named by %d completed delete jobs, want exactly 1 (%d delete jobs in all)", p.PoolID, n, res.jobs)
		}
	}
	var gaps []time.Duration
	for _, jobs := range perInstance {
		sort.Slice(jobs, func(a, b int) bool { return jobs[a].Created.Before(jobs[b].Created) })
		var sum time.Duration
		for i, j := range jobs {
			sum += j.Ended.Sub(j.Created)
			if i > 0 {
				gaps = append(gaps, j.Created.Sub(jobs[i-1].Ended))
			}
		}
		res.jobSum += sum
		res.critical = max(res.critical, sum)
	}
	if len(gaps) > 0 {
		res.hasGaps = true
		var total time.Duration
		for _, g := range gaps {
			total += g
			res.gapMax = max(res.gapMax, g)
		}
		res.gapMean = total / time.Duration(len(gaps))
	}

	if sc.measureRSS {
		if e.rssFile != "" {
			kb, n := readMaxRSS(e.rssFile)
			res.rssKB, res.rssProcesses, res.rssSource = kb, n, "/usr/bin/time %M (max RSS) of every provider process Terraform started"
		}
		if res.rssKB == 0 && polled > 0 {
			res.rssKB, res.rssProcesses, res.rssSource = polled, polledProcs, "VmHWM from /proc/<pid>/status, polled every 20 ms"
		}
	}
	return res, nil
}

// runPlan runs one terraform plan over the applied state and counts the
// calls it made. The plan must find no changes and change nothing: shared
// refreshes must still read every proxy as it is.
func runPlan(ctx context.Context, emu *emulator.Emulator, dir string, env []string, terraform string, sc e2eScenario, coalesce bool) (planSample, error) {
	ttl := "" // the provider's default
	if !coalesce {
		ttl = "off"
	}
	env = overrideEnv(env, map[string]string{envShareTTL: ttl})
	p := planSample{instances: sc.instances, perInstance: sc.perInstance, coalesce: coalesce, others: map[string]int{}}
	first := len(emu.Requests())
	start := time.Now()
	out, err := runCmd(ctx, terraformTimeout, dir, env, terraform, "plan", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", planParallelism))
	p.wall = time.Since(start)
	if err != nil {
		return p, fmt.Errorf("%s: %w", planCommand(coalesce), err)
	}
	if !strings.Contains(out, "No changes.") {
		return p, fmt.Errorf("%s found changes over a freshly applied state:\n%s", planCommand(coalesce), tail(out, 40))
	}
	for _, r := range emu.Requests()[first:] {
		if r.Method != http.MethodGet {
			return p, fmt.Errorf("%s sent %s %s", planCommand(coalesce), r.Method, r.Path)
		}
		if callKind(r) != kindProxies {
			p.other++
			p.others[callShape(r)]++
			continue
		}
		if q, _ := url.ParseQuery(r.RawQuery); q.Get("offset") != "" && q.Get("offset") != "0" {
			p.pages++
		} else {
			p.lists++
		}
	}
	return p, nil
}

// callShape is a request's method, route and status with the IDs replaced
// by their names: "GET /instances/{instance_id}/proxy/{proxy_id}/version → 404".
func callShape(r emulator.Request) string {
	segs := strings.Split(r.Path, "/")
	for i, seg := range segs {
		switch {
		case i == 2 && len(segs) > 2 && segs[1] == "v3" && seg != "auth":
			segs[i] = "{project_id}"
		case len(seg) == 36 && strings.HasSuffix(seg, "in07"):
			segs[i] = "{instance_id}"
		case len(seg) == 36 && strings.HasSuffix(seg, "po01"):
			segs[i] = "{proxy_id}"
		}
	}
	path := strings.TrimPrefix(strings.Join(segs, "/"), "/v3/{project_id}")
	status := fmt.Sprint(r.Status)
	if r.Status == 0 {
		status = "no answer"
	}
	return fmt.Sprintf("%s %s → %s", r.Method, path, status)
}

// instanceOfPath is the instance ID in .../instances/{id}/...
func instanceOfPath(path string) string {
	_, rest, ok := strings.Cut(path, "/instances/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return id
}

// proxyIDsInBody counts the proxy_ids of a DELETE body; 0 when unreadable
// (or empty, which the API takes as the instance's only proxy).
func proxyIDsInBody(body []byte) int {
	var req struct {
		ProxyIDs []string `json:"proxy_ids"`
	}
	if json.Unmarshal(body, &req) != nil {
		return 0
	}
	return len(req.ProxyIDs)
}

func callKind(r emulator.Request) string {
	switch {
	case r.Method == http.MethodDelete && strings.HasSuffix(r.Path, "/proxy"):
		return kindDelete
	case r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/jobs"):
		return kindJobs
	case r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/proxies"):
		return kindProxies
	}
	return kindOther
}

func mainTF(emu *emulator.Emulator, instances []string, perInstance int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `terraform {
  required_providers {
    taurusdb = {
      source = "taurusdb-community/taurusdb"
    }
  }
}

provider "taurusdb" {
  endpoint   = %q
  project_id = %q
  auth_token = %q
}
`, emu.URL(), emu.ProjectID(), e2eToken)
	for i, inst := range instances {
		for p := range perInstance {
			fmt.Fprintf(&b, `
resource "taurusdb_proxy_instance" "i%d_p%d" {
  instance_id = %q
  flavor      = %q
  node_num    = 2
}
`, i, p, inst, e2eFlavor)
		}
	}
	return b.String()
}

// readMaxRSS returns the largest of the KB values /usr/bin/time wrote, one
// per provider process, and how many it found. Other lines (such as
// "Command exited with non-zero status") are skipped.
func readMaxRSS(path string) (int64, int) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	var best int64
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		v, err := strconv.ParseInt(strings.TrimSpace(sc.Text()), 10, 64)
		if err != nil {
			continue
		}
		n++
		best = max(best, v)
	}
	return best, n
}

// rssPoller watches /proc for processes running the provider binary and
// keeps the highest VmHWM seen. It is the fallback when /usr/bin/time is
// missing; VmHWM is the process's own peak, so polling misses at most the
// growth in its last 20 ms.
type rssPoller struct {
	bin  string
	done chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	peak map[int]int64
}

func startRSSPoller(bin string) *rssPoller {
	p := &rssPoller{bin: bin, done: make(chan struct{}), peak: map[int]int64{}}
	if runtime.GOOS != "linux" {
		return p
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			p.scan()
			select {
			case <-p.done:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *rssPoller) scan() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, en := range entries {
		pid, err := strconv.Atoi(en.Name())
		if err != nil {
			continue
		}
		exe, err := os.Readlink(filepath.Join("/proc", en.Name(), "exe"))
		if err != nil || strings.TrimSuffix(exe, " (deleted)") != p.bin {
			continue
		}
		if kb, err := vmHWM(filepath.Join("/proc", en.Name(), "status")); err == nil {
			p.mu.Lock()
			p.peak[pid] = max(p.peak[pid], kb)
			p.mu.Unlock()
		}
	}
}

func (p *rssPoller) stop() (int64, int) {
	close(p.done)
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	var best int64
	for _, v := range p.peak {
		best = max(best, v)
	}
	return best, len(p.peak)
}

func vmHWM(status string) (int64, error) {
	b, err := os.ReadFile(status)
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				return strconv.ParseInt(f[0], 10, 64)
			}
		}
	}
	return 0, errors.New("no VmHWM line")
}

// goTool finds the go command: PATH first, then $GOROOT/bin.
func goTool() (string, error) {
	if p, err := lookPath("go"); err == nil {
		return p, nil
	}
	if gr := os.Getenv("GOROOT"); gr != "" {
		p := filepath.Join(gr, "bin", "go")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", errors.New("the go command is not on PATH (needed to build the provider); add it to PATH or set GOROOT")
}
