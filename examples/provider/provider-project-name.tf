# A sub-project of the region, looked up at IAM by its name; credentials
# from HW_ACCESS_KEY and HW_SECRET_KEY.
provider "taurusdb" {
  region       = "cn-north-4"
  project_name = "cn-north-4_databases"
}
