#!/usr/bin/env bash
# Kept for existing callers: same as `scripts/cli.sh tofu [--build]`.
# Prints the absolute path of an OpenTofu CLI binary; see scripts/cli.sh.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/cli.sh" tofu "$@"
