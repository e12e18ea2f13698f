"""Loopback ports and multicast groups for tests: network in tests stays on 127.0.0.1."""

from __future__ import annotations

import random
import socket

LOOPBACK = "127.0.0.1"


def _free_port(kind: socket.SocketKind) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def free_udp_port() -> int:
    """A UDP port on the loopback interface that nothing is bound to right now."""
    return _free_port(socket.SOCK_DGRAM)


def free_tcp_port() -> int:
    """A TCP port on the loopback interface that nothing is bound to right now."""
    return _free_port(socket.SOCK_STREAM)


def random_group() -> str:
    """A random administratively scoped multicast group, so that tests running side by side
    do not hear each other's alarms."""
    return f"239.255.{random.randint(0, 255)}.{random.randint(1, 254)}"
