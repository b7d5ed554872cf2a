#!/usr/bin/env bash
# Build a Terraform release from its Go module into DIR/terraform.
#
# Usage: scripts/build-terraform.sh VERSION DIR
#
# Terraform from 1.9 on cannot be built with `go install module@version`: its
# go.mod replaces ten nested modules (internal/legacy and nine state backends
# under internal/backend/remote-state) with local folders, and those folders
# are not in the module zip the Go module proxy serves. This script copies
# the module source to a temporary folder (the module cache stays
# untouched), drops those requires and replaces with `go mod edit`, removes
# the nine backends from internal/backend/init/init.go, and builds. The CLI
# keeps the local, remote, http, inmem and cloud backends, which is all the
# acceptance tests use. version.dev=no makes it report the plain version, as
# release builds do. Older releases (no such replaces) build unchanged.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

version="${1:-}"
dir="${2:-}"
[[ -n "${version}" && -n "${dir}" ]] || die "usage: $0 VERSION DIR"
require_go
module="github.com/hashicorp/terraform"
start=${SECONDS}
work="$(mktemp -d "${TMPDIR:-/tmp}/taurusdb-terraform-build.XXXXXX")"
trap 'chmod -R u+w "${work}" 2>/dev/null; rm -rf "${work}"' EXIT

module_source "${module}" "${version}" "${work}"

cd "${work}/src"
backends=(azure consul cos gcs kubernetes oci oss pg s3)
edits=()
for local_mod in $(go mod edit -json | sed -n 's/^[[:space:]]*"Path": "\(github.com\/hashicorp\/terraform\/internal\/[^"]*\)".*/\1/p' | sort -u); do
	edits+=("-droprequire=${local_mod}" "-dropreplace=${local_mod}")
done
if [[ ${#edits[@]} -gt 0 ]]; then
	log "dropping the nested modules the module zip lacks: ${#edits[@]} edits"
	go mod edit "${edits[@]}"
	init=internal/backend/init/init.go
	for b in "${backends[@]}"; do
		# The import line and the map entry of each backend.
		sed -i -E "/\"${module//\//\\/}\/internal\/backend\/remote-state\/${b}\"/d" "${init}"
	done
	sed -i -E '/return backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)\.New\(\)/d' "${init}"
fi

log "building Terraform v${version} into ${dir} (about 3 CPU-minutes on first use)"
mkdir -p "${dir}"
tmp_bin="${dir}/.terraform.tmp.$$"
GOWORK=off GO111MODULE=on GOFLAGS=-mod=mod \
	go build -o "${tmp_bin}" -ldflags "-X ${module}/version.dev=no" . >&2
mv -f "${tmp_bin}" "${dir}/terraform"
"${dir}/terraform" version | head -1 >&2
log "built Terraform v${version} in $((SECONDS - start))s"
