# Terraform 1.14+: restart the proxy on request, with
#   terraform apply -invoke=action.taurusdb_proxy_restart.orders
# or after every update of a resource, through its action_trigger. An
# action may not refer to the resource that triggers it, so here it names
# the proxy through variables rather than taurusdb_proxy_instance.orders.
action "taurusdb_proxy_restart" "orders" {
  config {
    instance_id = var.instance_id
    proxy_id    = var.orders_proxy_id
    timeout     = "15m"
  }
}

resource "taurusdb_proxy_instance" "orders" {
  instance_id = var.instance_id
  flavor      = "gaussdb.proxy.large.x86.2"
  node_num    = 2
  name        = "orders-proxy"

  parameters = [
    { name = "connectionIdleTimeout", value = "28800" },
  ]

  lifecycle {
    # Some parameters take effect only after a restart.
    action_trigger {
      events  = [after_update]
      actions = [action.taurusdb_proxy_restart.orders]
    }
  }
}
