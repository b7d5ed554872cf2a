#!/usr/bin/env bash
# Kept for existing callers: same as `scripts/cli.sh terraform [--build]`.
# Prints the absolute path of a Terraform CLI binary; see scripts/cli.sh.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/cli.sh" terraform "$@"
