"""Corrections to moto 5.2.1 where it departs from AWS, one module per AWS service.

Importing the package registers every correction (in the order of the modules below); none of
them imports moto until it is applied, because moto reads its environment when it is imported
(see environment.py). registry.py holds @patch and apply_patches(); server.py the HTTP layer.
"""

from . import awslambda, dms, ec2, elbv2, events, rds, route53, secretsmanager
from .registry import MOTO_VERSION, PATCHES, apply_patches, moto_version_problem, patch

__all__ = [
    "MOTO_VERSION",
    "PATCHES",
    "apply_patches",
    "awslambda",
    "dms",
    "ec2",
    "elbv2",
    "events",
    "moto_version_problem",
    "patch",
    "rds",
    "route53",
    "secretsmanager",
]
