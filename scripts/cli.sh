#!/usr/bin/env bash
# Print the absolute path of a Terraform or OpenTofu CLI binary on stdout (and nothing else).
#
# Usage: scripts/cli.sh terraform|terraform-floor|tofu [--build]
#
#   terraform        Terraform at TERRAFORM_VERSION (scripts/versions.sh), built from the Go module
#                    proxy by scripts/build-terraform.sh into <cache>/terraform-<version>/terraform
#   terraform-floor  the oldest Terraform the README claims, TERRAFORM_FLOOR_VERSION, built the same way
#   tofu             OpenTofu at TOFU_VERSION, built from its Go module into <cache>/tofu-<version>/tofu
#
# $TAURUSDB_TERRAFORM, $TAURUSDB_TERRAFORM_FLOOR and $TAURUSDB_TOFU, when they
# name an executable file, are used instead (--build ignores them). A CLI
# found on PATH is deliberately never used: the tests pin their versions.
# Each is built once and reused afterwards.
#
# <cache> is ${TAURUSDB_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-taurusdb}.
# Progress messages go to stderr.
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=versions.sh
. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"

readonly TOFU_MODULE="github.com/opentofu/opentofu"

usage_line="usage: $0 terraform|terraform-floor|tofu [--build]"

cli=""
force_build=false
for arg in "$@"; do
	case "${arg}" in
	terraform | terraform-floor | tofu)
		[[ -z "${cli}" ]] || die "more than one CLI named (${usage_line})"
		cli="${arg}"
		;;
	--build) force_build=true ;;
	-h | --help)
		print_usage
		exit 0
		;;
	*) die "unknown argument: ${arg} (${usage_line})" ;;
	esac
done
[[ -n "${cli}" ]] || die "${usage_line}"

abs_path() {
	local p="$1"
	(cd "$(dirname "${p}")" && printf '%s/%s\n' "$(pwd -P)" "$(basename "${p}")")
}

# build_terraform: scripts/build-terraform.sh knows how to build a recent
# Terraform from its module (and an old one, which needs nothing special).
build_terraform() {
	[[ -x "${bin}" ]] && return 0
	"$(dirname "${BASH_SOURCE[0]}")/build-terraform.sh" "${version}" "${dir}" >&2
	[[ -x "${bin}" ]] || die "the build finished but ${bin} is missing"
}
build_terraform-floor() { build_terraform; }

# build_tofu: `go install github.com/opentofu/opentofu/cmd/tofu@v1.12.6` is
# refused because OpenTofu's go.mod has a replace directive, so the module
# source is downloaded with `go mod download`, copied to a writable temporary
# folder and built there with `go build`.
build_tofu() {
	[[ -x "${bin}" ]] && return 0
	require_go
	local start=${SECONDS} work
	work="$(mktemp -d "${TMPDIR:-/tmp}/taurusdb-tofu-build.XXXXXX")"
	# shellcheck disable=SC2064 # expand ${work} now: it is local.
	trap "chmod -R u+w '${work}' 2>/dev/null; rm -rf '${work}'" EXIT

	module_source "${TOFU_MODULE}" "${TOFU_VERSION}" "${work}"

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

case "${cli}" in
terraform)
	override_var=TAURUSDB_TERRAFORM
	version="${TERRAFORM_VERSION}"
	name=terraform
	;;
terraform-floor)
	override_var=TAURUSDB_TERRAFORM_FLOOR
	version="${TERRAFORM_FLOOR_VERSION}"
	name=terraform
	;;
tofu)
	override_var=TAURUSDB_TOFU
	version="${TOFU_VERSION}"
	name=tofu
	;;
esac

if [[ "${force_build}" == false ]]; then
	override="${!override_var:-}"
	if [[ -n "${override}" ]]; then
		if [[ -f "${override}" && -x "${override}" ]]; then
			abs_path "${override}"
			exit 0
		fi
		log "${override_var}=${override} is not an executable file; using the pinned build"
	fi
fi

dir="$(taurusdb_cache_root)/${name}-${version}"
bin="${dir}/${name}"
with_lock "${dir}" "build_${cli}"
printf '%s\n' "${bin}"
