"""The emulator's data plane: real servers behind emulated AWS resources (PostgreSQL for Aurora)."""

from .postgres import PostgresNotInstalled, PostgresServers, PostgresStartFailed, ServerInfo

__all__ = ["PostgresNotInstalled", "PostgresServers", "PostgresStartFailed", "ServerInfo"]
