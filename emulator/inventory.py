#!/usr/bin/env python3
"""Lists what a deployment left in the emulator: every lab resource whose name, id or tag carries
the deployment's prefix. Prints JSON {"<kind>": [names...]}; an empty object means nothing is left.

Usage: python3 emulator/inventory.py --endpoint http://127.0.0.1:PORT --deployment local [--region us-east-1]
"""

from __future__ import annotations

import argparse
import json

import boto3


def inventory(endpoint: str, deployment: str, region: str) -> dict[str, list[str]]:
    def client(service: str):
        return boto3.client(
            service,
            endpoint_url=endpoint,
            region_name=region,
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    prefix = f"{deployment}-"
    found: dict[str, list[str]] = {}

    def add(kind: str, names: list[str]) -> None:
        names = sorted(n for n in names if n)
        if names:
            found[kind] = names

    def tagged(tags: list[dict] | None) -> bool:
        return any(t.get("Key") == "Deployment" and t.get("Value") == deployment for t in tags or [])

    ec2 = client("ec2")
    add("vpcs", [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if tagged(v.get("Tags"))])
    add(
        "vpc_endpoints",
        [
            e["VpcEndpointId"]
            for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]
            if tagged(e.get("Tags")) and e.get("State") not in ("deleted", "deleting")
        ],
    )
    add(
        "endpoint_services",
        [
            s["ServiceId"]
            for s in ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
            if tagged(s.get("Tags"))
        ],
    )
    add(
        "security_groups",
        [g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"] if g["GroupName"].startswith(prefix)],
    )
    add(
        "instances",
        [
            i["InstanceId"]
            for r in ec2.describe_instances()["Reservations"]
            for i in r["Instances"]
            if tagged(i.get("Tags")) and i["State"]["Name"] != "terminated"
        ],
    )

    rds = client("rds")
    add(
        "db_clusters",
        [
            c["DBClusterIdentifier"]
            for c in rds.describe_db_clusters()["DBClusters"]
            if c["DBClusterIdentifier"].startswith(prefix)
        ],
    )
    add(
        "db_instances",
        [
            i["DBInstanceIdentifier"]
            for i in rds.describe_db_instances()["DBInstances"]
            if i["DBInstanceIdentifier"].startswith(prefix)
        ],
    )
    add(
        "db_subnet_groups",
        [
            g["DBSubnetGroupName"]
            for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]
            if g["DBSubnetGroupName"].startswith(prefix)
        ],
    )
    add(
        "db_cluster_parameter_groups",
        [
            g["DBClusterParameterGroupName"]
            for g in rds.describe_db_cluster_parameter_groups()["DBClusterParameterGroups"]
            if g["DBClusterParameterGroupName"].startswith(prefix)
        ],
    )

    elbv2 = client("elbv2")
    add(
        "load_balancers",
        [
            lb["LoadBalancerName"]
            for lb in elbv2.describe_load_balancers()["LoadBalancers"]
            if lb["LoadBalancerName"].startswith(prefix)
        ],
    )
    add(
        "target_groups",
        [
            tg["TargetGroupName"]
            for tg in elbv2.describe_target_groups()["TargetGroups"]
            if tg["TargetGroupName"].startswith(prefix)
        ],
    )

    dms = client("dms")
    add(
        "dms_instances",
        [
            i["ReplicationInstanceIdentifier"]
            for i in dms.describe_replication_instances()["ReplicationInstances"]
            if i["ReplicationInstanceIdentifier"].startswith(prefix)
        ],
    )
    add(
        "dms_endpoints",
        [
            e["EndpointIdentifier"]
            for e in dms.describe_endpoints()["Endpoints"]
            if e["EndpointIdentifier"].startswith(prefix)
        ],
    )
    add(
        "dms_tasks",
        [
            t["ReplicationTaskIdentifier"]
            for t in dms.describe_replication_tasks()["ReplicationTasks"]
            if t["ReplicationTaskIdentifier"].startswith(prefix)
        ],
    )
    add(
        "dms_subnet_groups",
        [
            g["ReplicationSubnetGroupIdentifier"]
            for g in dms.describe_replication_subnet_groups()["ReplicationSubnetGroups"]
            if g["ReplicationSubnetGroupIdentifier"].startswith(prefix)
        ],
    )

    secrets = client("secretsmanager")
    add(
        "secrets",
        [
            s["Name"]
            for s in secrets.list_secrets(IncludePlannedDeletion=True)["SecretList"]
            if s["Name"].startswith(f"{deployment}/") or s["Name"].startswith(prefix)
        ],
    )

    kms = client("kms")
    aliases = [a["AliasName"] for a in kms.list_aliases()["Aliases"] if a["AliasName"].startswith(f"alias/{prefix}")]
    add("kms_aliases", aliases)

    iam = client("iam")
    add("iam_roles", [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(prefix)])
    add(
        "instance_profiles",
        [
            p["InstanceProfileName"]
            for p in iam.list_instance_profiles()["InstanceProfiles"]
            if p["InstanceProfileName"].startswith(prefix)
        ],
    )

    lam = client("lambda")
    add(
        "lambda_functions",
        [f["FunctionName"] for f in lam.list_functions()["Functions"] if f["FunctionName"].startswith(prefix)],
    )
    events = client("events")
    add("event_rules", [r["Name"] for r in events.list_rules()["Rules"] if r["Name"].startswith(prefix)])
    logs = client("logs")
    add(
        "log_groups",
        [
            g["logGroupName"]
            for g in logs.describe_log_groups()["logGroups"]
            if f"/{prefix}" in g["logGroupName"] or g["logGroupName"].startswith(prefix)
        ],
    )

    sns = client("sns")
    add(
        "sns_topics",
        [t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].rsplit(":", 1)[-1].startswith(prefix)],
    )
    cloudwatch = client("cloudwatch")
    add(
        "alarms",
        [a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"] if a["AlarmName"].startswith(prefix)],
    )
    ssm = client("ssm")
    add(
        "ssm_parameters",
        [p["Name"] for p in ssm.describe_parameters()["Parameters"] if p["Name"].startswith(f"/{deployment}/")],
    )
    add(
        "dms_certificates",
        [
            c["CertificateIdentifier"]
            for c in dms.describe_certificates()["Certificates"]
            if c["CertificateIdentifier"].startswith(prefix)
        ],
    )
    route53 = client("route53")
    add("hosted_zones", [z["Name"] for z in route53.list_hosted_zones()["HostedZones"] if z["Name"].startswith(prefix)])
    owned = ssm.list_documents(Filters=[{"Key": "Owner", "Values": ["Self"]}])["DocumentIdentifiers"]
    add("ssm_documents", [d["Name"] for d in owned if d["Name"].startswith(prefix)])
    add("flow_logs", [f["FlowLogId"] for f in ec2.describe_flow_logs()["FlowLogs"] if tagged(f.get("Tags"))])
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--deployment", required=True)
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args()
    print(json.dumps(inventory(args.endpoint, args.deployment, args.region), indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
