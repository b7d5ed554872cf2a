# Adopting proxies that huaweicloud_gaussdb_mysql_proxy (or
# huaweicloud_taurusdb_proxy) manages today, without replacing them.
#
# Step 1, in the configuration that uses the huaweicloud provider: stop
# managing the proxy there, without deleting it.
#
#   removed {
#     from = huaweicloud_gaussdb_mysql_proxy.orders
#     lifecycle {
#       destroy = false
#     }
#   }
#
# Step 2, here: import the same proxy. The import ID is
# <instance_id>/<proxy_id>, the same pair the huaweicloud resource uses.
import {
  to = taurusdb_proxy_instance.orders
  id = "0123456789abcdef0123456789abcdefin07/fedcba9876543210fedcba9876543210po01"
}

resource "taurusdb_proxy_instance" "orders" {
  instance_id = "0123456789abcdef0123456789abcdefin07"
  # huaweicloud: flavor
  flavor = "gaussdb.proxy.large.x86.2"
  # huaweicloud: node_num
  node_num = 2
  # huaweicloud: proxy_name
  name = "orders-proxy"
  # huaweicloud: proxy_mode. Read back from the API: it must match the
  # proxy's real mode, or the plan shows a replacement.
  proxy_mode = "readwrite"
}
