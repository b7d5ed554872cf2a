// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

// The provider's defaults, quoted in the text.
const (
	defaultBatchWindow = taurusdb.DefaultDeleteBatchWindow
	defaultShareTTL    = taurusdb.DefaultListCacheTTL
)

// Targets of issue 5.
const (
	targetOverhead1  = 1500 * time.Millisecond
	targetRSSBytes   = 60_000_000 // 60 MB
	targetSizeBytes  = 30_000_000 // 30 MB
	megabyte         = 1_000_000
	passMark         = "✅"
	failMark         = "❌"
	notMeasuredLabel = "not measured"
)

func mark(ok bool) string {
	if ok {
		return passMark
	}
	return failMark
}

func joinParts(parts []string) string { return strings.Join(parts, "<br>") }

// secs formats a duration in seconds with two decimals.
func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// num prints a median that may be a half.
func num(x float64) string {
	if x == float64(int64(x)) {
		return fmt.Sprint(int64(x))
	}
	return fmt.Sprintf("%.1f", x)
}

// jobLen prints a nominal job duration in seconds ("120 s").
func jobLen(d time.Duration) string { return fmt.Sprintf("%g s", d.Seconds()) }

func mb(bytes int64) string { return fmt.Sprintf("%.1f MB", float64(bytes)/megabyte) }

type verdict struct {
	name string
	ok   bool
	note string
}

func render(m machine, cmdline string, sims []simSection, e2e *e2eReport, took time.Duration) string {
	var b strings.Builder
	var verdicts []verdict
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }

	w("# TaurusDB provider benchmark\n\n")
	w("| | |\n|---|---|\n")
	w("| date | %s |\n", m.date)
	w("| machine | %s CPUs (nproc), %s, %s |\n", m.cpus, m.cpu, m.platform)
	w("| Go | %s |\n", m.goVersion)
	w("| Terraform | %s |\n", m.terraform)
	w("| load average (1 min) | %s at the start, %s at the end (other work on the machine slows the real-time figures of part B) |\n", m.loadStart, m.loadEnd)
	w("| command | `%s` (%s) |\n\n", cmdline, took.Round(time.Second))

	// Part A.
	w("## A. Waiting for a job (simulated clock)\n\n")
	w("The real `taurusdb.Client.WaitJob` polls a loopback job API whose answers come from a virtual clock, which is also the client's `Clock`, ")
	w("so no real time passes. Adaptive = `taurusdb.NewAdaptiveSchedule()` (the provider's schedule); fixed = `taurusdb.FixedSchedule(10 * time.Second)` (the existing provider's interval). ")
	w("Each row is %d waits per schedule, the same %d runs for both. ", simPhases, simPhases)
	w("Progress rows report `process` = floor(100·elapsed/duration) %% while running; the others report it empty. ")
	w("Lag = waiter returned − job ended; queries = job queries of one wait (the first goes out at once).\n\n")
	w("Targets (adaptive): with progress, lag median ≤ 1 s and worst ≤ 2 s; without progress, worst ≤ 5 s; ")
	w("with progress and jobs ≥ 30 s, queries ≤ the fixed 10 s schedule's (median and worst compared).\n\n")
	for _, sec := range sims {
		w("### %s\n\nRuns: %s\n\n", sec.scenario.title, sec.scenario.about)
		w("| job | progress | adaptive lag median / worst | adaptive queries median / worst | fixed 10 s lag median / worst | fixed 10 s queries median / worst | targets (adaptive) |\n")
		w("|---:|:---:|---:|---:|---:|---:|---|\n")
		for _, c := range sec.cases {
			a, f := summarize(c.adaptive), summarize(c.fixed)
			check, ok := simTargets(c)
			prog := "no"
			if c.progress {
				prog = "yes"
			}
			w("| %s | %s | %s / %s | %s / %s | %s / %s | %s / %s | %s |\n", jobLen(c.duration), prog,
				secs(a.lagMed), secs(a.lagMax), num(a.qMed), num(a.qMax),
				secs(f.lagMed), secs(f.lagMax), num(f.qMed), num(f.qMax), check)
			section, _, _ := strings.Cut(sec.scenario.title, ".")
			verdicts = append(verdicts, verdict{name: fmt.Sprintf("%s: %s job, progress %s", section, jobLen(c.duration), prog), ok: ok})
		}
		w("\n")
	}

	if e2e == nil {
		w("## B. End-to-end destroy and refresh\n\nSkipped (`-skip-e2e`).\n\n")
	} else {
		verdicts = append(verdicts, renderE2E(&b, e2e)...)
	}

	w("## Summary\n\n| target | result |\n|---|:---:|\n")
	for _, v := range verdicts {
		note := ""
		if v.note != "" {
			note = " " + v.note
		}
		w("| %s | %s%s |\n", v.name, mark(v.ok), note)
	}
	return b.String()
}

