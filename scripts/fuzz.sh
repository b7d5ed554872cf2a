#!/usr/bin/env bash
# Run every fuzz target briefly. Their seed corpora already run in plain
# `go test`; this adds coverage-guided inputs for FUZZTIME each.
#
# Usage: scripts/fuzz.sh [FUZZTIME]   (default 5s; e.g. 30s, 2m)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib.sh
fuzztime="${1:-5s}"
found=0
for pkg in $(go list ./...); do
	for target in $(go test -list '^Fuzz' "${pkg}" | grep '^Fuzz' || true); do
		found=$((found + 1))
		log "fuzzing ${pkg##*/} ${target} for ${fuzztime}"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "${fuzztime}" "${pkg}" >/dev/null
	done
done
log "${found} fuzz targets run"
