# One provider block, two regions: each resource and data source names its
# region or takes the provider's. Each region's project is looked up at IAM.
provider "taurusdb" {
  region = "cn-north-4"
}

resource "taurusdb_proxy_instance" "beijing" {
  instance_id = var.beijing_instance_id
  flavor      = "gaussdb.proxy.large.x86.2"
  node_num    = 2
}

resource "taurusdb_proxy_instance" "shanghai" {
  region      = "cn-east-3"
  instance_id = var.shanghai_instance_id
  flavor      = "gaussdb.proxy.large.x86.2"
  node_num    = 2
}

variable "beijing_instance_id" {
  type = string
}

variable "shanghai_instance_id" {
  type = string
}
