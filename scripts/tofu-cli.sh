#!/usr/bin/env bash
# Print the absolute path of an OpenTofu CLI binary on stdout (and nothing else).
#
# Usage: scripts/tofu-cli.sh [--build]
#
# Order of preference:
#   1. $TAURUSDB_TOFU, when it names an executable file;
#   2. OpenTofu 1.12.6 built from its Go module into <cache>/tofu-1.12.6/tofu
#      (built once, reused afterwards).
# --build skips 1. A `tofu` found on PATH is deliberately NOT used: the tests
# pin OpenTofu 1.12.6; point TAURUSDB_TOFU at another binary to override.
#
# <cache> is ${TAURUSDB_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-taurusdb}.
# Progress messages go to stderr.
#
# `go install github.com/opentofu/opentofu/cmd/tofu@v1.12.6` is refused
# because OpenTofu's go.mod has a replace directive, so the module source is
# downloaded with `go mod download`, copied to a writable temporary folder and
# built there with `go build`.
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly TOFU_VERSION="1.12.6"
readonly TOFU_MODULE="github.com/opentofu/opentofu"

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

if [[ "${force_build}" == false && -n "${TAURUSDB_TOFU:-}" ]]; then
	if [[ -f "${TAURUSDB_TOFU}" && -x "${TAURUSDB_TOFU}" ]]; then
		(cd "$(dirname "${TAURUSDB_TOFU}")" && printf '%s/%s\n' "$(pwd -P)" "$(basename "${TAURUSDB_TOFU}")")
		exit 0
	fi
	log "TAURUSDB_TOFU=${TAURUSDB_TOFU} is not an executable file; using the pinned build"
fi

dir="$(taurusdb_cache_root)/tofu-${TOFU_VERSION}"
bin="${dir}/tofu"

build() {
	[[ -x "${bin}" ]] && return 0
	require_go
	local start=${SECONDS} work src
	work="$(mktemp -d "${TMPDIR:-/tmp}/taurusdb-tofu-build.XXXXXX")"
	# shellcheck disable=SC2064 # expand ${work} now: it is local.
	trap "chmod -R u+w '${work}' 2>/dev/null; rm -rf '${work}'" EXIT

	log "downloading ${TOFU_MODULE}@v${TOFU_VERSION} from the Go module proxy"
	# Outside any module: run in the empty temp folder, module mode forced on.
	src="$(cd "${work}" && GOWORK=off GO111MODULE=on GOFLAGS=-mod=mod \
		go mod download -json "${TOFU_MODULE}@v${TOFU_VERSION}" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
	[[ -n "${src}" && -d "${src}" ]] || die "go mod download did not report a source folder"

	# The module cache is read-only; the build needs a writable copy (go.sum
	# updates, embed checks) and a main-module context for the replace directive.
	cp -R "${src}" "${work}/src"
	chmod -R u+w "${work}/src"

	log "building OpenTofu v${TOFU_VERSION} into ${dir} (several minutes on first use)"
	local tmp_bin="${dir}/.tofu.tmp.$$"
	# version.dev=no marks the binary as a release build (`tofu version` says
	# 1.12.6, not 1.12.6-dev), as OpenTofu's own release builds do.
	(cd "${work}/src" && GOWORK=off GO111MODULE=on GOFLAGS=-mod=mod \
		go build -o "${tmp_bin}" \
		-ldflags "-X github.com/opentofu/opentofu/version.dev=no" \
		./cmd/tofu) >&2
	mv -f "${tmp_bin}" "${bin}"
	log "built OpenTofu v${TOFU_VERSION} in $((SECONDS - start))s"
}

with_lock "${dir}" build
printf '%s\n' "${bin}"
