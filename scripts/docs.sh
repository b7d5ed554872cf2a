#!/usr/bin/env bash
# Generate docs/ with tfplugindocs, offline.
#
# Usage: scripts/docs.sh generate|check
#   generate  rewrite docs/ from the provider schema, templates/ and examples/
#   check     generate into a scratch copy and fail if docs/ differs (stale docs)
#
# The identity import example is not named import-by-identity.tf on purpose:
# tfplugindocs then demands identity in the schema, which Terraform before
# 1.12 does not print (the docs are generated with the pinned Terraform,
# scripts/versions.sh, which does; the name stays for older CLIs).
#
# The schema comes from `terraform providers schema -json` run against the
# provider built here (through dev_overrides), so tfplugindocs never needs to
# download Terraform or the provider.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
. "${repo}/scripts/lib.sh"
mode="${1:-generate}"

tf="$("${repo}/scripts/cli.sh" terraform)"
bin="$("${repo}/scripts/tools.sh" tfplugindocs)"
work="$(mktemp -d "${TMPDIR:-/tmp}/taurusdb-docs.XXXXXX")"
trap 'rm -rf "${work}"' EXIT

go build -C "${repo}" -o "${work}/bin/terraform-provider-taurusdb" .
cat >"${work}/cli.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "registry.terraform.io/taurusdb-community/taurusdb" = "${work}/bin"
  }
  direct {}
}
TFRC
mkdir -p "${work}/cfg"
cat >"${work}/cfg/main.tf" <<'HCL'
terraform {
  required_providers {
    taurusdb = { source = "taurusdb-community/taurusdb" }
  }
}
HCL
(cd "${work}/cfg" && TF_CLI_CONFIG_FILE="${work}/cli.tfrc" "${tf}" providers schema -json >"${work}/schema.json" 2>"${work}/schema.err") ||
	die "terraform providers schema failed: $(cat "${work}/schema.err")"
# tfplugindocs looks the schema up by short name (or under hashicorp/).
sed -i 's#"registry.terraform.io/taurusdb-community/taurusdb"#"taurusdb"#' "${work}/schema.json"

run_tfplugindocs() {
	local dir="$1"
	(cd "${dir}" && "${bin}/tfplugindocs" generate --provider-name taurusdb --rendered-provider-name TaurusDB \
		--providers-schema "${work}/schema.json" --examples-dir examples --website-source-dir templates \
		--rendered-website-dir docs >"${work}/gen.log" 2>&1) || die "tfplugindocs failed: $(cat "${work}/gen.log")"
	(cd "${dir}" && "${bin}/tfplugindocs" validate --provider-name taurusdb --providers-schema "${work}/schema.json" >"${work}/validate.log" 2>&1) ||
		die "tfplugindocs validate failed: $(cat "${work}/validate.log")"
}

case "${mode}" in
generate)
	run_tfplugindocs "${repo}"
	log "docs/ regenerated"
	;;
check)
	mkdir -p "${work}/copy"
	cp -r "${repo}/templates" "${repo}/examples" "${work}/copy/"
	[ -d "${repo}/docs" ] && cp -r "${repo}/docs" "${work}/copy/docs.committed"
	cp "${repo}/go.mod" "${work}/copy/"
	run_tfplugindocs "${work}/copy"
	if ! diff -ru "${work}/copy/docs.committed" "${work}/copy/docs" >"${work}/diff" 2>&1; then
		cat "${work}/diff" >&2
		die "docs/ is stale: run 'make generate' and commit the result"
	fi
	log "docs/ is up to date"
	;;
*) die "usage: $0 generate|check" ;;
esac
