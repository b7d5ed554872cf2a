# The flavors a proxy of an instance can use: 2 vCPUs and 4 GB, x86.
data "taurusdb_proxy_flavors" "small" {
  instance_id = "0123456789abcdef0123456789abcdefin07"
  group_type  = "x86"
  vcpus       = 2
  memory      = 4
}

# The flavors sold in two availability zones, before an instance exists.
data "taurusdb_proxy_flavors" "by_zone" {
  az_codes = ["cn-north-4a", "cn-north-4b"]
  vcpus    = 4
}

output "small_flavor" {
  value = data.taurusdb_proxy_flavors.small.flavors[0].spec_code
}

output "sold_in_both_zones" {
  value = [
    for f in data.taurusdb_proxy_flavors.by_zone.flavors : f.spec_code
    if f.az_status["cn-north-4a"] == "normal" && f.az_status["cn-north-4b"] == "normal"
  ]
}
