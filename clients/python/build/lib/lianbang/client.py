"""Serve a model to a Lianbang federation: subclass :class:`Client` and call :func:`start_client`.

The library registers with the server, sends heartbeats from a background thread (also while the
client trains), long-polls for tasks, downloads the parameters a task starts from, calls
:meth:`Client.fit` or :meth:`Client.evaluate` and uploads the result in chunks; the data never
leaves the process. It follows ``docs/protocol.md`` (protocol ``lianbang.v1``) as the Java client
``io.lianbang.grpc.client.FederationClient`` does: every call has a deadline; an unreachable server
is retried with exponential backoff and jitter (registering again after a server restart) until
``give_up_after``; refusals are judged by the reason the server attaches, never by their text.

Example::

    import numpy as np
    from lianbang import Client, start_client

    class Mine(Client):
        def fit(self, parameters, config):
            return [p - 0.1 for p in parameters], 100, {"train_loss": 0.5}

        def evaluate(self, parameters, config):
            return 0.5, 100, {"accuracy": 0.9}

    start_client("server.example:7443", Mine(), ca="ca.pem", cert="me.pem", key="me-key.pem")
"""

from __future__ import annotations

import logging
import math
import re
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import grpc
import numpy as np

from . import _status, _tlsprobe, layouts
from ._backoff import Backoff
from ._compression import CompressionState
from ._status import Remedy
from ._transfer import (EncodedAssembler, MalformedParameters, Shape, accepted_layout, assemble, chunks, encoded_chunks,
                        spec_of)
from .codecs import SUPPORTED as _SUPPORTED_CODECS, Codec, create as _create_codec
from .errors import RefusedError, SessionReplacedError, TlsCertificateError
from .v1 import federation_pb2 as pb

__all__ = ["Client", "TaskInfo", "Summary", "start_client", "DEFAULT_MAX_MODEL_BYTES", "DEFAULT_MAX_MODEL_TENSORS"]

log = logging.getLogger("lianbang.client")

#: The default ``max_model_bytes``: 1 GiB of tensor values.
DEFAULT_MAX_MODEL_BYTES = 1 << 30
#: The default ``max_model_tensors``.
DEFAULT_MAX_MODEL_TENSORS = 100_000
#: The longest ``TaskError.message`` a server accepts (``docs/protocol.md``, Limits).
MAX_ERROR_LENGTH = 1024
#: The largest message the client accepts: the protocol's largest chunk plus room for framing.
_MAX_INBOUND_BYTES = (16 << 20) + (64 << 10)
#: The longest call deadline in seconds (about 11.6 days): a later task deadline is cut to it, as gRPC's
#: own deadline arithmetic would overflow on one far in the future.
_MAX_TIMEOUT = 1e6
_SERVICE = "/lianbang.v1.Federation/"
_NAME = re.compile(r"[A-Za-z0-9._@-]{1,128}")

ConfigValue = Union[bool, int, float, str]
FitReturn = Tuple[List[np.ndarray], int, Dict[str, float]]
EvaluateReturn = Tuple[float, int, Dict[str, float]]


@dataclass(frozen=True)
class TaskInfo:
    """The task a :class:`Client` call serves.

    Attributes:
        run_id: the server's run.
        round: the round (from 1).
        task_id: the task's id.
        seed: the fit task's signed 64-bit seed for every random choice of the client; 0 for evaluate.
        deadline_unix_ms: the time (Unix epoch milliseconds) by which the result must be uploaded.
    """

    run_id: str
    round: int
    task_id: str
    seed: int
    deadline_unix_ms: int


class Client:
    """The model and data of one federation participant. Subclasses override :meth:`fit` and
    :meth:`evaluate`; before each call the library sets :attr:`task`."""

    #: The task being served (set by the library before each call).
    task: Optional[TaskInfo] = None

    def fit(self, parameters: List[np.ndarray], config: Dict[str, ConfigValue]) -> FitReturn:
        """Trains from ``parameters`` (float32 arrays in the task layout's order and shapes).

        Returns:
            The trained parameters (same count and shapes; converted to float32), the number of
            training examples (> 0, the weight in averaging) and metrics by name.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement fit")

    def evaluate(self, parameters: List[np.ndarray], config: Dict[str, ConfigValue]) -> EvaluateReturn:
        """Evaluates ``parameters``.

        Returns:
            The loss (finite), the number of examples (> 0) and metrics by name.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement evaluate")


