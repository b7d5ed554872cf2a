// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

//go:build !unix

package main

import "os/exec"

// ownProcessGroup is a no-op where process groups do not exist; a timeout
// then kills only the direct child.
func ownProcessGroup(*exec.Cmd) {}
