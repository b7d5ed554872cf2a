// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// runCmd runs a command with a timeout, in its own process group so that a
// timeout also ends its children (Terraform's provider plugins). It returns
// the combined output; on failure the error carries the tail of it.
func runCmd(ctx context.Context, timeout time.Duration, dir string, env []string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	ownProcessGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if err != nil {
		what := name + " " + strings.Join(args, " ")
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return out.String(), fmt.Errorf("%s: timed out after %s\n%s", what, timeout, tail(out.String(), 40))
		}
		return out.String(), fmt.Errorf("%s: %w\n%s", what, err, tail(out.String(), 40))
	}
	return out.String(), nil
}

// runCmdStdout is runCmd with stdout kept apart from stderr, for commands
// whose output is parsed.
func runCmdStdout(ctx context.Context, timeout time.Duration, env []string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	if env != nil {
		cmd.Env = env
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	ownProcessGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		what := name + " " + strings.Join(args, " ")
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("timed out after %s", timeout)
		}
		return stdout.String(), fmt.Errorf("%s: %w\n%s", what, err, tail(stderr.String(), 20))
	}
	return stdout.String(), nil
}

// lookPath finds an executable on PATH.
func lookPath(name string) (string, error) { return exec.LookPath(name) }

// tail returns the last n lines of s, indented, for error messages.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return "    | " + strings.Join(lines, "\n    | ")
}

// envWith returns the current environment with the given variables set
// (replacing any inherited value).
func envWith(kv map[string]string) []string { return overrideEnv(os.Environ(), kv) }

// overrideEnv returns base with the given variables set (replacing any
// value in base). base is not modified.
func overrideEnv(base []string, kv map[string]string) []string {
	var out []string
	for _, e := range base {
		k, _, _ := strings.Cut(e, "=")
		if _, override := kv[k]; !override {
			out = append(out, e)
		}
	}
	for k, v := range kv {
		out = append(out, k+"="+v)
	}
	return out
}