@dataclass(frozen=True)
class Summary:
    """What a finished run did.

    Attributes:
        fit_tasks: fit results the server accepted (or errors it recorded).
        evaluate_tasks: evaluation results likewise.
        finish_reason: the reason in the server's FINISH.
        rejected_results: results the server refused (dropped; the run went on).
    """

    fit_tasks: int
    evaluate_tasks: int
    finish_reason: str
    rejected_results: int = 0


@dataclass(frozen=True)
class _Settings:
    name: str
    poll_wait: float
    rpc_timeout: float
    give_up_after: float
    initial_backoff: float
    max_backoff: float
    max_model_bytes: int
    max_model_tensors: int
    model_layout: Optional[Tuple[Shape, ...]]
    metadata: Tuple[Tuple[str, str], ...]
    #: For diagnosing a refused TLS handshake: (target, ca, cert, key, server_name), or None for plaintext.
    tls: Optional[Tuple[str, Optional[str], Optional[str], Optional[str], Optional[str]]] = None
    #: The codec names declared at registration; none for float32 both ways.
    codecs: Tuple[str, ...] = ()
    #: Whether the update leaves only masked, through secure aggregation.
    secagg: bool = False


def start_client(server: str, client: Client, *, name: Optional[str] = None, ca: Optional[str] = None,
                 cert: Optional[str] = None, key: Optional[str] = None, token: Optional[str] = None,
                 insecure: bool = False, model_layout: Union[None, str, Sequence[Sequence[int]]] = None,
                 codecs: Sequence[str] = _SUPPORTED_CODECS, secagg: bool = False, poll_wait: float = 20.0, rpc_timeout: float = 30.0,
                 give_up_after: float = 300.0, initial_backoff: float = 0.2, max_backoff: float = 10.0,
                 max_model_bytes: int = DEFAULT_MAX_MODEL_BYTES, max_model_tensors: int = DEFAULT_MAX_MODEL_TENSORS,
                 server_name: Optional[str] = None) -> Summary:
    """Serves ``client`` to the federation server at ``server`` ("host:port") until the run is over.

    Args:
        name: the name sent at registration; the identity only on servers that accept clients
            without credentials (otherwise the certificate or token decides). Default: the host name.
        ca: PEM file of the CA that signed the server's certificate (default: the system's roots).
        cert, key: PEM files of this client's certificate and private key, for mutual TLS.
        token: a bearer token, sent as ``authorization: Bearer <token>`` on every call.
        insecure: connect without TLS (only then is plaintext used; a token is then sent in clear).
        model_layout: the shapes of the model this client trains, sent at registration so that a
            server with another model refuses at once; or an engine model spec such as
            ``"mlp:784-128-10"``, whose shapes :func:`lianbang.layouts.layout` gives.
        codecs: the codec names (``lianbang.codecs.SUPPORTED``: dense codecs and sparse selectors) this
            client declares for compressed transfers; default all, as the Java client. The server then
            may send the start model encoded (or its difference to the start of the client's last fit
            round) and ask for the update encoded, with error feedback; ``()`` declares none: float32
            both ways.
        secagg: send the update only masked, through secure aggregation (SecAgg+, as the Java client's
            ``--secagg``): refuse a fit task without the config ``secagg: true`` before training, answer
            it with a receipt (the start parameters, one example, no metrics) and answer the
            secure-aggregation stages. Needs ``cryptography``.
        poll_wait: seconds the server may hold a task poll.
        rpc_timeout: deadline in seconds of every short call (register, heartbeat), added to polls;
            transfers use the task's deadline (at least this).
        give_up_after: seconds the server may stay unreachable before the run ends with
            :class:`~lianbang.errors.UnreachableError`.
        initial_backoff, max_backoff: the first and the longest wait in seconds before retrying an
            unreachable server (doubling, with jitter).
        max_model_bytes, max_model_tensors: the largest model a task may declare; a larger one is
            answered with a ``TaskError`` before anything is allocated or downloaded.
        server_name: the name to verify in the server's certificate instead of the host in ``server``.

    Returns:
        What the run did, once the server sent FINISH.

    Raises:
        ValueError: an option is invalid (the message names it and its value).
        OSError: a PEM file cannot be read.
        lianbang.errors.FederationError: the server refused this client (``RefusedError``,
            ``SessionReplacedError``), the TLS handshake failed over a certificate
            (``TlsCertificateError``) or the server stayed unreachable (``UnreachableError``).
    """
    if not isinstance(client, Client):
        raise ValueError(f"client: expected a lianbang.Client, got {type(client).__name__}")
    if not isinstance(server, str) or not server.strip():
        raise ValueError(f"server: expected 'host:port', got {server!r}")
    if name is None:
        name = re.sub(r"[^A-Za-z0-9._@-]", "-", socket.gethostname())[:128] or "python-client"
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"name: expected 1 to 128 letters, digits, '.', '_', '@' or '-', got {_abbreviate(repr(name))}")
    for option, value in (("poll_wait", poll_wait), ("rpc_timeout", rpc_timeout), ("give_up_after", give_up_after),
                          ("initial_backoff", initial_backoff), ("max_backoff", max_backoff)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            raise ValueError(f"{option}: expected a positive number of seconds, got {value!r}")
    if poll_wait > 4294967:
        raise ValueError(f"poll_wait: at most 4294967 seconds, got {poll_wait!r}")
    if max_backoff < initial_backoff:
        raise ValueError(f"max_backoff {max_backoff!r} is below initial_backoff {initial_backoff!r}")
    for option, value in (("max_model_bytes", max_model_bytes), ("max_model_tensors", max_model_tensors)):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"{option}: expected a positive integer, got {value!r}")
    if isinstance(codecs, str):
        raise ValueError(f"codecs: expected a sequence of codec names, got the string {codecs!r}")
    declared = tuple(codecs)
    for c in declared:
        if c not in _SUPPORTED_CODECS:
            raise ValueError(f"codecs: unknown codec name {_abbreviate(repr(c))} (valid: {', '.join(_SUPPORTED_CODECS)})")
    if not isinstance(secagg, bool):
        raise ValueError(f"secagg: expected True or False, got {_abbreviate(repr(secagg))}")
    if secagg:
        try:
            from . import secagg as _secagg  # noqa: F401 (fails now rather than in the first round)
        except ImportError as e:
            raise ImportError(f"secagg=True needs the package cryptography (python3-cryptography): {e}") from e
    if isinstance(model_layout, str):
        try:
            model_layout = layouts.layout(model_layout)
        except ValueError as e:
            raise ValueError(f"model_layout: {e}") from None
    layout = None if model_layout is None else _shapes("model_layout", model_layout)
    if (cert is None) != (key is None):
        raise ValueError(f"cert and key: give both or neither, got cert={cert!r}, key={key!r}")
    if token is not None and (not isinstance(token, str) or not token or any(c in token for c in "\r\n")):
        raise ValueError("token: expected a non-empty string on one line")
    plaintext = insecure and ca is None and cert is None
    settings = _Settings(name, float(poll_wait), float(rpc_timeout), float(give_up_after), float(initial_backoff),
                         float(max_backoff), max_model_bytes, max_model_tensors, layout,
                         (("authorization", f"Bearer {token}"),) if token is not None else (),
                         None if plaintext else (server, ca, cert, key, server_name), declared, secagg)
    options: List[Tuple[str, Any]] = [("grpc.max_receive_message_length", _MAX_INBOUND_BYTES)]
    if plaintext:
        channel = grpc.insecure_channel(server, options=options)
    else:
        credentials = grpc.ssl_channel_credentials(root_certificates=_read(ca), private_key=_read(key),
                                                   certificate_chain=_read(cert))
        if server_name is not None:
            options.append(("grpc.ssl_target_name_override", server_name))
        channel = grpc.secure_channel(server, credentials, options=options)
    try:
        return _Runner(channel, client, settings).run()
    finally:
        channel.close()


