# Credentials, region and project ID from a profile of the KooCLI (hcloud)
# configuration file; without profile, the file's current profile is used.
provider "taurusdb" {
  shared_config_file = "~/.hcloud/config.json"
  profile            = "ci"
}
