# Terraform 1.5+ and OpenTofu: an import block with the string ID.
import {
  to = taurusdb_proxy_eip_association.orders
  id = "0123456789abcdef0123456789abcdefin07/fedcba9876543210fedcba9876543210po01"
}
