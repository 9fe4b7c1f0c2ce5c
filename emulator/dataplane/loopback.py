"""Loopback addresses for the emulator's database servers: a /24 per manager, an address per server, port 5432.

On AWS every cluster endpoint listens on 5432, each at its own address. Locally the whole of
127.0.0.0/8 belongs to the loopback interface on Linux, so each server gets its own address and
keeps the real port. Several emulators run side by side (the integration tier starts 4-5), so
each manager claims a block of its own: it holds a TCP socket bound to the block's `.0` address
on port 5432. Binding is atomic and exclusive, so two managers can never claim the same block,
and the kernel drops the claim when the process dies, however it dies. Before a server takes an
address the manager also checks that nothing listens there, in case a server of a killed
emulator is still up.
"""

from __future__ import annotations

import socket

PORT = 5432
# Blocks come from 127.64.0.0 - 127.127.255.0, away from 127.0.0.1 (localhost) and 127.0.1.1
# (Debian's hostname address), where a system PostgreSQL may listen.
FIRST_SECOND_OCTET = 64
BLOCK_COUNT = 64 * 256
HOSTS_PER_BLOCK = 254
# How many blocks to try before concluding that port 5432 is taken on every address.
CLAIM_ATTEMPTS = 64


class NoFreeAddress(RuntimeError):
    """No loopback address is free for another server."""


def block_prefix(index: int) -> str:
    """The first three octets of block `index` (0 <= index < BLOCK_COUNT), e.g. `127.64.3`."""
    return f"127.{FIRST_SECOND_OCTET + index // 256}.{index % 256}"


class AddressBlock:
    """A /24 of loopback addresses that this process holds for as long as the block is not released."""

    def __init__(self, prefix: str, claim: socket.socket) -> None:
        self.prefix = prefix
        self._claim = claim

    @property
    def cidr(self) -> str:
        return f"{self.prefix}.0/24"

    def free_address(self, in_use: set[str]) -> str:
        """The lowest address of the block that is neither in `in_use` nor listened on by anyone else."""
        for host in range(1, HOSTS_PER_BLOCK + 1):
            address = f"{self.prefix}.{host}"
            if address not in in_use and can_listen(address, PORT):
                return address
        raise NoFreeAddress(f"every address of {self.cidr} already has a server on port {PORT}")

    def release(self) -> None:
        self._claim.close()


def claim_block(seed: int) -> AddressBlock:
    """Claims the first free block from the one `seed` (e.g. the process id) points at.

    Deriving the starting block from the pid spreads concurrent emulators over different blocks,
    so they rarely even try the same one; when they do, the bind decides.
    """
    for attempt in range(CLAIM_ATTEMPTS):
        prefix = block_prefix((seed + attempt) % BLOCK_COUNT)
        claim = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            claim.bind((f"{prefix}.0", PORT))
        except OSError:
            claim.close()
            continue
        return AddressBlock(prefix, claim)
    raise NoFreeAddress(
        f"no free loopback block for PostgreSQL servers: port {PORT} was taken on {CLAIM_ATTEMPTS} blocks "
        f"from {block_prefix(seed % BLOCK_COUNT)}.0/24 on; is a server listening on 0.0.0.0:{PORT}?"
    )


def can_listen(address: str, port: int) -> bool:
    """Whether a server could listen on `address:port` now.

    SO_REUSEADDR as PostgreSQL sets it: connections of a stopped server in TIME_WAIT do not count,
    a listener does (on this address or on 0.0.0.0).
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError:
            return False
        return True
