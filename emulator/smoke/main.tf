# Hand-written smoke configuration for the emulator (emulator/launcher.py).
# One of each resource type the lab uses, wired the way the lab wires them:
#   "source" VPC  : Aurora PostgreSQL behind an internal NLB, published as a
#                   VPC endpoint service (PrivateLink), plus the bastion and
#                   an SSM interface endpoint.
#   "dms" VPC     : DMS replication instance reaching Aurora through an
#                   interface endpoint consuming that endpoint service.
# Run it with emulator/smoke/run.sh (which builds lambda.zip and sets endpoint).

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "endpoint" {
  description = "Base URL of the emulator, e.g. http://127.0.0.1:5000"
  type        = string
}

variable "name" {
  type    = string
  default = "smoke"
}

variable "lambda_zip" {
  description = "Path to the zipped nodejs20.x handler (built by run.sh)"
  type        = string
  default     = "lambda.zip"
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = false
  s3_use_path_style           = true

  default_tags {
    tags = {
      Project     = "dms-privatelink-lab"
      Environment = var.name
    }
  }

  endpoints {
    cloudwatch       = var.endpoint
    cloudwatchevents = var.endpoint
    cloudwatchlogs   = var.endpoint
    dms              = var.endpoint
    ec2              = var.endpoint
    elbv2            = var.endpoint
    iam              = var.endpoint
    kms              = var.endpoint
    lambda           = var.endpoint
    rds              = var.endpoint
    s3               = var.endpoint
    secretsmanager   = var.endpoint
    sns              = var.endpoint
    ssm              = var.endpoint
    sts              = var.endpoint
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  azs        = ["us-east-1a", "us-east-1b"]
}

# ---------------------------------------------------------------- network --

resource "aws_vpc" "source" {
  cidr_block           = "10.10.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "${var.name}-source" }
}

resource "aws_subnet" "source" {
  count             = 2
  vpc_id            = aws_vpc.source.id
  cidr_block        = cidrsubnet(aws_vpc.source.cidr_block, 8, count.index)
  availability_zone = local.azs[count.index]
  tags              = { Name = "${var.name}-source-${count.index}" }
}

resource "aws_route_table" "source" {
  vpc_id = aws_vpc.source.id
  tags   = { Name = "${var.name}-source" }
}

resource "aws_route_table_association" "source" {
  count          = 2
  subnet_id      = aws_subnet.source[count.index].id
  route_table_id = aws_route_table.source.id
}

resource "aws_vpc" "dms" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "${var.name}-dms" }
}

resource "aws_subnet" "dms" {
  count             = 2
  vpc_id            = aws_vpc.dms.id
  cidr_block        = cidrsubnet(aws_vpc.dms.cidr_block, 8, count.index)
  availability_zone = local.azs[count.index]
  tags              = { Name = "${var.name}-dms-${count.index}" }
}

resource "aws_route_table" "dms" {
  vpc_id = aws_vpc.dms.id
  tags   = { Name = "${var.name}-dms" }
}

resource "aws_route_table_association" "dms" {
  count          = 2
  subnet_id      = aws_subnet.dms[count.index].id
  route_table_id = aws_route_table.dms.id
}

# ------------------------------------------------------- security groups --

resource "aws_security_group" "aurora" {
  name        = "${var.name}-aurora"
  description = "Aurora cluster"
  vpc_id      = aws_vpc.source.id
}

resource "aws_security_group" "nlb" {
  name        = "${var.name}-nlb"
  description = "Internal NLB in front of Aurora"
  vpc_id      = aws_vpc.source.id
}

resource "aws_security_group" "bastion" {
  name        = "${var.name}-bastion"
  description = "SSM-managed bastion"
  vpc_id      = aws_vpc.source.id
}

resource "aws_security_group" "ssm_endpoint" {
  name        = "${var.name}-ssm-endpoint"
  description = "SSM interface endpoint"
  vpc_id      = aws_vpc.source.id
}

resource "aws_security_group" "dms" {
  name        = "${var.name}-dms"
  description = "DMS replication instance"
  vpc_id      = aws_vpc.dms.id
}

