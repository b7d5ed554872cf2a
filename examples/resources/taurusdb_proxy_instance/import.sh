# The import ID is <instance_id>/<proxy_id>.
terraform import taurusdb_proxy_instance.orders 0123456789abcdef0123456789abcdefin07/fedcba9876543210fedcba9876543210po01
