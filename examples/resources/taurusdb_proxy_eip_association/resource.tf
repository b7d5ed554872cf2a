# Bind an elastic public IP (created with the huaweicloud provider, say)
# to the proxy. Destroying the association unbinds it.
resource "taurusdb_proxy_eip_association" "orders" {
  instance_id  = taurusdb_proxy_instance.orders.instance_id
  proxy_id     = taurusdb_proxy_instance.orders.id
  public_ip    = huaweicloud_vpc_eip.orders_proxy.address
  public_ip_id = huaweicloud_vpc_eip.orders_proxy.id

  timeouts = {
    create = "10m"
    delete = "10m"
  }
}
