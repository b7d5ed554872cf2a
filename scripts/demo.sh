#!/usr/bin/env bash
# The main job, without a cloud account: start the emulator, apply two
# proxies with the Terraform CLI, list the state, destroy, and show the
# emulator's request log with the DELETE calls and the job polls.
#
# Usage: scripts/demo.sh            (TAURUSDB_TERRAFORM=/path/to/tofu works too)
# Everything is built into a temporary folder that is removed at the end.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
. "${repo}/scripts/lib.sh"

tf="$("${repo}/scripts/cli.sh" terraform)"
work="$(mktemp -d "${TMPDIR:-/tmp}/taurusdb-demo.XXXXXX")"
emu_pid=""
cleanup() {
	if [ -n "${emu_pid}" ] && kill -0 "${emu_pid}" 2>/dev/null; then
		kill -TERM "${emu_pid}" 2>/dev/null || true
		wait "${emu_pid}" 2>/dev/null || true
	fi
	rm -rf "${work}"
}
trap cleanup EXIT

banner() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

banner "building the provider and the emulator"
(cd "${repo}" && go build -o "${work}/bin/terraform-provider-taurusdb" . && go build -o "${work}/taurusdb-emulator" ./cmd/taurusdb-emulator)

instance="0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6in07"
token="demo-token-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
banner "starting the emulator (jobs take 3s, like a quick real job)"
"${work}/taurusdb-emulator" -listen 127.0.0.1:0 -instances "${instance}" -token "${token}" -job-duration 3s \
	-log "${work}/requests.log" >"${work}/emulator.out" 2>&1 &
emu_pid=$!
for _ in $(seq 1 100); do
	grep -q 'endpoint:' "${work}/emulator.out" 2>/dev/null && break
	sleep 0.1
done
endpoint="$(awk '/endpoint:/ {print $2; exit}' "${work}/emulator.out")"
project="$(awk '/project ID:/ {print $3; exit}' "${work}/emulator.out")"
[ -n "${endpoint}" ] || die "the emulator did not start: $(cat "${work}/emulator.out")"
sed -n '1,8p' "${work}/emulator.out"

# dev_overrides makes the CLI use the provider just built, without a
# registry or `terraform init`.
cat >"${work}/cli.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "registry.terraform.io/taurusdb-community/taurusdb" = "${work}/bin"
    "registry.opentofu.org/taurusdb-community/taurusdb" = "${work}/bin"
  }
  direct {}
}
TFRC
export TF_CLI_CONFIG_FILE="${work}/cli.tfrc" TF_IN_AUTOMATION=1
cp "${repo}/examples/demo/main.tf" "${work}/main.tf"
cat >"${work}/terraform.tfvars" <<TFVARS
endpoint    = "${endpoint}"
project_id  = "${project}"
auth_token  = "${token}"
instance_id = "${instance}"
TFVARS
cd "${work}"

banner "$(basename "${tf}") apply: two proxies on instance ${instance}"
"${tf}" apply -auto-approve -no-color 2>&1 | grep -v -e '^$' -e 'dev_overrides' -e 'Provider development overrides' -e 'The following provider' -e '^ *- taurusdb' -e 'The behavior may' -e 'published releases' -e '^│ *$' -e '^╷' -e '^╵' -e 'Warning: Provider development'

banner "state list"
"${tf}" state list

banner "destroy (returns only when the delete job has completed and both proxies left the list)"
start=$(date +%s.%N)
"${tf}" destroy -auto-approve -no-color 2>&1 | grep -E 'Destroying|Destruction complete|Destroy complete|Error' || true
end=$(date +%s.%N)
# Counted from the request log, so the line says what the log shows.
destroy_log="$(awk '/ DELETE / {seen=1} seen' "${work}/requests.log")"
deletes="$(grep -c ' DELETE ' <<<"${destroy_log}" || true)"
jobs="$(grep -o 'jobs?id=[^ ]*' <<<"${destroy_log}" | sort -u | wc -l)"
awk -v s="${start}" -v e="${end}" -v d="${deletes}" -v j="${jobs}" \
	'BEGIN { printf "destroy took %.1fs for two proxies on one instance: %d DELETE call(s), %d job(s) of 3s\n", e - s, d, j }'

banner "emulator request log: the DELETE calls and the job polls of the destroy"
awk '/DELETE/ {seen=1} seen' "${work}/requests.log" | grep -E 'DELETE|/jobs|/proxies' | head -40

banner "what to look at"
cat <<'TXT'
- Terraform deletes the two proxies at once, and deletes of one instance that arrive within
  TAURUSDB_DELETE_BATCH_WINDOW (300ms) share one call: the DELETE .../proxy above names both IDs
  (the ones `state list` resolved) in proxy_ids, and one job deletes both. With
  TAURUSDB_DELETE_BATCH_WINDOW=off each proxy gets a DELETE of its own naming only its ID.
- The GET .../jobs?id=... polls follow the DELETE until its job completed; then each proxy's
  GET .../proxies confirms it left the list, and destroy returned.
- Run the emulator yourself: go run ./cmd/taurusdb-emulator -h, then point the provider at it (README, "Try it").
TXT