resource "aws_security_group" "privatelink" {
  name        = "${var.name}-privatelink"
  description = "Interface endpoint to the Aurora endpoint service"
  vpc_id      = aws_vpc.dms.id
}

resource "aws_vpc_security_group_ingress_rule" "aurora_from_nlb" {
  security_group_id            = aws_security_group.aurora.id
  referenced_security_group_id = aws_security_group.nlb.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "PostgreSQL from the NLB"
}

resource "aws_vpc_security_group_ingress_rule" "nlb_from_vpc" {
  security_group_id = aws_security_group.nlb.id
  cidr_ipv4         = aws_vpc.source.cidr_block
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  description       = "PostgreSQL from PrivateLink ENIs"
}

resource "aws_vpc_security_group_ingress_rule" "ssm_endpoint_https" {
  security_group_id = aws_security_group.ssm_endpoint.id
  cidr_ipv4         = aws_vpc.source.cidr_block
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_ingress_rule" "privatelink_from_dms" {
  security_group_id            = aws_security_group.privatelink.id
  referenced_security_group_id = aws_security_group.dms.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_vpc_security_group_egress_rule" "nlb_to_aurora" {
  security_group_id            = aws_security_group.nlb.id
  referenced_security_group_id = aws_security_group.aurora.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_vpc_security_group_egress_rule" "bastion_https" {
  security_group_id = aws_security_group.bastion.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "bastion_s3" {
  security_group_id = aws_security_group.bastion.id
  prefix_list_id    = aws_vpc_endpoint.s3.prefix_list_id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "HTTPS to S3 through the gateway endpoint"
}

resource "aws_vpc_security_group_egress_rule" "dms_all" {
  security_group_id = aws_security_group.dms.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

# ------------------------------------------------------------- endpoints --

resource "aws_vpc_endpoint" "ssm" {
  vpc_id              = aws_vpc.source.id
  service_name        = "com.amazonaws.${local.region}.ssm"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.source[*].id
  security_group_ids  = [aws_security_group.ssm_endpoint.id]
  tags                = { Name = "${var.name}-ssm" }
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.source.id
  service_name      = "com.amazonaws.${local.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.source.id]
  tags              = { Name = "${var.name}-s3" }
}

# -------------------------------------------------------------------- kms --

data "aws_iam_policy_document" "kms" {
  statement {
    sid       = "AccountAdmin"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root"]
    }
  }
  statement {
    sid       = "CloudWatchLogs"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "lab" {
  description             = "${var.name} lab key"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.aws_iam_policy_document.kms.json
}

resource "aws_kms_alias" "lab" {
  name          = "alias/${var.name}-lab"
  target_key_id = aws_kms_key.lab.key_id
}

# ---------------------------------------------------------------- aurora --

resource "aws_rds_cluster_parameter_group" "aurora" {
  name        = "${var.name}-aurora-pg16"
  family      = "aurora-postgresql16"
  description = "Logical replication for DMS CDC"

  parameter {
    name         = "rds.logical_replication"
    value        = "1"
    apply_method = "pending-reboot"
  }
  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "pending-reboot"
  }
}

resource "aws_db_subnet_group" "aurora" {
  name       = "${var.name}-aurora"
  subnet_ids = aws_subnet.source[*].id
}

resource "aws_rds_cluster" "aurora" {
  cluster_identifier                  = "${var.name}-aurora"
  engine                              = "aurora-postgresql"
  engine_mode                         = "provisioned"
  engine_version                      = "16.6"
  database_name                       = "labdb"
  master_username                     = "labadmin"
  manage_master_user_password         = true
  master_user_secret_kms_key_id       = aws_kms_key.lab.arn
  storage_encrypted                   = true
  kms_key_id                          = aws_kms_key.lab.arn
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql"]
  backup_retention_period             = 1
  preferred_backup_window             = "03:00-04:00"
  preferred_maintenance_window        = "sun:05:00-sun:06:00"
  skip_final_snapshot                 = true
  deletion_protection                 = false
  db_subnet_group_name                = aws_db_subnet_group.aurora.name
  vpc_security_group_ids              = [aws_security_group.aurora.id]
  db_cluster_parameter_group_name     = aws_rds_cluster_parameter_group.aurora.name
}

resource "aws_rds_cluster_instance" "aurora" {
  identifier                   = "${var.name}-aurora-1"
  cluster_identifier           = aws_rds_cluster.aurora.id
  instance_class               = "db.t4g.medium"
  engine                       = aws_rds_cluster.aurora.engine
  engine_version               = aws_rds_cluster.aurora.engine_version
  db_subnet_group_name         = aws_db_subnet_group.aurora.name
  performance_insights_enabled = false
  publicly_accessible          = false
  ca_cert_identifier           = "rds-ca-rsa2048-g1"
}

# ------------------------------------------------- NLB + endpoint service --

resource "aws_lb" "aurora" {
  name                             = "${var.name}-aurora-nlb"
  load_balancer_type               = "network"
  internal                         = true
  enable_cross_zone_load_balancing = true
  subnets                          = aws_subnet.source[*].id
  security_groups                  = [aws_security_group.nlb.id]

  # Access through PrivateLink is governed by the endpoint service's allowed
  # principals, not by the NLB security group's inbound rules.
  enforce_security_group_inbound_rules_on_private_link_traffic = "off"
}

resource "aws_lb_target_group" "aurora" {
  name                 = "${var.name}-aurora"
  port                 = 5432
  protocol             = "TCP"
  target_type          = "ip"
  vpc_id               = aws_vpc.source.id
  deregistration_delay = 30

  health_check {
    protocol            = "TCP"
    port                = "traffic-port"
    interval            = 10
    healthy_threshold   = 3
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener" "aurora" {
  load_balancer_arn = aws_lb.aurora.arn
  port              = 5432
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.aurora.arn
  }
}

resource "aws_vpc_endpoint_service" "aurora" {
  acceptance_required        = false
  network_load_balancer_arns = [aws_lb.aurora.arn]
  tags                       = { Name = "${var.name}-aurora" }
}

resource "aws_vpc_endpoint_service_allowed_principal" "self" {
  vpc_endpoint_service_id = aws_vpc_endpoint_service.aurora.id
  principal_arn           = "arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root"
}

resource "aws_vpc_endpoint" "aurora" {
  vpc_id             = aws_vpc.dms.id
  service_name       = aws_vpc_endpoint_service.aurora.service_name
  vpc_endpoint_type  = "Interface"
  subnet_ids         = aws_subnet.dms[*].id
  security_group_ids = [aws_security_group.privatelink.id]
  tags               = { Name = "${var.name}-aurora-privatelink" }

  depends_on = [aws_vpc_endpoint_service_allowed_principal.self]
}

# ------------------------------------------------------------ secrets/iam --

resource "aws_secretsmanager_secret" "source" {
  name                    = "${var.name}/dms/source"
  kms_key_id              = aws_kms_key.lab.arn
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_version" "source" {
  secret_id = aws_secretsmanager_secret.source.id
  secret_string = jsonencode({
    engine   = "aurora-postgresql"
    host     = aws_vpc_endpoint.aurora.dns_entry[0].dns_name
    port     = 5432
    username = "dms_user"
    password = "not-a-real-password"
  })
}

data "aws_iam_policy_document" "dms_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["dms.amazonaws.com", "dms.${local.region}.amazonaws.com"]
    }
  }
}

