# A Connect instance, a claimed phone number, a contact flow and their association,
# created against connect-numbers instead of AWS. See docs/terraform.md.
#
#   connect-numbers serve            # or: make serve (listens on 127.0.0.1:4590)
#   terraform init && terraform apply
#   terraform destroy

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

variable "connect_numbers_endpoint" {
  description = "Where connect-numbers listens"
  type        = string
  default     = "http://127.0.0.1:4590"
}

provider "aws" {
  region = "us-east-1"

  # The local key that connect-numbers accepts while it listens on loopback
  # (account 000000000000). Keys made with `connect-numbers accounts keys create` work too.
  access_key = "test"
  secret_key = "test"

  # Never ask AWS who the caller is, nor look up the account or the instance
  # metadata: with these the provider makes no STS, IAM or EC2 metadata call.
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  endpoints {
    connect = var.connect_numbers_endpoint
    # Not called with the settings above; pointed here so that a stray call
    # fails against connect-numbers instead of reaching AWS.
    sts = var.connect_numbers_endpoint
    iam = var.connect_numbers_endpoint
  }
}

resource "aws_connect_instance" "desk" {
  identity_management_type  = "CONNECT_MANAGED"
  instance_alias            = "terraform-desk"
  inbound_calls_enabled     = true
  outbound_calls_enabled    = true
  contact_flow_logs_enabled = true

  tags = {
    managed-by = "terraform"
  }
}

resource "aws_connect_phone_number" "main" {
  target_arn   = aws_connect_instance.desk.arn
  country_code = "US"
  type         = "DID"
  prefix       = "+1206"

  tags = {
    managed-by = "terraform"
  }
}

resource "aws_connect_contact_flow" "welcome" {
  instance_id  = aws_connect_instance.desk.id
  name         = "Welcome"
  description  = "Answers the main number"
  type         = "CONTACT_FLOW"
  filename     = "${path.module}/welcome-flow.json"
  content_hash = filebase64sha256("${path.module}/welcome-flow.json")
}

resource "aws_connect_phone_number_contact_flow_association" "main" {
  phone_number_id = aws_connect_phone_number.main.id
  instance_id     = aws_connect_instance.desk.id
  contact_flow_id = aws_connect_contact_flow.welcome.contact_flow_id
}

data "aws_connect_instance" "desk" {
  instance_alias = aws_connect_instance.desk.instance_alias
}

output "phone_number" {
  value = aws_connect_phone_number.main.phone_number
}

output "contact_flow_logs_enabled" {
  value = data.aws_connect_instance.desk.contact_flow_logs_enabled
}
