terraform {
  required_providers {
    taurusdb = {
      source = "taurusdb-community/taurusdb"
    }
  }
}

# Token authentication; region selects the default endpoint.
provider "taurusdb" {
  region     = "cn-north-4"
  project_id = "0123456789abcdef0123456789abcdef"
  auth_token = var.iam_token
}

variable "iam_token" {
  type      = string
  sensitive = true
}