# DMS requires this exact role name for its VPC management.
resource "aws_iam_role" "dms_vpc" {
  name               = "dms-vpc-role"
  assume_role_policy = data.aws_iam_policy_document.dms_assume.json
}

resource "aws_iam_role_policy_attachment" "dms_vpc" {
  role       = aws_iam_role.dms_vpc.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonDMSVPCManagementRole"
}

resource "aws_iam_role" "dms_secrets" {
  name               = "${var.name}-dms-secrets"
  assume_role_policy = data.aws_iam_policy_document.dms_assume.json
}

resource "aws_iam_role_policy" "dms_secrets" {
  name = "read-source-secret"
  role = aws_iam_role.dms_secrets.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
        Resource = [aws_secretsmanager_secret.source.arn, aws_rds_cluster.aurora.master_user_secret[0].secret_arn]
      },
      {
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = [aws_kms_key.lab.arn]
      },
    ]
  })
}

resource "aws_iam_role" "bastion" {
  name = "${var.name}-bastion"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "bastion_ssm" {
  role       = aws_iam_role.bastion.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "bastion" {
  name = "${var.name}-bastion"
  role = aws_iam_role.bastion.name
}

# -------------------------------------------------------------------- dms --

resource "aws_dms_replication_subnet_group" "lab" {
  replication_subnet_group_id          = "${var.name}-dms"
  replication_subnet_group_description = "DMS subnets"
  subnet_ids                           = aws_subnet.dms[*].id

  depends_on = [aws_iam_role_policy_attachment.dms_vpc]
}

resource "aws_dms_replication_instance" "lab" {
  replication_instance_id     = "${var.name}-dms"
  replication_instance_class  = "dms.t3.medium"
  allocated_storage           = 50
  engine_version              = "3.5.4"
  publicly_accessible         = false
  multi_az                    = false
  kms_key_arn                 = aws_kms_key.lab.arn
  replication_subnet_group_id = aws_dms_replication_subnet_group.lab.id
  vpc_security_group_ids      = [aws_security_group.dms.id]
  apply_immediately           = true
}

resource "aws_dms_endpoint" "source" {
  endpoint_id                     = "${var.name}-source"
  endpoint_type                   = "source"
  engine_name                     = "aurora-postgresql"
  database_name                   = "labdb"
  ssl_mode                        = "require"
  secrets_manager_arn             = aws_secretsmanager_secret.source.arn
  secrets_manager_access_role_arn = aws_iam_role.dms_secrets.arn

  depends_on = [aws_iam_role_policy.dms_secrets]
}

resource "aws_dms_endpoint" "target" {
  endpoint_id                     = "${var.name}-target"
  endpoint_type                   = "target"
  engine_name                     = "postgres"
  database_name                   = "labdb_copy"
  ssl_mode                        = "require"
  secrets_manager_arn             = aws_secretsmanager_secret.source.arn
  secrets_manager_access_role_arn = aws_iam_role.dms_secrets.arn

  depends_on = [aws_iam_role_policy.dms_secrets]
}

resource "aws_dms_replication_task" "lab" {
  replication_task_id      = "${var.name}-task"
  migration_type           = "full-load-and-cdc"
  replication_instance_arn = aws_dms_replication_instance.lab.replication_instance_arn
  source_endpoint_arn      = aws_dms_endpoint.source.endpoint_arn
  target_endpoint_arn      = aws_dms_endpoint.target.endpoint_arn
  start_replication_task   = false

  table_mappings = jsonencode({
    rules = [{
      "rule-type"      = "selection"
      "rule-id"        = "1"
      "rule-name"      = "include-public"
      "object-locator" = { "schema-name" = "public", "table-name" = "%" }
      "rule-action"    = "include"
    }]
  })

  replication_task_settings = jsonencode({
    TargetMetadata = {
      TargetSchema       = ""
      SupportLobs        = true
      FullLobMode        = false
      LobChunkSize       = 64
      LimitedSizeLobMode = true
      LobMaxSize         = 32
    }
    FullLoadSettings = {
      TargetTablePrepMode = "DO_NOTHING"
    }
    Logging = {
      EnableLogging = true
    }
  })
}

resource "aws_sns_topic" "alerts" {
  name              = "${var.name}-alerts"
  kms_master_key_id = aws_kms_key.lab.arn
}

resource "aws_dms_event_subscription" "lab" {
  name             = "${var.name}-dms-events"
  enabled          = true
  sns_topic_arn    = aws_sns_topic.alerts.arn
  source_type      = "replication-instance"
  source_ids       = [aws_dms_replication_instance.lab.replication_instance_id]
  event_categories = ["failure", "configuration change"]
}

# ---------------------------------------------------------------- bastion --

data "aws_ssm_parameter" "al2023" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

resource "aws_instance" "bastion" {
  ami                         = data.aws_ssm_parameter.al2023.value
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.source[0].id
  vpc_security_group_ids      = [aws_security_group.bastion.id]
  iam_instance_profile        = aws_iam_instance_profile.bastion.name
  associate_public_ip_address = false
  user_data                   = <<-EOT
    #!/bin/bash
    dnf install -y postgresql16
  EOT

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  root_block_device {
    encrypted   = true
    kms_key_id  = aws_kms_key.lab.arn
    volume_size = 8
    volume_type = "gp3"
  }

  tags = { Name = "${var.name}-bastion" }
}

# ------------------------------------------------------ lambda + events --

resource "aws_cloudwatch_log_group" "lambda" {
  name              = "/aws/lambda/${var.name}-watcher"
  retention_in_days = 7
  kms_key_id        = aws_kms_key.lab.arn
}

resource "aws_iam_role" "lambda" {
  name = "${var.name}-watcher"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "lambda" {
  name = "watcher"
  role = aws_iam_role.lambda.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.lambda.arn}:*"
      },
      {
        Effect   = "Allow"
        Action   = ["dms:DescribeReplicationTasks", "ssm:PutParameter"]
        Resource = "*"
      },
    ]
  })
}

