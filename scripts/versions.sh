# shellcheck shell=bash
# The CLI versions the tests run under: the one place they are pinned.
# Source it; do not run it.

# The newest Terraform the Go module proxy serves: the whole acceptance suite
# runs under it (scripts/build-terraform.sh builds it).
TERRAFORM_VERSION="1.16.4"
# The oldest Terraform the README claims ("Terraform 1.5+"): the core
# lifecycle (create, update, import, destroy, the batched destroy) runs
# under it. Raise the claim and this together.
TERRAFORM_FLOOR_VERSION="1.5.7"
# OpenTofu: the whole acceptance suite runs under it.
TOFU_VERSION="1.12.6"
