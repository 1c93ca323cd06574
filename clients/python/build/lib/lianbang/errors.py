"""Errors that end a client's run (:func:`lianbang.client.start_client` raises them).

A server's refusal carries a gRPC status code, a machine-readable ``reason`` (the ``ErrorInfo``
the server attaches, see ``docs/protocol.md``, Statuses) and a description for humans. Code
decides from ``reason`` (or, when there is none, from ``code``), never from the description.
"""

from __future__ import annotations

from typing import Optional


class FederationError(Exception):
    """The run ended without the server's FINISH.

    Attributes:
        code: the gRPC status code's name (e.g. ``"FAILED_PRECONDITION"``), or None when no call
            failed (e.g. the server was unreachable for too long).
        reason: the server's ``ErrorInfo.reason`` (e.g. ``"LAYOUT_MISMATCH"``), or None.
        description: what went wrong, for humans.
    """

    def __init__(self, code: Optional[str], reason: Optional[str], description: str) -> None:
        self.code = code
        self.reason = reason
        self.description = description
        label = " ".join(p for p in (code, reason) if p)
        super().__init__(f"{label}: {description}" if label else description)


class RefusedError(FederationError):
    """The server refused this client for a reason retrying cannot fix (credentials, allow-list,
    protocol version, model layout, client name): fix the client or its configuration."""


class SessionReplacedError(RefusedError):
    """Another registration with the same identity took over this client's session
    (``ABORTED``, reason ``SESSION_REPLACED``): two clients share an identity."""


class TlsCertificateError(FederationError):
    """The TLS handshake failed over a certificate (none presented under mutual TLS, one the
    server does not trust, or a server certificate this client cannot verify)."""


class UnreachableError(FederationError):
    """The server stayed unreachable for longer than ``give_up_after``."""
