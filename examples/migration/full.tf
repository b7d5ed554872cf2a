# The huaweicloud arguments, each under its name here. Import first (see
# main.tf); then `terraform plan` shows only real differences.
resource "taurusdb_proxy_instance" "orders_full" {
  instance_id = "0123456789abcdef0123456789abcdefin07"
  flavor      = "gaussdb.proxy.large.x86.2" # flavor
  node_num    = 3                           # node_num
  name        = "orders-proxy"              # proxy_name
  proxy_mode  = "readwrite"                 # proxy_mode
  route_mode  = 0                           # route_mode
  port        = 3307                        # port

  # master_node_weight and readonly_nodes_weight, in one list
  nodes_read_weight = [
    { id = "0123456789abcdef0123456789abcdefno07", weight = 100 },
    { id = "1123456789abcdef0123456789abcdefno07", weight = 300 },
  ]

  new_node_auto_add    = "OFF"     # new_node_auto_add_status
  transaction_split    = "ON"      # transaction_split
  consistence_mode     = "session" # consistence_mode
  connection_pool_type = "SESSION" # connection_pool_type
  ssl                  = true

  access_control = {
    enabled = true    # open_access_control
    type    = "white" # access_control_type
    ip_list = [       # access_control_ip_list
      { ip = "192.168.0.0/24", description = "application subnet" },
      { ip = "10.1.2.3" },
    ]
  }

  dns_name_prefix = "ordersproxy01" # dns_name_prefix

  # parameters: elem_type is looked up, not written
  parameters = [
    { name = "multiStatementType", value = "Loose" },
  ]

  timeouts = {
    create = "30m"
    update = "30m"
    delete = "10m"
  }
}
