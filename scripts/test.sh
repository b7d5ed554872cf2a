#!/usr/bin/env bash
# The whole test suite: what `make test` and CI run.
#
# gofmt, go vet, unit tests (with the race detector), brief fuzzing, the
# acceptance tests under Terraform and under OpenTofu against the emulator,
# `terraform fmt` on the examples, docs freshness and golangci-lint.
# Set TAURUSDB_SKIP_TOFU=1 to skip the OpenTofu run (it builds OpenTofu once).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib.sh

step() { log "== $*"; }

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*'))
[ -z "${unformatted}" ] || die "gofmt would change: ${unformatted}"

step "license headers"
scripts/spdx.sh

step "go vet"
go vet ./...

step "unit tests"
go test -race -count=1 ./...

# The Huawei Cloud SDK is only for the contract tests: it must not reach the
# provider binary (nor the emulator command), whatever imports creep in.
step "SDK stays test-only"
for pkg in . ./cmd/taurusdb-emulator; do
	linked=$(go list -deps "${pkg}" | grep huaweicloud-sdk-go-v3 || true)
	[ -z "${linked}" ] || die "${pkg} links the Huawei Cloud SDK, which is a test-only dependency (import it from _test.go files only): ${linked//$'\n'/ }"
done

step "fuzz (brief)"
scripts/fuzz.sh 5s

# The CLI matrix (versions in scripts/versions.sh): the whole suite under
# the newest Terraform and under OpenTofu, the core lifecycle under the
# oldest Terraform the README claims.
step "acceptance tests: terraform"
scripts/acc.sh terraform

if [ "${TAURUSDB_SKIP_TOFU:-}" != 1 ]; then
	step "acceptance tests: opentofu"
	scripts/acc.sh tofu
fi

step "acceptance tests: the oldest terraform claimed (core lifecycle)"
scripts/acc.sh terraform-floor

step "examples formatted"
"$(scripts/cli.sh terraform)" fmt -check -recursive examples

step "docs up to date"
scripts/docs.sh check

step "lint"
"$(scripts/tools.sh golangci-lint)/golangci-lint" run ./...

step "workflows"
"$(scripts/tools.sh actionlint)/actionlint" -shellcheck= -pyflakes= .github/workflows/*.yml

step "release configuration"
"$(scripts/tools.sh goreleaser)/goreleaser" check

log "all checks passed"