// batching names a scenario's delete batching for tables.
func batching(sc e2eScenario) string {
	if sc.noBatching {
		return "off"
	}
	return "on"
}

// jobSizes describes the delete jobs: "3 (4 proxies each)", "2 (3, 1 proxies)".
func jobSizes(sizes []int) string {
	if len(sizes) == 0 {
		return "0"
	}
	same := true
	for _, n := range sizes {
		same = same && n == sizes[0]
	}
	if same {
		unit := "proxies"
		if sizes[0] == 1 {
			unit = "proxy"
		}
		return fmt.Sprintf("%d (%d %s each)", len(sizes), sizes[0], unit)
	}
	parts := make([]string, len(sizes))
	for i, n := range sizes {
		parts[i] = fmt.Sprint(n)
	}
	return fmt.Sprintf("%d (%s proxies)", len(sizes), strings.Join(parts, ", "))
}

// deleteTimeline lists the DELETE calls as "+0.35 s i1×4".
func deleteTimeline(ds []deleteCall) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = fmt.Sprintf("+%s i%d×%d", secs(d.at), d.instance+1, d.proxies)
		if d.status >= 300 || d.status == 0 {
			parts[i] += fmt.Sprintf(" (HTTP %d)", d.status)
		}
	}
	return strings.Join(parts, ", ")
}

