#!/usr/bin/env bash
# Print the absolute path of a Terraform CLI binary on stdout (and nothing else).
#
# Usage: scripts/terraform-cli.sh [--build]
#
# Order of preference:
#   1. $TAURUSDB_TERRAFORM, when it names an executable file;
#   2. `terraform` on PATH;
#   3. Terraform v1.8.5 built from the Go module proxy into
#      <cache>/terraform-1.8.5/terraform (built once, reused afterwards).
# --build skips 1 and 2 and always uses (building if needed) the cached 1.8.5.
#
# <cache> is ${TAURUSDB_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-taurusdb}.
# Progress messages go to stderr.
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly TERRAFORM_VERSION="1.8.5"

force_build=false
for arg in "$@"; do
	case "${arg}" in
	--build) force_build=true ;;
	-h | --help)
		print_usage
		exit 0
		;;
	*) die "unknown argument: ${arg} (usage: $0 [--build])" ;;
	esac
done

abs_path() {
	local p="$1"
	(cd "$(dirname "${p}")" && printf '%s/%s\n' "$(pwd -P)" "$(basename "${p}")")
}

if [[ "${force_build}" == false ]]; then
	if [[ -n "${TAURUSDB_TERRAFORM:-}" ]]; then
		if [[ -f "${TAURUSDB_TERRAFORM}" && -x "${TAURUSDB_TERRAFORM}" ]]; then
			abs_path "${TAURUSDB_TERRAFORM}"
			exit 0
		fi
		log "TAURUSDB_TERRAFORM=${TAURUSDB_TERRAFORM} is not an executable file; looking elsewhere"
	fi
	if found="$(command -v terraform 2>/dev/null)" && [[ -x "${found}" ]]; then
		abs_path "${found}"
		exit 0
	fi
fi

dir="$(taurusdb_cache_root)/terraform-${TERRAFORM_VERSION}"
bin="${dir}/terraform"

build() {
	[[ -x "${bin}" ]] && return 0
	require_go
	log "building Terraform v${TERRAFORM_VERSION} from the Go module proxy into ${dir} (several minutes on first use)"
	local start=${SECONDS}
	# `go install pkg@version` ignores any surrounding module; GOWORK=off keeps
	# a go.work file from interfering. Run from the cache dir, outside the repo.
	# version.dev=no is what release builds set: `terraform version` then says
	# 1.8.5 rather than 1.8.5-dev, so version checks in tests treat it as 1.8.5.
	(cd "${dir}" && GOBIN="${dir}" GOWORK=off GO111MODULE=on \
		go install -ldflags "-X github.com/hashicorp/terraform/version.dev=no" \
		"github.com/hashicorp/terraform@v${TERRAFORM_VERSION}") >&2
	[[ -x "${bin}" ]] || die "go install finished but ${bin} is missing"
	log "built Terraform v${TERRAFORM_VERSION} in $((SECONDS - start))s"
}

with_lock "${dir}" build
printf '%s\n' "${bin}"
