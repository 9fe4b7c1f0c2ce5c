"""The RDS corrections, each shown as the AWS behaviour it restores."""

from __future__ import annotations

from typing import Any, Callable

import pytest


def create_cluster(rds: Any, identifier: str, **settings: Any) -> dict:
    return rds.create_db_cluster(
        DBClusterIdentifier=identifier,
        Engine="aurora-postgresql",
        EngineVersion="16.6",
        MasterUsername="postgres",
        MasterUserPassword="not-a-secret",
        **settings,
    )["DBCluster"]


@pytest.mark.correction("rds_no_scaling_configuration_for_provisioned")
def test_a_provisioned_cluster_has_no_scaling_configuration(
    aws: Callable[[str], Any], unique: Callable[[str], str]
) -> None:
    rds = aws("rds")
    name = unique("cluster")
    create_cluster(rds, name)

    cluster = rds.describe_db_clusters(DBClusterIdentifier=name)["DBClusters"][0]

    assert "ScalingConfigurationInfo" not in cluster


@pytest.mark.correction("rds_aurora_storage_types")
def test_aurora_storage_types_are_accepted(aws: Callable[[str], Any], unique: Callable[[str], str]) -> None:
    rds = aws("rds")

    standard = create_cluster(rds, unique("standard"), StorageType="aurora")
    optimized = create_cluster(rds, unique("optimized"), StorageType="aurora-iopt1")

    assert (standard["StorageType"], optimized["StorageType"]) == ("aurora", "aurora-iopt1")


@pytest.mark.correction("rds_default_ca_certificate")
def test_a_new_instance_gets_the_rsa2048_certificate_authority(
    aws: Callable[[str], Any], unique: Callable[[str], str]
) -> None:
    rds = aws("rds")
    cluster = unique("cluster")
    create_cluster(rds, cluster)

    instance = rds.create_db_instance(
        DBInstanceIdentifier=unique("writer"),
        DBClusterIdentifier=cluster,
        DBInstanceClass="db.t4g.medium",
        Engine="aurora-postgresql",
    )["DBInstance"]

    assert instance["CACertificateIdentifier"] == "rds-ca-rsa2048-g1"


@pytest.mark.correction("rds_instance_monitoring_settings")
def test_an_instance_reports_its_enhanced_monitoring_and_performance_insights(
    aws: Callable[[str], Any], unique: Callable[[str], str]
) -> None:
    rds = aws("rds")
    cluster = unique("cluster")
    create_cluster(rds, cluster)
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    role = "arn:aws:iam::123456789012:role/monitoring"
    plain = unique("plain")
    rds.create_db_instance(
        DBInstanceIdentifier=plain,
        DBClusterIdentifier=cluster,
        DBInstanceClass="db.r6g.large",
        Engine="aurora-postgresql",
    )
    watched = unique("watched")
    rds.create_db_instance(
        DBInstanceIdentifier=watched,
        DBClusterIdentifier=cluster,
        DBInstanceClass="db.r6g.large",
        Engine="aurora-postgresql",
        MonitoringInterval=60,
        MonitoringRoleArn=role,
        EnablePerformanceInsights=True,
        PerformanceInsightsKMSKeyId=key,
        PerformanceInsightsRetentionPeriod=7,
    )
    rds.modify_db_instance(
        DBInstanceIdentifier=plain, EnablePerformanceInsights=True, MonitoringInterval=30, MonitoringRoleArn=role
    )

    def described(identifier: str) -> dict:
        instance = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
        fields = (
            "MonitoringInterval",
            "MonitoringRoleArn",
            "PerformanceInsightsEnabled",
            "PerformanceInsightsKMSKeyId",
        )
        return {field: instance.get(field) for field in fields} | {
            "Retention": instance.get("PerformanceInsightsRetentionPeriod")
        }

    assert described(watched) == {
        "MonitoringInterval": 60,
        "MonitoringRoleArn": role,
        "PerformanceInsightsEnabled": True,
        "PerformanceInsightsKMSKeyId": key,
        "Retention": 7,
    }
    assert described(plain) == {
        "MonitoringInterval": 30,
        "MonitoringRoleArn": role,
        "PerformanceInsightsEnabled": True,
        "PerformanceInsightsKMSKeyId": None,
        "Retention": None,
    }
