#!/usr/bin/env bash
# Check that every Go file starts with the project's license header:
#
#   // Copyright (c) The terraform-provider-taurusdb authors
#   // SPDX-License-Identifier: MPL-2.0
#
# Usage: scripts/spdx.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib.sh

missing=()
while IFS= read -r f; do
	[ "$(sed -n 2p "${f}")" = "// SPDX-License-Identifier: MPL-2.0" ] &&
		[ "$(sed -n 1p "${f}")" = "// Copyright (c) The terraform-provider-taurusdb authors" ] ||
		missing+=("${f}")
done < <(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*')
[ ${#missing[@]} -eq 0 ] || die "these Go files lack the two-line license header (see LICENSE): ${missing[*]}"
log "every Go file carries the MPL-2.0 header"
