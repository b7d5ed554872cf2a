# IAM user and password, exchanged for a token that the provider caches and
# renews before it expires.
provider "taurusdb" {
  region      = "cn-north-4"
  project_id  = "0123456789abcdef0123456789abcdef"
  user_name   = "terraform"
  password    = var.iam_password
  domain_name = "my-account"
}

variable "iam_password" {
  type      = string
  sensitive = true
}
