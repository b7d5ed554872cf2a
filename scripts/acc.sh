#!/usr/bin/env bash
# Run the acceptance tests (TF_ACC=1) against the emulator with one CLI.
#
# Usage: scripts/acc.sh terraform|terraform-floor|tofu [go test args...]
#   terraform:        the whole suite under Terraform (the version in scripts/versions.sh)
#   terraform-floor:  the core lifecycle (create, update, import, destroy, the
#                     batched destroy) under the oldest Terraform the README claims,
#                     unless go test args choose other tests
#   tofu:             the whole suite under OpenTofu
# scripts/cli.sh resolves (and builds) the CLI; builds are cached outside the repository.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cli="${1:-}"
shift || true
case "${cli}" in
terraform | terraform-floor | tofu) ;;
*) die "usage: $0 terraform|terraform-floor|tofu [go test args...]" ;;
esac
TF_ACC_TERRAFORM_PATH="$("$(dirname "${BASH_SOURCE[0]}")/cli.sh" "${cli}")"
export TF_ACC_TERRAFORM_PATH
if [ "${cli}" = tofu ]; then
	# The testing framework writes provider addresses in the test
	# configuration; OpenTofu resolves them against its own registry.
	export TF_ACC_PROVIDER_NAMESPACE=hashicorp TF_ACC_PROVIDER_HOST=registry.opentofu.org
fi

# A CLI config variable naming a missing file makes both CLIs print a
# warning before their version, which the test framework cannot parse.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -f "${TF_CLI_CONFIG_FILE}" ]; then
	unset TF_CLI_CONFIG_FILE
fi
# Never let a test pick up real cloud credentials from the environment.
unset HW_AUTH_TOKEN HW_ACCESS_KEY HW_SECRET_KEY HW_SECURITY_TOKEN HW_USER_NAME HW_USER_PASSWORD HW_DOMAIN_NAME TAURUSDB_ENDPOINT

if [ "${cli}" = terraform-floor ] && [[ " $* " != *" -run"* ]]; then
	# What a user on the oldest claimed version relies on every day.
	set -- -run '^TestAcc(ProxyInstance_(lifecycle|batchedDestroy|removingOneBlockDeletesOnlyThatProxy|failedDeleteKeepsStateAndRetrySucceeds|importReadsProxyMode)|Migration_importAdoptsWithoutReplacement)$' "$@"
fi

log "acceptance tests with $("${TF_ACC_TERRAFORM_PATH}" version 2>/dev/null | head -1)"
TF_ACC=1 exec go test -count=1 -timeout 20m ./internal/provider/... "$@"
