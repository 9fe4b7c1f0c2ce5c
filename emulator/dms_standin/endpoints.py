"""A DMS endpoint as DMS reads it, turned into libpq connection parameters.

Credentials: with `PostgreSQLSettings.SecretsManagerSecretId`, DMS assumes
`SecretsManagerAccessRoleArn` and reads the secret's AWSCURRENT value (JSON: host, port, username,
password, and optionally dbname). Here the role must exist and its trust policy must let
`dms.amazonaws.com` assume it; the role's permission policies are NOT evaluated (nor KMS key
policies), so a role that may not read the secret still works here. Without a secret, the
endpoint's own ServerName, Port, Username, Password and DatabaseName are used.

Route: the host is followed with dataplane.names.resolve from the replication instance's VPC (the
VPC of its subnet group, or the default VPC without one), as AWS routes it: a Route 53 private
hosted zone associated with that VPC answers first (a cluster endpoint name aliased to an
interface endpoint). An interface endpoint's name must belong to an endpoint in the instance's VPC:
DMS cannot reach an interface endpoint of another VPC. A cluster, reader or instance endpoint name
that no private zone answers leads to the cluster's server directly (VPC reachability of the
database itself is not checked). Any missing link fails with the resolution's reason.

TLS: SslMode none -> sslmode=disable (which the servers refuse, as RDS with rds.force_ssl=1),
require -> require, verify-ca / verify-full -> verified against the endpoint's CertificateArn (an
imported DMS certificate; without one the connection fails), with the one trust rule of
certificates.py: the vendored RDS CA bundle stands for the emulator's CA, any other certificate is
used as it is (and so fails against the emulator's servers, as a wrong CA fails on AWS). libpq gets
host=<name> and hostaddr=<address>, so verify-full checks the name DMS used against the server's
certificate, which carries the cluster's endpoint names: an interface endpoint's name is not in it,
and verify-full to the vpce name fails as on AWS, while the cluster endpoint through a private zone
passes.

Reads moto's backends in-process; call it only inside the emulator process, while the request is
being served (moto's backends take no locks).
"""

from __future__ import annotations

import json
from typing import Any

POSTGRES_ENGINES = ("postgres", "aurora-postgresql")
DMS_SERVICE_PRINCIPALS = ("dms.amazonaws.com",)
SSL_MODES = {"none": "disable", "require": "require", "verify-ca": "verify-ca", "verify-full": "verify-full"}
SECRET_KEYS = ("host", "port", "username", "password")


class EndpointError(Exception):
    """The endpoint cannot be turned into a connection; the message says why, as DMS would report it."""


