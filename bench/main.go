// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

// Command bench measures how quickly the provider notices finished jobs and
// what a destroy costs, and writes the results as one markdown document.
//
//	go run ./bench [-out bench/results.md] [-terraform PATH] [-skip-e2e]
//
// Part A drives the real taurusdb.Client.WaitJob with a virtual clock against
// a simulated job API, comparing the provider's adaptive schedule with a
// fixed 10 s interval. Part B builds the provider, runs the real Terraform
// CLI against the in-process emulator and times terraform destroy, with and
// without batched deletes (TAURUSDB_DELETE_BATCH_WINDOW), counts the
// proxy-list calls of terraform plan with and without shared refreshes
// (TAURUSDB_REFRESH_SHARE_TTL), and reports the provider's peak memory and
// the release binary's size.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const defaultOut = "bench/results.md"

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", defaultOut, "markdown file to write (a relative path is taken from the module root)")
	tfFlag := fs.String("terraform", "", "Terraform CLI to use (default: $TAURUSDB_TERRAFORM, else terraform on PATH)")
	skipE2E := fs.Bool("skip-e2e", false, "run only part A (simulated clock); no build, no Terraform")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "bench: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return 2
	}
	progress := func(msg string) { fmt.Fprintf(stderr, "bench: %s\n", msg) }
	began := time.Now()

	root, err := moduleRoot(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	outPath := *out
	if !filepath.IsAbs(outPath) {
		outPath = filepath.Join(root, outPath)
	}

	var terraform string
	if !*skipE2E {
		if terraform, err = findTerraform(*tfFlag); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
	}
	m := describeMachine(ctx, terraform)

	progress("part A: simulated job waits (adaptive schedule vs fixed 10 s)")
	sims, err := runSimulation(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	var e2e *e2eReport
	if !*skipE2E {
		if e2e, err = runE2E(ctx, root, terraform, progress); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
	}

	cmdline := "go run ./bench"
	if len(args) > 0 {
		cmdline += " " + strings.Join(args, " ")
	}
	m.loadEnd = loadAverage()
	doc := render(m, cmdline, sims, e2e, time.Since(began))
	if _, err := io.WriteString(stdout, doc); err != nil {
		fmt.Fprintf(stderr, "bench: writing to stdout: %v\n", err)
		return 1
	}
	if err := os.MkdirAll(filepath.Dir(outPath), 0o755); err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	if err := os.WriteFile(outPath, []byte(doc), 0o644); err != nil {
		fmt.Fprintf(stderr, "bench: writing %s: %v\n", outPath, err)
		return 1
	}
	progress("wrote " + outPath)
	return 0
}

// moduleRoot is the directory of the main module's go.mod.
func moduleRoot(ctx context.Context) (string, error) {
	goBin, err := goTool()
	if err != nil {
		return "", err
	}
	gomod, err := runCmdStdout(ctx, 30*time.Second, nil, goBin, "env", "GOMOD")
	if err != nil {
		return "", fmt.Errorf("finding the module root: %w", err)
	}
	gomod = strings.TrimSpace(gomod)
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside the provider's Go module: run bench from the repository (go run ./bench)")
	}
	return filepath.Dir(gomod), nil
}

// findTerraform resolves the CLI: the flag, then $TAURUSDB_TERRAFORM, then PATH.
func findTerraform(flagValue string) (string, error) {
	check := func(p, from string) (string, error) {
		st, err := os.Stat(p)
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return "", fmt.Errorf("%s %q is not an executable file; pass -terraform PATH, or -skip-e2e to run only part A", from, p)
		}
		return filepath.Abs(p)
	}
	if flagValue != "" {
		return check(flagValue, "-terraform")
	}
	if v := os.Getenv("TAURUSDB_TERRAFORM"); v != "" {
		return check(v, "TAURUSDB_TERRAFORM")
	}
	p, err := lookPath("terraform")
	if err != nil {
		return "", errors.New("terraform is not on PATH; pass -terraform PATH or set TAURUSDB_TERRAFORM (scripts/cli.sh terraform can build one), or use -skip-e2e to run only part A")
	}
	return filepath.Abs(p)
}

type machine struct {
	date, cpus, cpu, goVersion, terraform, platform string
	loadStart, loadEnd                              string // 1-minute load average
}

// loadAverage is the 1-minute load average from /proc/loadavg: other work
// on the machine slows Terraform and so the end-to-end figures.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "unknown"
	}
	return f[0]
}

func describeMachine(ctx context.Context, terraform string) machine {
	m := machine{
		date:      time.Now().UTC().Format("2006-01-02 15:04 MST"),
		cpus:      fmt.Sprint(runtime.NumCPU()),
		cpu:       cpuModel(),
		platform:  runtime.GOOS + "/" + runtime.GOARCH,
		loadStart: loadAverage(),
	}
	m.goVersion = runtime.Version() + " (bench binary)"
	if goBin, err := goTool(); err == nil {
		if v, err := runCmdStdout(ctx, 30*time.Second, nil, goBin, "env", "GOVERSION"); err == nil && strings.TrimSpace(v) != "" {
			m.goVersion = strings.TrimSpace(v)
		}
	}
	m.terraform = "not used (-skip-e2e)"
	if terraform != "" {
		m.terraform = terraformVersion(ctx, terraform)
	}
	return m
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown (no /proc/cpuinfo)"
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func terraformVersion(ctx context.Context, terraform string) string {
	// An empty CLI config avoids warnings about a missing one.
	env := envWith(map[string]string{"TF_CLI_CONFIG_FILE": os.DevNull, "CHECKPOINT_DISABLE": "1"})
	out, err := runCmdStdout(ctx, 30*time.Second, env, terraform, "version", "-json")
	if err != nil {
		return "unknown (" + firstLine(err.Error()) + ")"
	}
	var v struct {
		Version  string `json:"terraform_version"`
		Platform string `json:"platform"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || v.Version == "" {
		return "unknown (unreadable terraform version -json)"
	}
	return v.Version + " " + v.Platform
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