resource "aws_lambda_function" "watcher" {
  function_name    = "${var.name}-watcher"
  role             = aws_iam_role.lambda.arn
  runtime          = "nodejs20.x"
  handler          = "index.handler"
  filename         = var.lambda_zip
  source_code_hash = filebase64sha256(var.lambda_zip)
  timeout          = 30
  memory_size      = 128

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.lambda.name
  }

  environment {
    variables = {
      TASK_ARN   = aws_dms_replication_task.lab.replication_task_arn
      PARAM_NAME = aws_ssm_parameter.status.name
    }
  }

  depends_on = [aws_cloudwatch_log_group.lambda, aws_iam_role_policy.lambda]
}

resource "aws_cloudwatch_event_rule" "cluster_events" {
  name        = "${var.name}-cluster-events"
  description = "Aurora cluster events"
  event_pattern = jsonencode({
    source        = ["aws.rds"]
    "detail-type" = ["RDS DB Cluster Event"]
    detail        = { SourceIdentifier = [aws_rds_cluster.aurora.cluster_identifier] }
  })
}

resource "aws_cloudwatch_event_rule" "schedule" {
  name                = "${var.name}-schedule"
  description         = "Periodic task status check"
  schedule_expression = "rate(5 minutes)"
}

resource "aws_cloudwatch_event_target" "cluster_events" {
  rule      = aws_cloudwatch_event_rule.cluster_events.name
  target_id = "watcher"
  arn       = aws_lambda_function.watcher.arn
}

