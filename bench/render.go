package main

import (
	"fmt"
	"strings"
	"time"
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
		w("## B. End-to-end destroy\n\nSkipped (`-skip-e2e`).\n\n")
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

func renderE2E(b *strings.Builder, r *e2eReport) []verdict {
	var verdicts []verdict
	w := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	w("## B. End-to-end destroy (real Terraform CLI, emulator, real time)\n\n")
	w("The provider is built with `go build -trimpath -ldflags \"-s -w\"` and found through `dev_overrides`; ")
	w("the emulator runs in-process with `JobDuration` %s (every job ends exactly %s after it was created) and answers job queries with progress. ", e2eJobDuration, e2eJobDuration)
	w("Each scenario applies first (its wall time is shown for context), then times the destroy command. ")
	w("Jobs on one instance run one at a time, so the critical path is the largest per-instance sum of delete-job time; ")
	w("the gap is the time between one delete job's end and the next delete job's start on the same instance ")
	w("(the provider noticing the end, checking the proxy is gone, and sending the next DELETE). ")
	w("API calls are everything the emulator received during the destroy, including Terraform's refresh. ")
	w("A scenario run more than once is reported by its median run (by destroy wall time); the wall times of all runs follow the table.\n\n")
	w("| scenario | command | apply wall | destroy wall | delete jobs | job time sum | critical path | overhead = wall − critical path | overhead = wall − sum | gap between jobs, mean / max | DELETE proxy | GET jobs | GET proxies | other | target |\n")
	w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, res := range r.results {
		sc := res.scenario
		overCrit := res.wall - res.critical
		overSum := "—"
		if sc.proxies() == 1 {
			overSum = secs(res.wall - res.jobSum)
		}
		gap := "—"
		if res.hasGaps {
			gap = secs(res.gapMean) + " / " + secs(res.gapMax)
		}
		target := "—"
		if sc.proxies() == 1 {
			ok := overCrit <= targetOverhead1
			target = mark(ok) + " overhead ≤ 1.5 s"
			verdicts = append(verdicts, verdict{name: "B: 1-proxy destroy overhead ≤ 1.5 s", ok: ok, note: "(" + secs(overCrit) + ")"})
		}
		w("| %s | `%s` | %s | %s | %d | %s | %s | %s | %s | %s | %d | %d | %d | %d | %s |\n",
			sc.name, sc.command(), secs(res.applyWall), secs(res.wall), res.jobs, secs(res.jobSum), secs(res.critical),
			secs(overCrit), overSum, gap,
			res.calls[kindDelete], res.calls[kindJobs], res.calls[kindProxies], res.calls[kindOther], target)
	}
	for _, res := range r.results {
		if len(res.walls) > 1 {
			all := make([]string, len(res.walls))
			for i, d := range res.walls {
				all[i] = secs(d)
			}
			w("\n%s: destroy wall of %d runs: %s (each with a fresh emulator and apply).\n", res.scenario.name, len(res.walls), strings.Join(all, ", "))
		}
	}
	w("\n### Resources\n\n| metric | value | target | result |\n|---|---:|---|:---:|\n")
	for _, res := range r.results {
		if !res.scenario.measureRSS {
			continue
		}
		name := fmt.Sprintf("provider peak memory (max RSS) during the %s destroy", res.scenario.name)
		if res.rssKB == 0 {
			w("| %s | %s | < 60 MB | %s |\n", name, notMeasuredLabel, failMark)
			verdicts = append(verdicts, verdict{name: "B: provider peak memory < 60 MB", ok: false, note: "(" + notMeasuredLabel + ")"})
			continue
		}
		bytes := res.rssKB * 1024
		ok := bytes < targetRSSBytes
		w("| %s | %s (%d KiB; largest of %d provider processes) | < 60 MB | %s |\n", name, mb(bytes), res.rssKB, res.rssProcesses, mark(ok))
		verdicts = append(verdicts, verdict{name: "B: provider peak memory < 60 MB", ok: ok, note: "(" + mb(bytes) + ")"})
	}
	ok := r.releaseBytes < targetSizeBytes
	w("| release binary size (linux/amd64, CGO_ENABLED=0, `-trimpath -ldflags \"-s -w\"`) | %s (%d bytes) | < 30 MB | %s |\n", mb(r.releaseBytes), r.releaseBytes, mark(ok))
	verdicts = append(verdicts, verdict{name: "B: release binary < 30 MB", ok: ok, note: "(" + mb(r.releaseBytes) + ")"})
	for _, res := range r.results {
		if res.scenario.measureRSS && res.rssSource != "" {
			w("\nMemory source: %s. MB = 10⁶ bytes.\n", res.rssSource)
		}
	}
	w("\n")
	return verdicts
}