def endpoint_connection_params(endpoint: Any, instance: Any, account_id: str, region: str) -> dict[str, Any]:
    """libpq parameters (host, hostaddr, port, user, password, dbname, sslmode[, sslrootcert]) for
    `endpoint` (moto's Endpoint) as seen from `instance` (moto's FakeReplicationInstance)."""
    engine = str(endpoint.engine_name or "").lower()
    if engine not in POSTGRES_ENGINES:
        raise EndpointError(
            f"Endpoint {endpoint.endpoint_identifier}: engine {endpoint.engine_name!r} is not emulated "
            f"(the DMS stand-in replicates {' and '.join(POSTGRES_ENGINES)} only)"
        )
    settings = endpoint.postgre_sql_settings or {}
    secret_id = settings.get("SecretsManagerSecretId")
    if secret_id:
        _check_access_role(settings.get("SecretsManagerAccessRoleArn"), account_id)
        secret = _secret_value(secret_id, account_id, region)
        host, port = str(secret["host"]), secret["port"]
        user, password = str(secret["username"]), str(secret["password"])
        dbname = endpoint.database_name or settings.get("DatabaseName") or secret.get("dbname")
    else:
        host, port = endpoint.server_name, endpoint.port
        user, password = endpoint.username, endpoint.password
        dbname = endpoint.database_name or settings.get("DatabaseName")
        missing = [name for name, value in (("ServerName", host), ("Port", port), ("Username", user)) if not value]
        if missing:
            raise EndpointError(f"Endpoint {endpoint.endpoint_identifier} has no {', '.join(missing)}")
    if not dbname:
        raise EndpointError(f"Endpoint {endpoint.endpoint_identifier} names no database (DatabaseName)")
    try:
        port = int(port)
    except (TypeError, ValueError):
        raise EndpointError(f"Endpoint {endpoint.endpoint_identifier}: port {port!r} is not a number") from None

    address, emulator_ca, cluster_id = _route(str(host), port, instance, account_id, region)
    if cluster_id and str(getattr(endpoint, "endpoint_type", "") or "").lower() == "source":
        _apply_rds_replication(cluster_id)
    ssl_mode = str(endpoint.ssl_mode or "none").lower()
    if ssl_mode not in SSL_MODES:
        raise EndpointError(f"Endpoint {endpoint.endpoint_identifier}: SslMode {endpoint.ssl_mode!r} is not valid")
    params: dict[str, Any] = {
        "host": str(host),
        "hostaddr": address,
        "port": port,
        "user": user,
        "password": password or "",
        "dbname": dbname,
        "sslmode": SSL_MODES[ssl_mode],
    }
    if ssl_mode in ("verify-ca", "verify-full"):
        params["sslrootcert"] = _root_certificate(endpoint, emulator_ca, account_id, region)
    return params


def _root_certificate(endpoint: Any, emulator_ca: str | None, account_id: str, region: str) -> str:
    """The sslrootcert file for a verifying endpoint: its imported certificate, under certificates.py's rule."""
    from moto.dms.models import dms_backends

    from .certificates import root_certificate_file

    arn = getattr(endpoint, "certificate_arn", None)
    if not arn:
        raise EndpointError(
            f"Endpoint {endpoint.endpoint_identifier}: SslMode {endpoint.ssl_mode} verifies the server against the "
            "endpoint's CA certificate, and it names none (CertificateArn)"
        )
    certificate = getattr(dms_backends[account_id][region], "_emu_certificates", {}).get(arn)
    if certificate is None:
        raise EndpointError(f"Endpoint {endpoint.endpoint_identifier}: certificate {arn} does not exist")
    try:
        return root_certificate_file(certificate.pem, emulator_ca)
    except ValueError as error:
        raise EndpointError(f"Endpoint {endpoint.endpoint_identifier}: {error}") from None


def _check_access_role(role_arn: str | None, account_id: str) -> None:
    """The access role exists and trusts DMS. Its permission policies are not evaluated."""
    from moto.iam.models import iam_backends

    if not role_arn:
        raise EndpointError("SecretsManagerSecretId is set but SecretsManagerAccessRoleArn is not")
    try:
        role = iam_backends[account_id]["global"].get_role_by_arn(role_arn)
    except Exception:
        raise EndpointError(f"Failed to assume role {role_arn}: the role does not exist") from None
    if not _trusts_dms(role.assume_role_policy_document):
        raise EndpointError(
            f"Failed to assume role {role_arn}: its trust policy does not allow dms.amazonaws.com to assume it"
        )


def _trusts_dms(document: Any) -> bool:
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return False
    statements = (document or {}).get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if not any(action in ("sts:AssumeRole", "sts:*", "*") for action in actions):
            continue
        principal = statement.get("Principal", {})
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        services = [services] if isinstance(services, str) else services
        if any(service in DMS_SERVICE_PRINCIPALS or service.startswith("dms.") for service in services):
            return True
    return False


