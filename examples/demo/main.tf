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

resource "taurusdb_proxy_instance" "readwrite" {
  instance_id = var.instance_id
  name        = "demo-readwrite"
  flavor      = "gaussdb.proxy.large.x86.2"
  node_num    = 2
}

resource "taurusdb_proxy_instance" "readonly" {
  instance_id = var.instance_id
  name        = "demo-readonly"
  flavor      = "gaussdb.proxy.large.x86.2"
  node_num    = 2
  proxy_mode  = "readonly"
}

output "proxies" {
  value = {
    readwrite = taurusdb_proxy_instance.readwrite.id
    readonly  = taurusdb_proxy_instance.readonly.id
  }
}
