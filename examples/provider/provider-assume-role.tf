# Exchange the credentials found (here HW_ACCESS_KEY and HW_SECRET_KEY) for
# temporary credentials of an agency created by another account; they are
# renewed before they expire.
provider "taurusdb" {
  region = "cn-north-4"

  assume_role {
    agency_name = "terraform-databases"
    domain_name = "platform-team-account"
    duration    = 3600
  }
}
