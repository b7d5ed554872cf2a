# On an ECS server with an agency, and no credentials anywhere else, the
# provider takes the agency's temporary access key, secret key and security
# token from the ECS metadata service and renews them before they expire.
provider "taurusdb" {
  region = "cn-north-4"
}
