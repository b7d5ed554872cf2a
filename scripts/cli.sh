#!/usr/bin/env bash
# Print the absolute path of a Terraform or OpenTofu CLI binary on stdout (and nothing else).
#
# Usage: scripts/cli.sh terraform|tofu [--build]
#
# terraform, in order of preference:
#   1. $TAURUSDB_TERRAFORM, when it names an executable file;
#   2. `terraform` on PATH;
#   3. Terraform v1.8.5 built from the Go module proxy into
#      <cache>/terraform-1.8.5/terraform (built once, reused afterwards).
#   --build skips 1 and 2 and always uses (building if needed) the cached 1.8.5.
#
# tofu, in order of preference:
#   1. $TAURUSDB_TOFU, when it names an executable file;
#   2. OpenTofu 1.12.6 built from its Go module into <cache>/tofu-1.12.6/tofu
#      (built once, reused afterwards).
#   --build skips 1. A `tofu` found on PATH is deliberately NOT used: the tests
#   pin OpenTofu 1.12.6; point TAURUSDB_TOFU at another binary to override.
#
# <cache> is ${TAURUSDB_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-taurusdb}.
# Progress messages go to stderr.
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly TERRAFORM_VERSION="1.8.5"
readonly TOFU_VERSION="1.12.6"
readonly TOFU_MODULE="github.com/opentofu/opentofu"

usage_line="usage: $0 terraform|tofu [--build]"

cli=""
force_build=false
for arg in "$@"; do
	case "${arg}" in
	terraform | tofu)
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

# build_terraform: `go install` writes the binary straight into the cache dir.
build_terraform() {
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

# build_tofu: `go install github.com/opentofu/opentofu/cmd/tofu@v1.12.6` is
# refused because OpenTofu's go.mod has a replace directive, so the module
# source is downloaded with `go mod download`, copied to a writable temporary
# folder and built there with `go build`.
build_tofu() {
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

case "${cli}" in
terraform)
	override_var=TAURUSDB_TERRAFORM
	override_fallback="looking elsewhere"
	version="${TERRAFORM_VERSION}"
	use_path=true
	;;
tofu)
	override_var=TAURUSDB_TOFU
	override_fallback="using the pinned build"
	version="${TOFU_VERSION}"
	use_path=false
	;;
esac

if [[ "${force_build}" == false ]]; then
	override="${!override_var:-}"
	if [[ -n "${override}" ]]; then
		if [[ -f "${override}" && -x "${override}" ]]; then
			abs_path "${override}"
			exit 0
		fi
		log "${override_var}=${override} is not an executable file; ${override_fallback}"
	fi
	if [[ "${use_path}" == true ]] && found="$(command -v "${cli}" 2>/dev/null)" && [[ -x "${found}" ]]; then
		abs_path "${found}"
		exit 0
	fi
fi

dir="$(taurusdb_cache_root)/${cli}-${version}"
bin="${dir}/${cli}"
with_lock "${dir}" "build_${cli}"
printf '%s\n' "${bin}"
