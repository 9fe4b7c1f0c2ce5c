"""The emulator's HTTP layer: moto's WSGI app behind one request at a time, with a retried SDK call answered once,
and a read-only listing of the PostgreSQL servers behind the clusters and the directory of their data."""

from __future__ import annotations

import json
import os
import sys
import threading
from typing import Any, Callable
from urllib.parse import parse_qs

# Held while one API call runs (see serialized). Work that must wait until the call that caused it has
# answered (EventBridge's asynchronous delivery to Lambda, moto_fixes/events.py) takes it once first.
REQUEST_LOCK = threading.Lock()


def serialized(app: Any) -> Any:
    """AWS applies each API call atomically; moto's backends are plain Python objects that
    concurrent requests mutate without locks. Terraform sends many calls at once, and security
    group rules then came back wrong. One request at a time restores the atomicity. Lambda
    invocations are exempt: the function calls back into the emulator while it runs.

    A retried call is answered once: AWS SDKs resend a call whose answer they did not get (same
    `amz-sdk-invocation-id`, next `amz-sdk-request: attempt=N`), and AWS makes such retries safe
    (CreateTargetGroup and friends are idempotent, others take client tokens). moto ran the retry
    again and answered InvalidPermission.Duplicate / DuplicateTargetGroupName, failing applies on
    a loaded machine. The first answer is kept per invocation id and replayed to its retries.
    Seen with moto 5.2.1."""
    from collections import OrderedDict

    lock = REQUEST_LOCK
    answers: OrderedDict[str, tuple[str, list, list[bytes]]] = OrderedDict()

    def wsgi(environ: dict, start_response: Callable) -> Any:
        path = environ.get("PATH_INFO", "")
        if "/functions/" in path and path.endswith("/invocations"):
            return app(environ, start_response)
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        with lock:
            if invocation and invocation in answers:
                status, headers, body = answers[invocation]
                print(
                    f"replayed the answer to a retried call ({environ.get('HTTP_AMZ_SDK_REQUEST', '')}, {path})",
                    file=sys.stderr,
                    flush=True,
                )
                start_response(status, headers)
                return body
            captured: dict[str, Any] = {}

            def capture(status: str, headers: list, exc_info: Any = None) -> Any:
                captured["status"], captured["headers"] = status, headers
                return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

            # Materialise the body inside the lock: moto builds responses lazily.
            body = list(app(environ, capture))
            if invocation and not captured.get("status", "5").startswith("5"):
                answers[invocation] = (captured["status"], captured["headers"], body)
                while len(answers) > 5000:
                    answers.popitem(last=False)
            return body

    return wsgi


POSTGRES_SERVERS_PATH = "/_emulator/postgres-servers"
RESOLVE_PATH = "/_emulator/resolve"


def postgres_servers_listing() -> list[dict[str, Any]]:
    """Where each cluster's PostgreSQL server is, for people and tests on the host: no passwords."""
    from .rds import postgres_servers

    return [
        {
            "cluster_id": info.cluster_id,
            "address": info.address,
            "port": info.port,
            "dns_names": list(info.dns_names),
            "master_username": info.master_username,
            "database_name": info.database_name,
            "ca_bundle_path": info.ca_bundle_path,
        }
        for info in postgres_servers().servers()
    ]


def postgres_directory() -> str | None:
    """The directory holding the servers' data directories and the CA (None before the first server)."""
    from .rds import postgres_servers

    return postgres_servers().directory


def name_resolution(query: str) -> tuple[str, dict[str, Any]]:
    """GET /_emulator/resolve?host=<name>&port=5432: where the name leads (dataplane/names.py), as JSON."""
    from dataplane.names import POSTGRES_PORT, resolve

    params = parse_qs(query)
    host = (params.get("host") or [""])[0]
    port_text = (params.get("port") or [str(POSTGRES_PORT)])[0]
    if not host or not port_text.isdigit():
        return "400 Bad Request", {"reason": "give host=<DNS name> and optionally port=<number>"}
    resolution = resolve(host, int(port_text))
    if resolution is None:
        return "404 Not Found", {
            "host": host,
            "port": int(port_text),
            "address": None,
            "reason": "neither an interface endpoint's nor an RDS endpoint's name",
        }
    return "200 OK", resolution.as_json()


def with_data_plane_listing(app: Any) -> Any:
    """Answers GET /_emulator/postgres-servers and GET /_emulator/resolve (JSON, read-only) itself and
    passes everything else to `app`."""

    def wsgi(environ: dict, start_response: Callable) -> Any:
        path = environ.get("PATH_INFO")
        if path not in (POSTGRES_SERVERS_PATH, RESOLVE_PATH):
            return app(environ, start_response)
        if environ.get("REQUEST_METHOD") != "GET":
            start_response("405 Method Not Allowed", [("Allow", "GET"), ("Content-Length", "0")])
            return [b""]
        if path == RESOLVE_PATH:
            status, answer = name_resolution(environ.get("QUERY_STRING", ""))
        else:
            status, answer = "200 OK", {"servers": postgres_servers_listing(), "directory": postgres_directory()}
        body = json.dumps(answer, indent=2).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return wsgi


def make_emulator_server(host: str, port: int) -> Any:
    """moto's server app, serialized, bound to host:port (0 = a free port) and not yet serving.
    Import moto only after the environment is prepared and the corrections are applied."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    app = with_data_plane_listing(serialized(DomainDispatcherApplication(create_backend_app)))
    server = make_server(host, port, app, threaded=True)
    # moto uses MOTO_PORT to build self-referencing URLs (and the Lambda correction passes it to
    # handlers), so it must be the real port.
    os.environ["MOTO_PORT"] = str(server.server_address[1])
    return server
