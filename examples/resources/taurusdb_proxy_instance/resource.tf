resource "taurusdb_proxy_instance" "orders" {
  instance_id = "0123456789abcdef0123456789abcdefin07"
  name        = "orders-proxy"
  flavor      = "gaussdb.proxy.large.x86.2"
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
