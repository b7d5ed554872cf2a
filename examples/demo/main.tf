# Two proxies on one TaurusDB instance, against the bundled emulator.
# `make demo` fills in the variables; see scripts/demo.sh.
terraform {
  required_providers {
    taurusdb = {
      source = "taurusdb-community/taurusdb"
    }
  }
}

variable "endpoint" {
  type = string
}

variable "project_id" {
  type = string
}

variable "auth_token" {
  type      = string
  sensitive = true
}

variable "instance_id" {
  type = string
}

provider "taurusdb" {
  endpoint   = var.endpoint
  project_id = var.project_id
  auth_token = var.auth_token
}

# The smallest x86 flavor the instance offers: 2 vCPUs, 4 GB.
data "taurusdb_proxy_flavors" "small" {
  instance_id = var.instance_id
  group_type  = "x86"
  vcpus       = 2
  memory      = 4
}

resource "taurusdb_proxy_instance" "readwrite" {
  instance_id = var.instance_id
  name        = "demo-readwrite"
  flavor      = data.taurusdb_proxy_flavors.small.flavors[0].spec_code
  node_num    = 2
}

resource "taurusdb_proxy_instance" "readonly" {
  instance_id = var.instance_id
  name        = "demo-readonly"
  flavor      = data.taurusdb_proxy_flavors.small.flavors[0].spec_code
  node_num    = 2
  proxy_mode  = "readonly"
}

output "proxies" {
  value = {
    readwrite = taurusdb_proxy_instance.readwrite.id
    readonly  = taurusdb_proxy_instance.readonly.id
  }
}
