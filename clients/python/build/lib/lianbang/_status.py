"""What a client does about a failed call: the server's refusal reason, decoded from the
``grpc-status-details-bin`` trailer (a ``google.rpc.Status`` holding a ``google.rpc.ErrorInfo``),
and the remedy it calls for (``docs/protocol.md``, Statuses). The trailer is read with a small
protobuf wire decoder, so the library needs no googleapis-common-protos.
"""

from __future__ import annotations

import enum
from typing import Iterator, Optional, Sequence, Tuple

import grpc

from ._tlsprobe import CERTIFICATE_PROBLEM

#: The ``ErrorInfo.domain`` of every Lianbang refusal.
DOMAIN = "lianbang.io"
_ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo"
_TRAILER = "grpc-status-details-bin"
#: The largest trailer decoded (a real one is a few hundred bytes; this bounds the work).
_MAX_TRAILER_BYTES = 64 * 1024


class Remedy(enum.Enum):
    """What to do about a failed call."""

    #: Retrying cannot fix it: end the run with an error.
    STOP = "stop"
    #: The server no longer knows the session: register again at once.
    REGISTER_AGAIN = "register again"
    #: The server refused this answer to a task: drop it and poll for the next task.
    DROP_RESULT = "drop result"
    #: The server may be back later: retry with backoff.
    RETRY = "retry"


_BY_REASON = {
    **{r: Remedy.STOP for r in ("UNSUPPORTED_PROTOCOL", "INVALID_CLIENT_NAME", "UNAUTHENTICATED", "NOT_ALLOWED",
                                "LAYOUT_MISMATCH", "SESSION_REPLACED", "FOREIGN_SESSION")},
    "UNKNOWN_SESSION": Remedy.REGISTER_AGAIN,
    **{r: Remedy.DROP_RESULT for r in ("WRONG_RUN", "UNKNOWN_TASK", "TASK_CLOSED", "STALE_ROUND", "UPLOAD_IN_PROGRESS",
                                       "WRONG_TASK_KIND", "LIMIT_EXCEEDED", "INVALID_RESULT", "PROTOCOL_VIOLATION",
                                       "MALFORMED_MESSAGE", "SECAGG_WRONG_STAGE", "SECAGG_WRONG_ROUND",
                                       "SECAGG_FORGED_SENDER")},
    "TOO_MANY_DOWNLOADS": Remedy.RETRY,
    "SERVER_SHUTTING_DOWN": Remedy.RETRY,
}
_FATAL_CODES = {grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNIMPLEMENTED,
                grpc.StatusCode.ABORTED}
_DROP_CODES = {grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.NOT_FOUND}



def _varint(data: bytes, pos: int) -> Tuple[int, int]:
    value = 0
    for shift in range(0, 70, 7):
        if pos >= len(data):
            raise ValueError("truncated varint")
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos
    raise ValueError("varint longer than 10 bytes")


def fields(data: bytes) -> Iterator[Tuple[int, int, object]]:
    """The fields of one protobuf message in wire order: (number, wire type, value), where the
    value is an int (varint, fixed32, fixed64) or bytes (length-delimited).

    Raises:
        ValueError: the bytes are not a well-formed message (truncated, a group, a bad wire type).
    """
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ValueError("field number 0")
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1 or wire == 5:
            size = 8 if wire == 1 else 4
            if pos + size > len(data):
                raise ValueError("truncated fixed field")
            value, pos = int.from_bytes(data[pos:pos + size], "little"), pos + size
        elif wire == 2:
            size, pos = _varint(data, pos)
            if pos + size > len(data):
                raise ValueError("truncated length-delimited field")
            value, pos = bytes(data[pos:pos + size]), pos + size
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield number, wire, value


def error_info(status_details: bytes) -> Optional[Tuple[str, str]]:
    """The (domain, reason) of the first ``google.rpc.ErrorInfo`` in a serialized
    ``google.rpc.Status``, or None if it holds none or the bytes are malformed."""
    if len(status_details) > _MAX_TRAILER_BYTES:
        return None
    try:
        for number, wire, detail in fields(status_details):
            if number != 3 or wire != 2:  # Status.details: repeated google.protobuf.Any
                continue
            type_url, value = "", b""
            for n, w, v in fields(detail):
                if n == 1 and w == 2:
                    type_url = v.decode("utf-8")
                elif n == 2 and w == 2:
                    value = v
            if type_url != _ERROR_INFO_TYPE:
                continue
            reason, domain = "", ""
            for n, w, v in fields(value):
                if n == 1 and w == 2:
                    reason = v.decode("utf-8")
                elif n == 2 and w == 2:
                    domain = v.decode("utf-8")
            return domain, reason
    except (ValueError, UnicodeDecodeError):
        return None
    return None


def reason_of(error: grpc.RpcError) -> Optional[str]:
    """The Lianbang refusal reason a failed call carries in its trailers, or None (a transport
    failure, a deadline, a refusal from gRPC itself or from another service)."""
    trailers: Sequence[Tuple[str, object]] = ()
    try:
        trailers = error.trailing_metadata() or ()
    except Exception:  # an error raised before the call had trailers
        trailers = ()
    for key, value in trailers:
        if key == _TRAILER and isinstance(value, bytes):
            info = error_info(value)
            if info is not None and info[0] == DOMAIN:
                return info[1]
    return None


def code_of(error: grpc.RpcError) -> grpc.StatusCode:
    """The status code of a failed call (UNKNOWN if it has none)."""
    try:
        return error.code()
    except Exception:
        return grpc.StatusCode.UNKNOWN


def details_of(error: grpc.RpcError) -> str:
    """The description of a failed call, abbreviated to 500 characters."""
    try:
        text = error.details() or ""
    except Exception:
        text = str(error)
    return text if len(text) <= 500 else text[:500] + "..."


def remedy_for(code: grpc.StatusCode, reason: Optional[str], registering: bool) -> Remedy:
    """The remedy for a failure with ``code`` and ``reason`` (decided by the reason when there is
    a known one, else by the code). While registering there is no result to drop, so what would
    drop one stops instead: the same registration would be refused again."""
    remedy = _BY_REASON.get(reason) if reason else None
    if remedy is None:
        if code in _FATAL_CODES:
            remedy = Remedy.STOP
        elif code in _DROP_CODES:
            remedy = Remedy.DROP_RESULT
        else:
            remedy = Remedy.RETRY
    return Remedy.STOP if registering and remedy is Remedy.DROP_RESULT else remedy


def tls_refusal(code: grpc.StatusCode, reason: Optional[str], details: str) -> Optional[str]:
    """The TLS certificate problem an ``UNAVAILABLE`` failure's description names, or None: gRPC
    reports a handshake refused over a certificate like a server that is down, but retrying cannot
    fix it (when the description does not name it, :func:`lianbang._tlsprobe.probe` can)."""
    if code != grpc.StatusCode.UNAVAILABLE or reason is not None:
        return None
    match = CERTIFICATE_PROBLEM.search(details.lower())
    return details if match else None
