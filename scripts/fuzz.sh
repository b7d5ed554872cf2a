#!/usr/bin/env bash
# Run every fuzz target briefly. Their seed corpora already run in plain
# `go test`; this adds coverage-guided inputs for FUZZTIME each.
#
# Usage: scripts/fuzz.sh [FUZZTIME]   (default 5s; e.g. 30s, 2m)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib.sh
fuzztime="${1:-5s}"
count_files() {
	if [ -d "$1" ]; then find "$1" -type f | wc -l; else echo 0; fi
}
found=0
for pkg in $(go list ./...); do
	for target in $(go test -list '^Fuzz' "${pkg}" | grep '^Fuzz' || true); do
		found=$((found + 1))
		log "fuzzing ${pkg##*/} ${target} for ${fuzztime}"
		out="$(mktemp)"
		dir="$(go list -f '{{.Dir}}' "${pkg}")/testdata/fuzz/${target}"
		before="$(count_files "${dir}")"
		for try in 1 2; do
			if go test -run '^$' -fuzz "^${target}\$" -fuzztime "${fuzztime}" "${pkg}" >"${out}" 2>&1; then
				break
			fi
			tail -40 "${out}" >&2
			# A new file under testdata/fuzz is a real finding: fail.
			# Otherwise the fuzzing engine itself failed (seen once
			# under load on 2 cores): try once more.
			if [ "$(count_files "${dir}")" != "${before}" ] || [ "${try}" = 2 ]; then
				rm -f "${out}"
				die "fuzz target ${target} failed; a failing input, if any, is under ${dir}"
			fi
			log "fuzzing engine failed without a finding; retrying ${target} once"
		done
		rm -f "${out}"
	done
done
log "${found} fuzz targets run"
