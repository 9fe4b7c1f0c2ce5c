"""The environment moto needs for the lab, set before moto is first imported (moto reads it at import)."""

from __future__ import annotations

import os

EMULATOR_ENV = {
    # aws_iam_role_policy_attachment to arn:aws:iam::aws:policy/... needs the
    # AWS-managed policies to exist.
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
    # The AMI that /aws/service/ami-amazon-linux-latest/... points at must exist.
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "true",
    # Image-based Lambda functions: accept ECR image URIs without a registry.
    "MOTO_LAMBDA_STUB_ECR": "true",
}


def prepare_environment() -> None:
    """Set EMULATOR_ENV where the caller has not set a value of its own."""
    for key, value in EMULATOR_ENV.items():
        os.environ.setdefault(key, value)
