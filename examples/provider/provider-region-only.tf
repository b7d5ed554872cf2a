# The configuration most users of the huaweicloud provider already have: a
# region and an access key pair. The project ID is looked up once at IAM
# (GET /v3/projects?name=ap-southeast-1). The keys come from variables here
# (TF_VAR_access_key, TF_VAR_secret_key); or leave both lines out and export
# HW_ACCESS_KEY and HW_SECRET_KEY.
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