func renderE2E(b *strings.Builder, r *e2eReport) []verdict {
	var verdicts []verdict
	w := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	w("## B. End-to-end destroy and refresh (real Terraform CLI, emulator, real time)\n\n")
	w("The provider is built with `go build -trimpath -ldflags \"-s -w\"` and found through `dev_overrides`; ")
	w("the emulator runs in-process with `JobDuration` %s (every job ends exactly %s after it was created) and answers job queries with progress. ", e2eJobDuration, e2eJobDuration)
	w("Each scenario applies first (its wall time is shown for context), then times the destroy command. ")
	w("Batching on is the provider's default: Deletes of proxies of one instance arriving within %s go out as one `DELETE …/instances/{id}/proxy` naming them all, answered by one job; ", secsShort(defaultBatchWindow))
	w("batching off is `%s=off` in the environment of every Terraform command of the scenario (one DELETE and one job per proxy). ", envBatchWindow)
	w("Jobs on one instance run one at a time, so the critical path is the largest per-instance sum of delete-job time; ")
	w("the gap is the time between one delete job's end and the next delete job's start on the same instance ")
	w("(the provider noticing the end, checking the proxy is gone, and sending the next DELETE; with batching, a delete Terraform started after the instance's first batch had closed). ")
	w("Every proxy must be named by exactly one completed delete job (the jobs' `proxy_ids`), and none may be left. ")
	w("API calls are everything the emulator received during the destroy, including Terraform's refresh. ")
	w("A scenario run more than once is reported by its median run (by destroy wall time); the wall times of all runs follow the table.\n\n")
	w("| scenario | batching | command | apply wall | destroy wall | delete jobs | job time sum | critical path | overhead = wall − critical path | overhead = wall − sum | gap between jobs, mean / max | DELETE proxy | GET jobs | GET proxies | other | target |\n")
	w("|---|:---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, res := range r.results {
		sc := res.scenario
		overCrit := res.wall - res.critical
		overSum := "—"
		if res.jobs == 1 {
			overSum = secs(res.wall - res.jobSum)
		}
		gap := "—"
		if res.hasGaps {
			gap = secs(res.gapMean) + " / " + secs(res.gapMax)
		}
		var targets []string
		if sc.proxies() == 1 && !sc.noBatching {
			ok := overCrit <= targetOverhead1
			targets = append(targets, mark(ok)+" overhead ≤ 1.5 s")
			verdicts = append(verdicts, verdict{name: "B: 1-proxy destroy overhead ≤ 1.5 s", ok: ok, note: "(" + secs(overCrit) + ")"})
		}
		if sc.wallTarget > 0 {
			ok := res.wall <= sc.wallTarget
			targets = append(targets, fmt.Sprintf("%s wall ≤ %s", mark(ok), secsShort(sc.wallTarget)))
			note := "(" + secs(res.wall)
			if off, found := r.unbatched(sc); found {
				note += "; batching off: " + secs(off.wall)
			}
			verdicts = append(verdicts, verdict{name: fmt.Sprintf("B: destroy of %s with batching ≤ %s", sc.name, secsShort(sc.wallTarget)), ok: ok, note: note + ")"})
		}
		target := "—"
		if len(targets) > 0 {
			target = joinParts(targets)
		}
		w("| %s | %s | `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %d | %d | %d | %d | %s |\n",
			sc.name, batching(sc), sc.command(), secs(res.applyWall), secs(res.wall), jobSizes(res.jobSizes), secs(res.jobSum), secs(res.critical),
			secs(overCrit), overSum, gap,
			res.calls[kindDelete], res.calls[kindJobs], res.calls[kindProxies], res.calls[kindOther], target)
	}
	w("\n")
	for _, res := range r.results {
		if len(res.walls) > 1 {
			all := make([]string, len(res.walls))
			for i, d := range res.walls {
				all[i] = secs(d)
			}
			w("- %s, batching %s: destroy wall of %d runs: %s (each with a fresh emulator and apply).\n", res.scenario.name, batching(res.scenario), len(res.walls), strings.Join(all, ", "))
		}
	}
	w("\nDELETE calls of the reported runs, as time since the destroy started, instance (i1, i2, …) × proxies named:\n\n")
	for _, res := range r.results {
		w("- %s, batching %s: %s\n", res.scenario.name, batching(res.scenario), deleteTimeline(res.deletes))
	}
	w("\nOther calls of the reported runs' destroys:\n\n")
	for _, res := range r.results {
		w("- %s, batching %s: %s\n", res.scenario.name, batching(res.scenario), shapes(res.others, 1))
	}
	w("\n")

	verdicts = append(verdicts, renderPlans(b, r)...)

	w("### Resources\n\n| metric | value | target | result |\n|---|---:|---|:---:|\n")
	for _, res := range r.results {
		if !res.scenario.measureRSS {
			continue
		}
		what := fmt.Sprintf("%s destroy, batching %s", res.scenario.name, batching(res.scenario))
		name := "provider peak memory (max RSS) during the " + what
		if res.rssKB == 0 {
			w("| %s | %s | < 60 MB | %s |\n", name, notMeasuredLabel, failMark)
			verdicts = append(verdicts, verdict{name: "B: provider peak memory < 60 MB (" + what + ")", ok: false, note: "(" + notMeasuredLabel + ")"})
			continue
		}
		bytes := res.rssKB * 1024
		ok := bytes < targetRSSBytes
		w("| %s | %s (%d KiB; largest of %d provider processes) | < 60 MB | %s |\n", name, mb(bytes), res.rssKB, res.rssProcesses, mark(ok))
		verdicts = append(verdicts, verdict{name: "B: provider peak memory < 60 MB (" + what + ")", ok: ok, note: "(" + mb(bytes) + ")"})
	}
	ok := r.releaseBytes < targetSizeBytes
	w("| release binary size (linux/amd64, CGO_ENABLED=0, `-trimpath -ldflags \"-s -w\"`) | %s (%d bytes) | < 30 MB | %s |\n", mb(r.releaseBytes), r.releaseBytes, mark(ok))
	verdicts = append(verdicts, verdict{name: "B: release binary < 30 MB", ok: ok, note: "(" + mb(r.releaseBytes) + ")"})
	for _, res := range r.results {
		if res.scenario.measureRSS && res.rssSource != "" {
			w("\nMemory source: %s. MB = 10⁶ bytes.\n", res.rssSource)
			break
		}
	}
	w("\n")
	return verdicts
}

// unbatched is the batching-off run of the same scenario as sc.
func (r *e2eReport) unbatched(sc e2eScenario) (e2eResult, bool) {
	for _, res := range r.results {
		o := res.scenario
		if o.noBatching && o.name == sc.name && o.parallelism == sc.parallelism {
			return res, true
		}
	}
	return e2eResult{}, false
}

