#!/usr/bin/env bash
# Install the pinned development tools and print their bin folder on stdout.
#
# Usage: scripts/tools.sh [TOOL...]
#   TOOL is one of: golangci-lint goreleaser tfplugindocs (default: all three)
#   e.g.  PATH="$(scripts/tools.sh golangci-lint):${PATH}" golangci-lint run ./...
#
# Each tool is built with `go install pkg@version` into <cache>/bin as
# NAME-VERSION (skipped when that file already exists), and <cache>/bin/NAME
# is a symlink to the pinned version. Bumping a version below builds the new
# binary beside the old one.
#
# <cache> is ${TAURUSDB_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-taurusdb}.
# Progress messages go to stderr.
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# name|module package path|version
readonly TOOLS=(
	"golangci-lint|github.com/golangci/golangci-lint/v2/cmd/golangci-lint|v2.15.0"
	# Not v2.15.x: its checksum file lists its own .sig after signing, so the
	# signature does not verify (goreleaser issues 6508 and 6514), which
	# breaks provider releases. v2.14.3 is the last good release that builds
	# with go1.26; v2.18.2+ need a newer Go.
	"goreleaser|github.com/goreleaser/goreleaser/v2|v2.14.3"
	"tfplugindocs|github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs|v0.25.0"
	# Checks .github/workflows, which cannot run here.
	"actionlint|github.com/rhysd/actionlint/cmd/actionlint|v1.7.12"
)

usage() {
	print_usage
}

wanted=()
for arg in "$@"; do
	case "${arg}" in
	-h | --help)
		usage
		exit 0
		;;
	golangci-lint | goreleaser | tfplugindocs | actionlint) wanted+=("${arg}") ;;
	*)
		usage
		die "unknown tool: ${arg}"
		;;
	esac
done
if [[ ${#wanted[@]} -eq 0 ]]; then
	wanted=(golangci-lint goreleaser tfplugindocs actionlint)
fi

bindir="$(taurusdb_cache_root)/bin"
mkdir -p "${bindir}"

# install_tool NAME PKG VERSION
install_tool() {
	local name="$1" pkg="$2" version="$3"
	local target="${bindir}/${name}-${version}"
	if [[ ! -x "${target}" ]]; then
		require_go
		local start=${SECONDS} tmp
		tmp="$(mktemp -d "${bindir}/.install-${name}.XXXXXX")"
		log "building ${name} ${version} (${pkg}@${version})"
		# Run outside the repository so its go.mod does not take part.
		if ! (cd "${tmp}" && GOBIN="${tmp}" GOWORK=off GO111MODULE=on \
			go install "${pkg}@${version}") >&2; then
			rm -rf "${tmp}"
			die "go install ${pkg}@${version} failed"
		fi
		mv -f "${tmp}/${name}" "${target}"
		rm -rf "${tmp}"
		log "built ${name} ${version} in $((SECONDS - start))s"
	fi
	# Point NAME at the pinned version (cheap, and repairs a stale link).
	if [[ "$(readlink "${bindir}/${name}" 2>/dev/null || true)" != "${name}-${version}" ]]; then
		ln -sfn "${name}-${version}" "${bindir}/${name}"
	fi
}

for want in "${wanted[@]}"; do
	for entry in "${TOOLS[@]}"; do
		IFS='|' read -r name pkg version <<<"${entry}"
		if [[ "${name}" == "${want}" ]]; then
			with_lock "${bindir}" install_tool "${name}" "${pkg}" "${version}"
		fi
	done
done

printf '%s\n' "${bindir}"
