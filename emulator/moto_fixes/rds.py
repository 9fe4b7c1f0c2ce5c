"""Corrections to moto's RDS where it departs from AWS."""

from __future__ import annotations

from typing import Any

from .registry import patch


@patch
def rds_no_scaling_configuration_for_provisioned() -> None:
    """AWS returns ScalingConfigurationInfo only for engine_mode=serverless
    (v1) clusters; moto always returns one (all fields null), which the
    provider reads as a `scaling_configuration` block on a provisioned Aurora
    cluster -> perpetual diff. Seen with moto 5.2.1."""
    from moto.rds.models import DBCluster

    original = DBCluster.scaling_configuration_info.fget

    def scaling_configuration_info(self: Any) -> Any:
        if not self.scaling_configuration:
            return None
        return original(self)

    DBCluster.scaling_configuration_info = property(scaling_configuration_info)


@patch
def rds_aurora_storage_types() -> None:
    """AWS accepts storage_type "aurora" (Standard) and "aurora-iopt1"
    (I/O-Optimized) for Aurora clusters; moto's CreateDBCluster raises
    KeyError (HTTP 500) for both, and the provider retries until its timeout.
    Seen with moto 5.2.1."""
    from moto.rds.models import DBCluster

    original = DBCluster.default_allocated_storage

    def default_allocated_storage(engine: str, storage_type: str) -> int:
        if engine.startswith("aurora") and storage_type in ("aurora", "aurora-iopt1"):
            return 1
        return original(engine, storage_type)

    DBCluster.default_allocated_storage = staticmethod(default_allocated_storage)


@patch
def rds_default_ca_certificate() -> None:
    """AWS gives a new DB instance the CA rds-ca-rsa2048-g1 by default; moto
    reports `rds-ca-default`, so a config that sets
    ca_cert_identifier = "rds-ca-rsa2048-g1" makes the provider issue a
    ModifyDBInstance right after create and then wait (minutes) for an
    update that AWS would not have needed. Seen with moto 5.2.1."""
    from moto.rds.models import DBInstance

    original = DBInstance.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if self.ca_certificate_identifier in (None, "rds-ca-default"):
            self.ca_certificate_identifier = "rds-ca-rsa2048-g1"

    DBInstance.__init__ = __init__