def _read(path: Optional[str]) -> Optional[bytes]:
    if path is None:
        return None
    with open(path, "rb") as f:
        return f.read()


def _abbreviate(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


def _shapes(option: str, shapes: Sequence[Sequence[int]]) -> Tuple[Shape, ...]:
    out = []
    for i, shape in enumerate(shapes):
        dims = tuple(shape)
        for d in dims:
            if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 0:
                raise ValueError(f"{option}[{i}]: expected non-negative integer dimensions, got {_abbreviate(repr(shape))}")
        out.append(tuple(int(d) for d in dims))
    return tuple(out)


def _config(values: Mapping[str, pb.Value]) -> Dict[str, ConfigValue]:
    out: Dict[str, ConfigValue] = {}
    for k, v in values.items():
        kind = v.WhichOneof("kind")
        if kind is not None:
            out[k] = getattr(v, kind)
    return out


def _metrics(where: str, metrics: Any) -> Dict[str, float]:
    if metrics is None:
        return {}
    if not isinstance(metrics, Mapping):
        raise TypeError(f"{where}: metrics must be a dict of str to float, got {type(metrics).__name__}")
    out = {}
    for k, v in metrics.items():
        if not isinstance(k, str):
            raise TypeError(f"{where}: metric name {_abbreviate(repr(k))} is not a str")
        out[k] = float(v)
    return out


def _examples(where: str, n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
        raise ValueError(f"{where}: num_examples must be a positive integer, got {_abbreviate(repr(n))}")
    return int(n)


def _error(e: BaseException) -> pb.TaskError:
    return _error_text(f"{type(e).__name__}: {e}")


class _Heartbeats:
    """Sends a heartbeat every interval from a daemon thread until stopped."""

    def __init__(self, call: Callable[..., Any], session_id: str, interval: float, metadata: Sequence[Tuple[str, str]],
                 name: str) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, args=(call, session_id, interval, metadata),
                                        name=f"lianbang-heartbeat-{name}", daemon=True)
        self._thread.start()

    def _beat(self, call: Callable[..., Any], session_id: str, interval: float, metadata: Sequence[Tuple[str, str]]) -> None:
        request = pb.HeartbeatRequest(session_id=session_id)
        while not self._stop.is_set():
            try:
                call(request, timeout=max(interval, 1.0), metadata=metadata)
            except grpc.RpcError as e:
                log.debug("heartbeat failed: %s", _status.code_of(e))
            except ValueError:  # the channel was closed
                return
            self._stop.wait(interval)

    def stop(self) -> None:
        self._stop.set()


class _Runner:
    """One run of a client: the task loop of ``docs/protocol.md``, "Message flow"."""

    def __init__(self, channel: grpc.Channel, client: Client, settings: _Settings) -> None:
        self._client = client
        self._s = settings
        self._md = settings.metadata
        self._register = channel.unary_unary(_SERVICE + "Register", request_serializer=pb.RegisterRequest.SerializeToString,
                                             response_deserializer=pb.RegisterResponse.FromString)
        self._get_task = channel.unary_unary(_SERVICE + "GetTask", request_serializer=pb.GetTaskRequest.SerializeToString,
                                             response_deserializer=pb.Task.FromString)
        self._download = channel.unary_stream(_SERVICE + "DownloadParameters",
                                              request_serializer=pb.DownloadRequest.SerializeToString,
                                              response_deserializer=pb.TensorChunk.FromString)
        self._submit = channel.stream_unary(_SERVICE + "SubmitResult", request_serializer=pb.ResultPart.SerializeToString,
                                            response_deserializer=pb.SubmitResponse.FromString)
        self._heartbeat = channel.unary_unary(_SERVICE + "Heartbeat", request_serializer=pb.HeartbeatRequest.SerializeToString,
                                              response_deserializer=pb.HeartbeatResponse.FromString)
        self._submit_secagg = channel.unary_unary(_SERVICE + "SubmitSecAgg", request_serializer=pb.SecAggReply.SerializeToString,
                                                  response_deserializer=pb.SecAggAck.FromString)
        self._submit_encrypted = channel.unary_unary(_SERVICE + "SubmitEncrypted",
                                                     request_serializer=pb.EncryptedPart.SerializeToString,
                                                     response_deserializer=pb.EncryptedAck.FromString)
        # The held start and the error-feedback residuals, kept across sessions of one run.
        self._compression = CompressionState()
        # With secagg: the participant of the round this client last trained for (a new one per fit task).
        self._participant: Any = None

    def run(self) -> Summary:
        s = self._s
        backoff = Backoff(s.initial_backoff, s.max_backoff, s.give_up_after)
        session: Optional[pb.RegisterResponse] = None
        beats: Optional[_Heartbeats] = None
        fits = evals = rejected = 0
        probed = False  # whether this outage's TLS handshake was diagnosed
        try:
            while True:
                try:
                    if session is None:
                        session = self._do_register()
                        if beats is not None:
                            beats.stop()
                        beats = _Heartbeats(self._heartbeat, session.session_id,
                                            max(50, session.heartbeat_interval_ms) / 1000, self._md, s.name)
                    task = self._get_task(pb.GetTaskRequest(session_id=session.session_id,
                                                            max_wait_ms=int(s.poll_wait * 1000),
                                                            held_round=self._compression.held_round),
                                          timeout=s.poll_wait + s.rpc_timeout, metadata=self._md)
                    backoff.reachable()
                    probed = False
                    kind = task.WhichOneof("kind")
                    if kind == "finish":
                        log.info("%s: the server ended the run: %s", s.name, task.finish.reason)
                        return Summary(fits, evals, task.finish.reason, rejected)
                    if kind == "wait":
                        if task.wait.retry_after_ms > 0:
                            time.sleep(min(task.wait.retry_after_ms, 60_000) / 1000)
                    elif kind == "fit" or kind == "evaluate":
                        if self._perform(session, task):
                            if kind == "fit":
                                fits += 1
                            else:
                                evals += 1
                        else:
                            rejected += 1
                    elif kind == "secagg":
                        if not self._answer_secagg(session, task):
                            rejected += 1
                    elif kind == "paillier":
                        if not self._answer_paillier(session, task):
                            rejected += 1
                    else:
                        log.warning("%s: the server sent a task without a kind this client knows; polling again", s.name)
                except grpc.RpcError as e:
                    code, reason, details = _status.code_of(e), _status.reason_of(e), _status.details_of(e)
                    remedy = _status.remedy_for(code, reason, session is None)
                    if remedy is Remedy.STOP:
                        kind_of = SessionReplacedError if reason == "SESSION_REPLACED" else RefusedError
                        raise kind_of(code.name, reason, f"the server refused client {s.name}: {details}") from None
                    tls = _status.tls_refusal(code, reason, details)
                    if tls is None and not probed and s.tls is not None and code == grpc.StatusCode.UNAVAILABLE and reason is None:
                        probed = True
                        tls = _tlsprobe.probe(*s.tls, timeout=min(s.rpc_timeout, 10.0))
                    if tls is not None:
                        raise TlsCertificateError(code.name, None, (
                            f"the TLS handshake with the server failed over a certificate ({tls}): the server refused this "
                            "client's certificate (missing, or not signed by the CA it trusts), or this client does not trust "
                            "the server's; retrying cannot fix that")) from None
                    if remedy is Remedy.REGISTER_AGAIN:
                        log.info("%s: the server no longer knows this session; registering again", s.name)
                        session = None
                        continue
                    wait = backoff.next(f"{code.name}: {details}", code.name)
                    log.info("%s: %s (%s); retrying in %d ms", s.name, code.name, details, round(wait * 1000))
                    time.sleep(wait)
                except MalformedParameters as e:
                    wait = backoff.next(f"the server sent malformed parameters: {e}", "INTERNAL")
                    log.warning("%s: the server sent malformed parameters: %s; retrying in %d ms", s.name, e, round(wait * 1000))
                    time.sleep(wait)
        finally:
            if beats is not None:
                beats.stop()

    def _do_register(self) -> pb.RegisterResponse:
        s = self._s
        request = pb.RegisterRequest(protocol_version=pb.PROTOCOL_VERSION_1, client_name=s.name)
        if s.model_layout is not None:
            request.model_layout.CopyFrom(spec_of(s.model_layout))
        request.codecs.extend(s.codecs)
        response = self._register(request, timeout=s.rpc_timeout, metadata=self._md)
        if self._compression.enter(response.run_id):
            self._participant = None
        log.info("%s: registered as %s in run %s", s.name, response.client_id, response.run_id)
        return response

    def _ref(self, session: pb.RegisterResponse, task: pb.Task) -> pb.TaskRef:
        return pb.TaskRef(session_id=session.session_id, run_id=task.run_id, round=task.round, task_id=task.task_id)

    def _timeout(self, task: pb.Task) -> float:
        """Seconds left until the task's deadline; a clock behind the server's cannot make it
        shorter than one call deadline, nor a deadline far away longer than ``_MAX_TIMEOUT``."""
        return min(max(task.deadline_unix_ms / 1000 - time.time(), self._s.rpc_timeout), _MAX_TIMEOUT)

    def _perform(self, session: pb.RegisterResponse, task: pb.Task) -> bool:
        """Runs a fit or evaluate task and uploads its result; False if the server refused it."""
        s = self._s
        fit = task.WhichOneof("kind") == "fit"
        instruction = task.fit if fit else task.evaluate
        ref = self._ref(session, task)
        timeout = self._timeout(task)
        header = pb.ResultHeader(task=ref)
        trained: Optional[List[np.ndarray]] = None
        update: Optional[List[bytes]] = None
        download: Optional[Codec] = None
        base: Optional[List[np.ndarray]] = None
        upload: Optional[Codec] = None
        try:
            shapes: Optional[List[Shape]] = accepted_layout(instruction.parameters, s.max_model_bytes, s.max_model_tensors)
            if fit and task.fit.HasField("download_encoding"):
                download = self._codec("download_encoding", task.fit.download_encoding)
                base_round = task.fit.download_base_round
                base = None if base_round == 0 else self._compression.start(base_round)
                if base_round != 0 and base is None:
                    held = self._compression.held_round
                    raise ValueError(f"download_base_round is {base_round} but this client holds "
                                     + ("no fit round's start" if held == 0 else f"the start of round {held}"))
                if base is not None and [tuple(a.shape) for a in base] != shapes:
                    raise ValueError(f"download_base_round is {base_round} but the held start's layout differs from the task's")
            if fit and task.fit.HasField("upload_encoding"):
                upload = self._codec("upload_encoding", task.fit.upload_encoding)
        except ValueError as e:
            shapes = None
            log.warning("%s: refusing the %s task of round %d: %s", s.name, "fit" if fit else "evaluate", task.round, e)
            header.error.CopyFrom(_error_text(f"refused: {e}"))
        if shapes is not None:
            if download is None:
                parameters = self._fetch(ref, shapes, timeout, session.max_chunk_bytes)
            else:
                parameters = self._fetch_encoded(ref, download, shapes, base, timeout, session.max_chunk_bytes)
            if fit and s.codecs:  # only a client that can decode a delta uses it
                self._compression.hold(task.round, parameters)
            self._client.task = TaskInfo(task.run_id, task.round, task.task_id, task.fit.seed if fit else 0, task.deadline_unix_ms)
            try:
                config = _config(instruction.config)
                if fit:
                    if s.secagg:
                        trained, n, metrics = self._fit_masked(task, parameters, config, shapes)
                    else:
                        trained, n, metrics = self._fit(parameters, config, shapes)
                    output = pb.FitOutput(parameters=spec_of(shapes), num_examples=n, metrics=metrics)
                    if upload is not None:
                        update = self._compression.encoder(upload, task.fit.error_feedback).encode(parameters, trained, task.fit.seed)
                        trained = None
                        output.encoding.CopyFrom(task.fit.upload_encoding)
                    header.fit.CopyFrom(output)
                else:
                    loss, n, metrics = self._evaluate(parameters, config)
                    header.evaluate.CopyFrom(pb.EvaluateOutput(loss=loss, num_examples=n, metrics=metrics))
            except Exception as e:  # the client's failure is reported, not fatal
                trained = update = None
                log.warning("%s: %s of round %d failed: %r", s.name, "fit" if fit else "evaluate", task.round, e)
                header.error.CopyFrom(_error(e))
        parts = _result_parts(header, trained, update, session.max_chunk_bytes)
        try:
            response = self._submit(parts, timeout=timeout, metadata=self._md)
        except grpc.RpcError as e:
            if _status.remedy_for(_status.code_of(e), _status.reason_of(e), False) is Remedy.DROP_RESULT:
                log.warning("%s: the server rejected the result of round %d: %s: %s", s.name, task.round,
                            _status.code_of(e).name, _status.details_of(e))
                return False
            raise
        log.info("%s: %s of round %d %s", s.name, "fit" if fit else "evaluate", task.round,
                 "accepted" if response.accepted else "reported as failed")
        return response.accepted or header.HasField("error")

    def _codec(self, field: str, encoding: pb.Encoding) -> Codec:
        """The codec of an encoding the server sent; ValueError naming ``field`` if it is unusable:
        unknown, with parameters ``lianbang.codecs.create`` refuses, or not declared by this client."""
        described = _describe(encoding)
        if not self._s.codecs:
            raise ValueError(f"{field} {described} is unusable: this client declared no codecs")
        undeclared = [part for part in encoding.codec.split("+") if part not in self._s.codecs]
        if undeclared:
            raise ValueError(f"{field} {described} is unusable: this client did not declare {_abbreviate(undeclared[0], 40)!r}")
        try:
            return _create_codec(encoding.codec, dict(encoding.parameters))
        except ValueError as e:
            raise ValueError(f"{field} {described} is unusable: {e}") from None

    def _fetch(self, ref: pb.TaskRef, shapes: List[Shape], timeout: float, max_chunk_bytes: int) -> List[np.ndarray]:
        call = self._download(pb.DownloadRequest(task=ref), timeout=timeout, metadata=self._md)
        try:
            return assemble(call, shapes, max(max_chunk_bytes, 4))
        finally:
            call.cancel()  # no-op once the stream has ended; ends it early after a malformed chunk

    def _fetch_encoded(self, ref: pb.TaskRef, codec: Codec, shapes: List[Shape], base: Optional[List[np.ndarray]],
                       timeout: float, max_chunk_bytes: int) -> List[np.ndarray]:
        """The start model of an encoded download: its decoding or, with ``base``, ``base`` plus the
        decoded difference (float32, tensor by tensor)."""
        call = self._download(pb.DownloadRequest(task=ref), timeout=timeout, metadata=self._md)
        try:
            assembler = EncodedAssembler(codec, shapes, max(max_chunk_bytes, 1))
            for chunk in call:
                assembler.accept(chunk)
            encoded = assembler.finish()
        finally:
            call.cancel()
        out = []
        for t, (data, shape) in enumerate(zip(encoded, shapes)):
            try:
                values = codec.decode(data, math.prod(shape)).reshape(shape)
            except ValueError as e:
                raise MalformedParameters(f"the server sent encoded parameters that do not decode: tensor {t}: {e}") from None
            out.append(values if base is None else (base[t] + values).astype(np.float32))
        return out

    def _fit_masked(self, task: pb.Task, parameters: List[np.ndarray], config: Dict[str, ConfigValue],
                    shapes: List[Shape]) -> FitReturn:
        """Trains for a secure-aggregation round, as Java's ``SecAggClient``: the update
        (trained − start, float32) and its weight go to a new participant for this round; the
        result is a receipt, the start parameters unchanged with one example and no metrics."""
        from .secagg import SecAggParticipant, rounding_seed
        if config.get("secagg") is not True:
            raise RuntimeError(f"round {task.round}: the server did not ask for secure aggregation (fit config 'secagg' is "
                               "not true), and this client sends its update only masked")
        self._participant = None  # the previous round's secrets are not used again
        trained, n, _ = self._fit(parameters, config, shapes)
        participant = SecAggParticipant()
        participant.set_input(task.round, [w - p for w, p in zip(trained, parameters)], n, rounding_seed(task.fit.seed))
        self._participant = participant
        return list(parameters), 1, {}

    def _fit(self, parameters: List[np.ndarray], config: Dict[str, ConfigValue], shapes: List[Shape]) -> FitReturn:
        result = self._client.fit(parameters, config)
        if not isinstance(result, tuple) or len(result) != 3:
            raise TypeError(f"fit must return (parameters, num_examples, metrics), got {type(result).__name__}")
        arrays, n, metrics = result
        arrays = list(arrays)
        if len(arrays) != len(shapes):
            raise ValueError(f"fit returned {len(arrays)} tensors, the task's model has {len(shapes)}")
        out = []
        for i, (a, shape) in enumerate(zip(arrays, shapes)):
            a = np.asarray(a, dtype=np.float32)
            if a.shape != shape:
                raise ValueError(f"fit returned tensor[{i}] of shape {list(a.shape)}, the task's is {list(shape)}")
            out.append(a)
        return out, _examples("fit", n), _metrics("fit", metrics)

    def _evaluate(self, parameters: List[np.ndarray], config: Dict[str, ConfigValue]) -> EvaluateReturn:
        result = self._client.evaluate(parameters, config)
        if not isinstance(result, tuple) or len(result) != 3:
            raise TypeError(f"evaluate must return (loss, num_examples, metrics), got {type(result).__name__}")
        loss, n, metrics = result
        loss = float(loss)
        if not math.isfinite(loss):
            raise ValueError(f"evaluate returned the loss {loss}, not finite")
        return loss, _examples("evaluate", n), _metrics("evaluate", metrics)

    def _answer_secagg(self, session: pb.RegisterResponse, task: pb.Task) -> bool:
        """Answers a secure-aggregation stage with the participant of the round this client trained
        for; a stage it cannot answer (or a client without ``secagg``) gets a ``TaskError``, with
        the fault's ``kind`` for a :class:`~lianbang.secagg.SecAggError`, and the server counts
        the client as dropped from the stage."""
        reply = pb.SecAggReply(task=self._ref(session, task))
        if not self._s.secagg:
            reply.error.CopyFrom(_error_text(f"client {self._s.name} does not take part in secure aggregation"))
            log.warning("%s: refusing the secure-aggregation stage of round %d", self._s.name, task.round)
        else:
            from .secagg import SecAggError, SecAggParticipant
            if self._participant is None:  # no fit task in this run yet: the stage fails as Java's would
                self._participant = SecAggParticipant()
            try:
                reply.message = self._participant.handle(task.secagg.message)
            except Exception as e:  # a refused stage is reported, not fatal
                log.warning("%s: secure-aggregation stage of round %d failed: %s", self._s.name, task.round, e)
                reply.error.CopyFrom(_error_text(str(e)))
                if isinstance(e, SecAggError):
                    reply.error.kind = e.kind
        return self._unary_answer(self._submit_secagg, reply, task, "secure-aggregation reply")

    def _answer_paillier(self, session: pb.RegisterResponse, task: pb.Task) -> bool:
        """Answers a Paillier task; this client takes part in none, so it reports an error."""
        part = pb.EncryptedPart(task=self._ref(session, task),
                                error=_error_text(f"client {self._s.name} does not take part in Paillier aggregation"))
        log.warning("%s: refusing the Paillier task of round %d", self._s.name, task.round)
        return self._unary_answer(self._submit_encrypted, part, task, "encrypted contribution")

    def _unary_answer(self, call: Callable[..., Any], request: Any, task: pb.Task, what: str) -> bool:
        try:
            ack = call(request, timeout=self._timeout(task), metadata=self._md)
            return ack.accepted or request.HasField("error")
        except grpc.RpcError as e:
            if _status.remedy_for(_status.code_of(e), _status.reason_of(e), False) is Remedy.DROP_RESULT:
                log.warning("%s: the server refused the %s of round %d: %s: %s", self._s.name, what, task.round,
                            _status.code_of(e).name, _status.details_of(e))
                return False
            raise


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def _error_text(message: str) -> pb.TaskError:
    """A TaskError with ``message`` cut to ``MAX_ERROR_LENGTH`` characters as the server counts
    them (UTF-16 code units, as Java strings)."""
    if _utf16_length(message) > MAX_ERROR_LENGTH:
        message = message[:MAX_ERROR_LENGTH - 3]
        while _utf16_length(message) > MAX_ERROR_LENGTH - 3:
            message = message[:-1]
        message += "..."
    return pb.TaskError(message=message)


def _describe(encoding: pb.Encoding) -> str:
    """A short description of an encoding the server sent, e.g. ``'int8'{block=1024.0}``, bounded in length."""
    params = sorted(encoding.parameters.items())
    shown = ", ".join(f"{_abbreviate(k, 40)}={v!r}" for k, v in params[:4])
    if len(params) > 4:
        shown += f", ... ({len(params)} parameters)"
    return _abbreviate(repr(encoding.codec), 60) + ("{" + shown + "}" if params else "")


def _result_parts(header: pb.ResultHeader, trained: Optional[List[np.ndarray]], update: Optional[List[bytes]],
                  max_chunk_bytes: int):
    """The upload: the header, then the trained tensors' chunks (or the encoded update's), made one
    at a time as gRPC takes them (so flow control holds back a slow upload instead of buffering the model)."""
    yield pb.ResultPart(header=header)
    if trained is not None:
        for chunk in chunks(trained, max(max_chunk_bytes, 4)):
            yield pb.ResultPart(chunk=chunk)
    if update is not None:
        for chunk in encoded_chunks(update, max(max_chunk_bytes, 1)):
            yield pb.ResultPart(chunk=chunk)
