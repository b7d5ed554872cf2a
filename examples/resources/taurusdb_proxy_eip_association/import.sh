# The import ID is <instance_id>/<proxy_id>. public_ip is read back from the
# proxy list; public_ip_id cannot be, and is recorded from the configuration
# by the next apply (an in-place update that sends nothing).
terraform import taurusdb_proxy_eip_association.orders 0123456789abcdef0123456789abcdefin07/fedcba9876543210fedcba9876543210po01