// renderPlans is the refresh table: proxy-list calls of one terraform plan.
func renderPlans(b *strings.Builder, r *e2eReport) []verdict {
	if len(r.plans) == 0 {
		return nil
	}
	var verdicts []verdict
	w := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	w("### Refresh: proxy-list calls of one `terraform plan`\n\n")
	w("Each plan runs over a freshly applied state (no changes; the plan must say so and send nothing but GETs) with `-parallelism=%d` (Terraform's default). ", planParallelism)
	w("Shared refreshes on is the provider's default: concurrent refreshes of proxies of one instance share one `GET …/instances/{id}/proxies`, and its result serves further refreshes for %s; ", secsShort(defaultShareTTL))
	w("off is `%s=off`. List calls are the `GET …/proxies` requests the emulator received during the plan (a further page, offset > 0, would be counted apart; a list here is one page). ", envShareTTL)
	w("The 12-proxy plans run in the 12-proxy destroy scenarios, after the apply and before the destroy; ")
	w("the 40-proxy state is applied for the plans only")
	for _, a := range r.planApplies {
		par := "Terraform's default parallelism"
		if a.scenario.applyParallelism > 0 {
			par = fmt.Sprintf("`-parallelism=%d`", a.scenario.applyParallelism)
		}
		w(" (%s: apply wall %s with %s)", a.scenario.name, secs(a.wall), par)
	}
	w(". Shared refreshes on and off alternate, on first.\n\n")
	w("| state | shared refreshes | command | plans | list calls per plan, each plan | list calls, median / worst | further pages | other calls per plan, median | plan wall, median | target |\n")
	w("|---|:---:|---|---:|---|---:|---:|---:|---:|---|\n")
	type key struct {
		instances, perInstance int
		coalesce               bool
	}
	var order []key
	groups := map[key][]planSample{}
	for _, p := range r.plans {
		k := key{p.instances, p.perInstance, p.coalesce}
		if _, seen := groups[k]; !seen {
			order = append(order, k)
		}
		groups[k] = append(groups[k], p)
	}
	sort.SliceStable(order, func(a, b int) bool {
		if order[a].instances*order[a].perInstance != order[b].instances*order[b].perInstance {
			return order[a].instances*order[a].perInstance < order[b].instances*order[b].perInstance
		}
		return order[a].coalesce && !order[b].coalesce
	})
	var otherLines []string
	for _, k := range order {
		ps := groups[k]
		lists, others, walls := make([]float64, len(ps)), make([]float64, len(ps)), make([]float64, len(ps))
		each := make([]string, len(ps))
		pages := 0
		for i, p := range ps {
			lists[i], others[i], walls[i] = float64(p.lists), float64(p.other), p.wall.Seconds()
			each[i] = fmt.Sprint(p.lists)
			pages += p.pages
		}
		state := fmt.Sprintf("%d proxies on %d instances", k.instances*k.perInstance, k.instances)
		on := "off"
		target := "—"
		if k.coalesce {
			on = "on"
			worst := maxOf(lists)
			ok := worst <= float64(k.instances)
			target = fmt.Sprintf("%s ≤ %d (one per instance)", mark(ok), k.instances)
			note := fmt.Sprintf("(worst %s of %d plans", num(worst), len(ps))
			if off := groups[key{k.instances, k.perInstance, false}]; len(off) > 0 {
				offLists := make([]float64, len(off))
				for i, p := range off {
					offLists[i] = float64(p.lists)
				}
				note += "; shared refreshes off: " + num(median(offLists))
			}
			verdicts = append(verdicts, verdict{name: fmt.Sprintf("B: plan over %s makes ≤ %d list calls", state, k.instances), ok: ok, note: note + ")"})
		}
		tally := map[string]int{}
		for _, p := range ps {
			for shape, n := range p.others {
				tally[shape] += n
			}
		}
		otherLines = append(otherLines, fmt.Sprintf("- %s, shared refreshes %s: %s", state, on, shapes(tally, len(ps))))
		w("| %s | %s | `%s` | %d | %s | %s / %s | %d | %s | %s | %s |\n", state, on, planCommand(k.coalesce), len(ps), strings.Join(each, ", "),
			num(median(lists)), num(maxOf(lists)), pages, num(median(others)), fmt.Sprintf("%.2f s", median(walls)), target)
	}
	w("\nOther calls of the plans, per plan:\n\n%s\n\n", strings.Join(otherLines, "\n"))
	return verdicts
}

// shapes lists call shapes with their counts divided by runs, most first:
// "12 × GET /instances/{instance_id}/proxy/{proxy_id}/version → 404".
func shapes(tally map[string]int, runs int) string {
	if len(tally) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(tally))
	for k := range tally {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		if tally[keys[a]] != tally[keys[b]] {
			return tally[keys[a]] > tally[keys[b]]
		}
		return keys[a] < keys[b]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s × `%s`", num(float64(tally[k])/float64(max(runs, 1))), k)
	}
	return strings.Join(parts, ", ")
}

// secsShort prints a duration like "4.5 s" or "300 ms".
func secsShort(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%g s", d.Seconds())
}
