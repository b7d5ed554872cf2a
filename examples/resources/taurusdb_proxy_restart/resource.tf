# Restart the proxy whenever its parameters change, since some take
# effect only after a restart. Changing any value in triggers restarts
# it again; plans without such a change restart nothing.
resource "taurusdb_proxy_restart" "orders" {
  instance_id = taurusdb_proxy_instance.orders.instance_id
  proxy_id    = taurusdb_proxy_instance.orders.id

  triggers = {
    parameters = sha1(jsonencode(taurusdb_proxy_instance.orders.parameters))
  }

  timeouts = {
    create = "15m"
  }
}
