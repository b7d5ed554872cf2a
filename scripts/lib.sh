# shellcheck shell=bash
# Shared helpers for the scripts in this folder. Source it; do not run it.
#
# Everything these scripts build lands outside the repository, under
#   ${TAURUSDB_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-taurusdb}
# so a fresh clone (CI) reuses what an earlier run on the same machine built.

taurusdb_cache_root() {
	local root="${TAURUSDB_TOOLS_CACHE:-${XDG_CACHE_HOME:-${HOME}/.cache}/terraform-provider-taurusdb}"
	mkdir -p "${root}"
	(cd "${root}" && pwd -P)
}

# log prints a progress line on stderr, keeping stdout for the result.
log() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
}

die() {
	log "error: $*"
	exit 1
}

require_go() {
	command -v go >/dev/null 2>&1 || die "the go command is not on PATH"
}

# with_lock DIR CMD...: run CMD while holding an exclusive lock on DIR/.lock,
# so two concurrent callers do not build the same tool into the same place.
with_lock() {
	local dir="$1"
	shift
	mkdir -p "${dir}"
	if command -v flock >/dev/null 2>&1; then
		(
			flock 9
			"$@"
		) 9>"${dir}/.lock"
	else
		"$@"
	fi
}

# print_usage prints the calling script's header comment (its usage) on stderr.
print_usage() {
	awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
}

# module_source MODULE VERSION WORK: download MODULE@vVERSION from the Go
# module proxy and copy its source to WORK/src, writable. The module cache
# is read-only and stays untouched; a build needs a writable copy (go.sum
# updates, embed checks) and a main-module context for its replace
# directives. `go mod download` runs in WORK, outside any module.
module_source() {
	local module="$1" version="$2" work="$3" json src
	log "downloading ${module}@v${version} from the Go module proxy"
	# With -json the reason of a failure is in the JSON's Error field, so
	# the answer is kept and read before anything else.
	if ! json="$(cd "${work}" && GOWORK=off GO111MODULE=on GOFLAGS=-mod=mod \
		go mod download -json "${module}@v${version}" 2>&1)"; then
		local why
		why="$(sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' <<<"${json}" | head -1)"
		die "go mod download ${module}@v${version} failed: ${why:-$(head -3 <<<"${json}")}"
	fi
	src="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"${json}")"
	[[ -n "${src}" && -d "${src}" ]] || die "go mod download did not report a source folder for ${module}@v${version}"
	cp -R "${src}" "${work}/src"
	chmod -R u+w "${work}/src"
}
