# Every proxy of an instance.
data "taurusdb_proxy_instances" "all" {
  instance_id = "0123456789abcdef0123456789abcdefin07"
}

# Only the read-only proxies that are ACTIVE.
data "taurusdb_proxy_instances" "readonly" {
  instance_id = "0123456789abcdef0123456789abcdefin07"
  proxy_mode  = "readonly"
  status      = "ACTIVE"
}

output "proxy_addresses" {
  value = { for p in data.taurusdb_proxy_instances.all.proxies : p.name => "${p.address}:${p.port}" }
}

output "upgradable" {
  value = [for p in data.taurusdb_proxy_instances.all.proxies : p.id if p.can_upgrade]
}