resource "aws_cloudwatch_event_target" "schedule" {
  rule      = aws_cloudwatch_event_rule.schedule.name
  target_id = "watcher"
  arn       = aws_lambda_function.watcher.arn
}

resource "aws_lambda_permission" "cluster_events" {
  statement_id  = "AllowClusterEvents"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.watcher.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.cluster_events.arn
}

resource "aws_lambda_permission" "schedule" {
  statement_id  = "AllowSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.watcher.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.schedule.arn
}

resource "aws_lambda_invocation" "smoke" {
  function_name = aws_lambda_function.watcher.function_name
  input = jsonencode({
    source        = "smoke"
    "detail-type" = "Smoke Test"
    detail        = { taskArn = aws_dms_replication_task.lab.replication_task_arn }
  })
}

# ------------------------------------------------------- observability --

resource "aws_cloudwatch_metric_alarm" "cdc_latency" {
  alarm_name          = "${var.name}-cdc-latency-source"
  namespace           = "AWS/DMS"
  metric_name         = "CDCLatencySource"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  threshold           = 300
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]

  dimensions = {
    ReplicationInstanceIdentifier = aws_dms_replication_instance.lab.replication_instance_id
    ReplicationTaskIdentifier     = aws_dms_replication_task.lab.replication_task_id
  }
}

resource "aws_ssm_parameter" "status" {
  name  = "/${var.name}/dms/status"
  type  = "String"
  value = "initialised"
}

output "lambda_result" {
  value = jsondecode(aws_lambda_invocation.smoke.result)
}

output "endpoint_service_name" {
  value = aws_vpc_endpoint_service.aurora.service_name
}
