# The flavor is looked up instead of hard-coded: 2 vCPUs and 4 GB per node,
# x86, among the flavors a proxy of this instance can use.
data "taurusdb_proxy_flavors" "small" {
  instance_id = "0123456789abcdef0123456789abcdefin07"
  group_type  = "x86"
  vcpus       = 2
  memory      = 4
}

resource "taurusdb_proxy_instance" "orders" {
  instance_id = "0123456789abcdef0123456789abcdefin07"
  name        = "orders-proxy"
  flavor      = data.taurusdb_proxy_flavors.small.flavors[0].spec_code
  node_num    = 2
  proxy_mode  = "readwrite"
  port        = 3306

  nodes_read_weight = [
    { id = "11111111111111111111111111111111no07", weight = 100 },
    { id = "22222222222222222222222222222222no07", weight = 300 },
  ]

  timeouts = {
    create = "30m"
    update = "30m"
    delete = "15m"
  }
}
