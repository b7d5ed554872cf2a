# Terraform 1.12+ and OpenTofu 1.12+: import by resource identity.
import {
  to = taurusdb_proxy_eip_association.orders
  identity = {
    instance_id = "0123456789abcdef0123456789abcdefin07"
    proxy_id    = "fedcba9876543210fedcba9876543210po01"
  }
}
