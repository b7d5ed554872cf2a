# AK/SK request signing (SDK-HMAC-SHA256). Leave the keys out of the file and
# export HW_ACCESS_KEY and HW_SECRET_KEY (and HW_SECURITY_TOKEN for temporary
# credentials) instead.
provider "taurusdb" {
  region     = "ap-southeast-1"
  project_id = "0123456789abcdef0123456789abcdef"
}
