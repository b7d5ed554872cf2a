# Upgrade the proxy's kernel. The proxy list data source shows each
# proxy's current_version and whether an upgrade exists (can_upgrade).
resource "taurusdb_proxy_upgrade" "orders" {
  instance_id    = taurusdb_proxy_instance.orders.instance_id
  proxy_id       = taurusdb_proxy_instance.orders.id
  target_version = "2.25.06.000"

  timeouts = {
    create = "30m"
  }
}

output "upgraded_from" {
  value = taurusdb_proxy_upgrade.orders.source_version
}
