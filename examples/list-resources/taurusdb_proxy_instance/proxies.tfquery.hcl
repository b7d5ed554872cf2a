# proxies.tfquery.hcl, next to the configuration that holds the provider
# block. Then:
#   terraform query -generate-config-out=proxies.tf
# writes an import block and a resource block for each proxy found;
# terraform plan shows them as imports with no change.
list "taurusdb_proxy_instance" "existing" {
  provider         = taurusdb
  include_resource = true

  config {
    instance_id = "0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6in07"
    # Optional filters:
    # name       = "orders-proxy"
    # proxy_mode = "readonly"
    # status     = "ACTIVE"
  }
}
