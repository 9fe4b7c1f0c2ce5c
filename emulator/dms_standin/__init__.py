"""The DMS stand-in: what AWS DMS does on the data plane, behind moto's DMS records.

- endpoints.py    a DMS endpoint as DMS reads it: its secret (or its own settings), the host's route
                  from the replication instance's VPC, TLS -> libpq connection parameters
- connections.py  TestConnection / DescribeConnections: a real connection per (instance, endpoint)
- tasks.py        one ReplicationTaskRunner (dataplane/replication.py) per task ARN: start, stop,
                  resume, reload, describe, table statistics, delete

moto_fixes/dms.py wires these into moto's DMS API. No module here imports moto at its top: moto
reads its environment when it is first imported.
"""

from .connections import ConnectionRecord, connection_tests
from .endpoints import EndpointError, endpoint_connection_params
from .tasks import TaskRegistry, task_registry

__all__ = [
    "ConnectionRecord",
    "EndpointError",
    "TaskRegistry",
    "connection_tests",
    "endpoint_connection_params",
    "task_registry",
]