def _secret_value(secret_id: str, account_id: str, region: str) -> dict[str, Any]:
    """The AWSCURRENT value of the secret as a JSON object with every key DMS needs."""
    from moto.secretsmanager.models import secretsmanager_backends

    backend = secretsmanager_backends[account_id][region]
    where = f"Failed to retrieve secret {secret_id}"
    try:
        value = backend.get_secret_value(secret_id, None, "AWSCURRENT")
    except Exception as error:
        message = getattr(error, "message", None) or str(error)
        if backend._is_valid_identifier(secret_id) and not backend.secrets[secret_id].versions:
            # A secret created without a value: AWS's answer (moto says the secret itself is missing).
            message = "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT"
        raise EndpointError(f"{where}: {message}") from None
    text = value.get("SecretString")
    if not text:
        raise EndpointError(f"{where}: the secret value is empty")
    try:
        secret = json.loads(text)
    except ValueError:
        raise EndpointError(f"{where}: the secret value is not a JSON object") from None
    if not isinstance(secret, dict):
        raise EndpointError(f"{where}: the secret value is not a JSON object")
    missing = [key for key in SECRET_KEYS if secret.get(key) in (None, "")]
    if missing:
        raise EndpointError(f"{where}: the secret has no {', '.join(repr(key) for key in missing)}")
    return secret


def _apply_rds_replication(cluster_id: str) -> None:
    """Before DMS connects to a source as its user: members of `rds_replication` get the REPLICATION attribute
    (PostgresServers.apply_rds_replication, the emulation of RDS's role). A failure here is logged; the
    connection then fails or succeeds on its own."""
    import sys

    try:
        from moto_fixes.rds import postgres_servers

        postgres_servers().apply_rds_replication(cluster_id)
    except Exception as exc:
        print(f"DMS stand-in: could not apply rds_replication on {cluster_id}: {exc}", file=sys.stderr, flush=True)


def _route(host: str, port: int, instance: Any, account_id: str, region: str) -> tuple[str, str | None, str | None]:
    """(server address, CA bundle, cluster id) of the server `host`:`port` leads to from the instance's VPC."""
    from dataplane.names import resolve

    instance_vpc = instance_vpc_id(instance, account_id, region)
    resolution = resolve(host, port, account_id, region, vpc_id=instance_vpc)
    if resolution is None:
        raise EndpointError(
            f"Cannot resolve host {host}: the emulator routes interface endpoint names, RDS endpoint names and "
            "the names of private hosted zones only"
        )
    through = next((step for step in resolution.chain if step.startswith("vpc endpoint ")), None)
    if through is not None:
        endpoint_id = through.split()[-1]
        endpoint_vpc = _vpc_endpoint_vpc(endpoint_id, account_id, region)
        if endpoint_vpc != instance_vpc:
            raise EndpointError(
                f"Cannot reach {host}:{port}: interface endpoint {endpoint_id} is in {endpoint_vpc}, the replication "
                f"instance {instance.id} in {instance_vpc}"
            )
    if resolution.address is None:
        raise EndpointError(f"Cannot reach {host}:{port}: {resolution.reason}")
    return resolution.address, resolution.ca_bundle_path, resolution.cluster_id


def _vpc_endpoint_vpc(endpoint_id: str, account_id: str, region: str) -> str | None:
    from moto.ec2.models import ec2_backends

    endpoint = ec2_backends[account_id][region].vpc_end_points.get(endpoint_id)
    return getattr(endpoint, "vpc_id", None)


def instance_vpc_id(instance: Any, account_id: str, region: str) -> str | None:
    """The VPC of the replication instance: its subnet group's, else the default VPC."""
    from moto.dms.models import dms_backends
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[account_id][region]
    group_id = getattr(instance, "replication_subnet_group_identifier", None)
    group = dms_backends[account_id][region].replication_subnet_groups.get(group_id) if group_id else None
    for subnet_id in getattr(group, "subnetIds", None) or []:
        try:
            return ec2.get_subnet(subnet_id).vpc_id
        except Exception:
            continue
    default = ec2.get_default_vpc()
    return default.id if default is not None else None
