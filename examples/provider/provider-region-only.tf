# The configuration most users of the huaweicloud provider already have: a
# region and an access key pair. The project ID is looked up once at IAM
# (GET /v3/projects?name=ap-southeast-1). Export HW_ACCESS_KEY and
# HW_SECRET_KEY rather than writing the keys into the file.
provider "taurusdb" {
  region     = "ap-southeast-1"
  access_key = var.access_key
  secret_key = var.secret_key
}

variable "access_key" {
  type      = string
  sensitive = true
}

variable "secret_key" {
  type      = string
  sensitive = true
}
