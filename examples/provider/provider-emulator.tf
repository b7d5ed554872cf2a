# The bundled emulator (go run ./cmd/taurusdb-emulator) prints its endpoint,
# project ID and token. Plain http is accepted because the address is loopback.
provider "taurusdb" {
  endpoint   = "http://127.0.0.1:18080"
  project_id = "5c1f3a9e0b7d4e2f8a6c4b2d0e9f7a13"
  auth_token = "the-token-the-emulator-printed"
}
