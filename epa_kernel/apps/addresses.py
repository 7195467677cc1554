"""Whether a server's address reaches only this machine (loopback).

``epa serve`` and ``epa hub`` refuse other addresses without ``--allow-remote``; the kit's Voilà
compresses its scripts only beyond loopback (:mod:`epa_kernel.apps.static_gzip`).
"""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
