"""Diagnoses a TLS handshake refused over a certificate.

gRPC reports such a handshake like a server that is down (``UNAVAILABLE``, "Endpoint read
failed"): under TLS 1.3 the server's alert (e.g. ``certificate_required`` when this client has no
certificate under mutual TLS) arrives after the client considers the handshake done, and gRPC's
status does not carry it. When a TLS channel fails that way, the client repeats the handshake once
with Python's ``ssl`` module and the same files, which reports the alert.
"""

from __future__ import annotations

import re
import socket
import ssl
from typing import Optional, Tuple

#: TLS alerts and verification errors about certificates, as OpenSSL, BoringSSL and gRPC word them.
CERTIFICATE_PROBLEM = re.compile(
    r"certificate[_ ]required|bad[_ ]certificate|unknown[_ ]ca|certificate[_ ]unknown|certificate[_ ]expired"
    r"|certificate[_ ]revoked|unsupported[_ ]certificate|certificate[_ ]verify[_ ]failed|access[_ ]denied")
#: The HTTP/2 client preface and an empty SETTINGS frame: the first bytes a gRPC client sends.
_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


def split_target(target: str) -> Optional[Tuple[str, int]]:
    """(host, port) of a "host:port", "[v6]:port" or "dns:///host:port" target, or None."""
    if target.startswith("dns:///"):
        target = target[len("dns:///"):]
    match = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\]:(\d{1,5})|([^:/\[\]]+):(\d{1,5})", target)
    if not match:
        return None
    host = match.group(1) or match.group(3)
    port = int(match.group(2) or match.group(4))
    return (host, port) if 0 < port < 65536 else None


def probe(target: str, ca: Optional[str], cert: Optional[str], key: Optional[str], server_name: Optional[str],
          timeout: float) -> Optional[str]:
    """The certificate problem a TLS handshake with ``target`` meets, or None if there is none (or
    the server cannot be reached at all, or the target is not host:port). Waits at most about
    ``timeout`` seconds for each step."""
    address = split_target(target)
    if address is None:
        return None
    try:
        context = ssl.create_default_context(cafile=ca)
        if cert is not None:
            context.load_cert_chain(cert, key)
        context.set_alpn_protocols(["h2"])
        with socket.create_connection(address, timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=server_name or address[0]) as tls:
                tls.sendall(_PREFACE)
                tls.recv(1)  # a TLS 1.3 server sends its alert once it has read the client's certificate
    except ssl.SSLError as e:
        text = str(e)
        return text[:200] if CERTIFICATE_PROBLEM.search(text.lower()) else None
    except (OSError, ValueError):
        return None
    return None
