"""Refusal reasons decoded from the grpc-status-details-bin trailer, the remedies they call for,
and the task loop's reactions, against an in-process Python gRPC server on loopback (the Java
tests io.lianbang.python.Python*Test run the library against real Java servers)."""

import threading
import unittest
from concurrent import futures

import grpc
import numpy as np

from lianbang import Client, RefusedError, SessionReplacedError, start_client
from lianbang._status import Remedy, error_info, remedy_for
from lianbang._transfer import chunks, spec_of
from lianbang.v1 import federation_pb2 as pb


def field(number, payload):
    """A length-delimited protobuf field, encoded by hand (lengths below 128)."""
    assert len(payload) < 128
    return bytes([number << 3 | 2, len(payload)]) + payload


def status_details(reason, domain=b"lianbang.io", code=9, message=b"refused"):
    """A google.rpc.Status as a Lianbang server sends it: code, message, an unrelated detail, then
    an Any holding an ErrorInfo{reason, domain, metadata{"k": "v"}}."""
    info = field(1, reason) + field(2, domain) + field(3, field(1, b"k") + field(2, b"v"))
    other = field(1, b"type.googleapis.com/google.rpc.RetryInfo") + field(2, b"")
    any_info = field(1, b"type.googleapis.com/google.rpc.ErrorInfo") + field(2, info)
    return bytes([0x08, code]) + field(2, message) + field(3, other) + field(3, any_info)


class TargetTest(unittest.TestCase):
    def test_splits_host_and_port(self):
        from lianbang._tlsprobe import split_target
        self.assertEqual(("127.0.0.1", 7443), split_target("127.0.0.1:7443"))
        self.assertEqual(("::1", 7443), split_target("[::1]:7443"))
        self.assertEqual(("server.example", 1), split_target("dns:///server.example:1"))
        self.assertIsNone(split_target("unix:/tmp/socket"))
        self.assertIsNone(split_target("host:70000"))


class DecodingTest(unittest.TestCase):
    def test_reads_domain_and_reason(self):
        self.assertEqual(("lianbang.io", "LAYOUT_MISMATCH"), error_info(status_details(b"LAYOUT_MISMATCH")))

    def test_none_without_an_error_info_or_for_malformed_bytes(self):
        self.assertIsNone(error_info(bytes([0x08, 9]) + field(2, b"no details")))
        self.assertIsNone(error_info(status_details(b"X")[:-3]))
        self.assertIsNone(error_info(b"\x0b"))  # a group: not in google.rpc.Status

    def test_remedies_follow_the_status_table(self):
        code = grpc.StatusCode
        self.assertIs(Remedy.STOP, remedy_for(code.ABORTED, "SESSION_REPLACED", False))
        self.assertIs(Remedy.STOP, remedy_for(code.FAILED_PRECONDITION, "LAYOUT_MISMATCH", True))
        self.assertIs(Remedy.REGISTER_AGAIN, remedy_for(code.NOT_FOUND, "UNKNOWN_SESSION", False))
        self.assertIs(Remedy.DROP_RESULT, remedy_for(code.FAILED_PRECONDITION, "TASK_CLOSED", False))
        self.assertIs(Remedy.STOP, remedy_for(code.INVALID_ARGUMENT, "INVALID_RESULT", True))
        self.assertIs(Remedy.RETRY, remedy_for(code.RESOURCE_EXHAUSTED, "TOO_MANY_DOWNLOADS", False))
        self.assertIs(Remedy.RETRY, remedy_for(code.UNAVAILABLE, "SERVER_SHUTTING_DOWN", False))
        self.assertIs(Remedy.RETRY, remedy_for(code.UNAVAILABLE, None, False))
        self.assertIs(Remedy.RETRY, remedy_for(code.DEADLINE_EXCEEDED, None, False))
        self.assertIs(Remedy.STOP, remedy_for(code.UNAUTHENTICATED, None, False))
        self.assertIs(Remedy.DROP_RESULT, remedy_for(code.NOT_FOUND, None, False))


class FakeServer:
    """A scripted Federation service: ``tasks`` are answered to GetTask in order (a callable is
    called with the context, e.g. to abort); downloads stream the current task's start model."""

    def __init__(self, tasks, register=None, max_chunk_bytes=8, heartbeat_interval_ms=1000):
        self.tasks = list(tasks)
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.heartbeats = []
        self.three_heartbeats = threading.Event()
        self.register_hook = register
        self.max_chunk_bytes = max_chunk_bytes
        self.registrations = 0
        self.downloads = 0
        self.results = []
        self.secagg = []
        self.lock = threading.Lock()
        self.start_model = [np.arange(6, dtype=np.float32).reshape(2, 3), np.array([0.5], dtype=np.float32)]
        handlers = {
            "Register": grpc.unary_unary_rpc_method_handler(self.Register, pb.RegisterRequest.FromString,
                                                            pb.RegisterResponse.SerializeToString),
            "GetTask": grpc.unary_unary_rpc_method_handler(self.GetTask, pb.GetTaskRequest.FromString, pb.Task.SerializeToString),
            "Heartbeat": grpc.unary_unary_rpc_method_handler(self.Heartbeat, pb.HeartbeatRequest.FromString,
                                                             pb.HeartbeatResponse.SerializeToString),
            "DownloadParameters": grpc.unary_stream_rpc_method_handler(self.Download, pb.DownloadRequest.FromString,
                                                                       pb.TensorChunk.SerializeToString),
            "SubmitResult": grpc.stream_unary_rpc_method_handler(self.Submit, pb.ResultPart.FromString,
                                                                 pb.SubmitResponse.SerializeToString),
            "SubmitSecAgg": grpc.unary_unary_rpc_method_handler(self.SubmitSecAgg, pb.SecAggReply.FromString,
                                                                pb.SecAggAck.SerializeToString),
        }
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        self.server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("lianbang.v1.Federation", handlers),))
        self.port = self.server.add_insecure_port("127.0.0.1:0")
        self.server.start()

    def Register(self, request, context):
        with self.lock:
            self.registrations += 1
        if self.register_hook:
            self.register_hook(request, context)
        return pb.RegisterResponse(session_id=f"s{self.registrations}", run_id="run", client_id=request.client_name,
                                   heartbeat_interval_ms=self.heartbeat_interval_ms,
                                   max_chunk_bytes=self.max_chunk_bytes)

    def Heartbeat(self, request, context):
        with self.lock:
            self.heartbeats.append(request.session_id)
            if len(self.heartbeats) >= 3:
                self.three_heartbeats.set()
        return pb.HeartbeatResponse()

    def GetTask(self, request, context):
        with self.lock:
            task = self.tasks.pop(0) if self.tasks else pb.Task(finish=pb.FinishInstruction(reason="over"))
        return task(context) if callable(task) else task

    def Download(self, request, context):
        with self.lock:
            self.downloads += 1
        yield from chunks(self.start_model, self.max_chunk_bytes)

    def Submit(self, parts, context):
        parts = list(parts)
        with self.lock:
            self.results.append(parts)
        return pb.SubmitResponse(accepted=not parts[0].header.HasField("error"))

    def SubmitSecAgg(self, reply, context):
        self.secagg.append(reply)
        return pb.SecAggAck(accepted=False)

    def stop(self):
        self.server.stop(None)


def refuse(code, reason):
    def abort(context):
        context.set_trailing_metadata((("grpc-status-details-bin", status_details(reason.encode())),))
        context.abort(code, f"refused ({reason})")
    return abort


class PlusOne(Client):
    def __init__(self):
        self.tasks = []

    def fit(self, parameters, config):
        self.tasks.append((self.task, config))
        return [p + 1 for p in parameters], 3, {"train_loss": 0.25}

    def evaluate(self, parameters, config):
        return 0.5, 3, {}


def fit_task(shapes, round_=1, **fields):
    return pb.Task(run_id="run", round=round_, task_id=f"t{round_}", deadline_unix_ms=(1 << 62),
                   fit=pb.FitInstruction(parameters=spec_of(shapes), seed=-5,
                                         config={"lr": pb.Value(double_value=0.1), "epochs": pb.Value(int_value=2)}, **fields))


class LoopTest(unittest.TestCase):
    def run_client(self, server, client=None, **options):
        return start_client(f"127.0.0.1:{server.port}", client or PlusOne(), name="py", insecure=True, poll_wait=1,
                            rpc_timeout=5, give_up_after=10, **options)

    def test_refused_registration_stops_with_the_reason(self):
        server = FakeServer([], register=lambda r, c: refuse(grpc.StatusCode.FAILED_PRECONDITION, "LAYOUT_MISMATCH")(c))
        try:
            with self.assertRaises(RefusedError) as e:
                self.run_client(server)
            self.assertEqual(("FAILED_PRECONDITION", "LAYOUT_MISMATCH"), (e.exception.code, e.exception.reason))
            self.assertEqual(1, server.registrations)
        finally:
            server.stop()

    def test_a_model_spec_registers_its_layout(self):
        registered = []
        server = FakeServer([], register=lambda r, c: registered.append(r.model_layout))
        try:
            self.run_client(server, model_layout="mlp:3-2-1")
        finally:
            server.stop()
        self.assertEqual([spec_of([(2, 3), (2,), (1, 2), (1,)])], registered)

    def test_a_malformed_model_spec_is_refused_naming_the_option(self):
        with self.assertRaises(ValueError) as e:
            start_client("127.0.0.1:1", PlusOne(), name="py", insecure=True, model_layout="mlp:3")
        self.assertIn('model_layout: model spec "mlp:3"', str(e.exception))

    def test_session_replaced_stops(self):
        server = FakeServer([refuse(grpc.StatusCode.ABORTED, "SESSION_REPLACED")])
        try:
            with self.assertRaises(SessionReplacedError):
                self.run_client(server)
        finally:
            server.stop()

    def test_unknown_session_registers_again_then_fits_and_uploads_in_chunks(self):
        server = FakeServer([refuse(grpc.StatusCode.NOT_FOUND, "UNKNOWN_SESSION"), fit_task([(2, 3), (1,)])])
        client = PlusOne()
        try:
            summary = self.run_client(server, client)
        finally:
            server.stop()
        self.assertEqual((1, 0, "over"), (summary.fit_tasks, summary.evaluate_tasks, summary.finish_reason))
        self.assertEqual(2, server.registrations)
        info, config = client.tasks[0]
        self.assertEqual(("run", 1, "t1", -5), (info.run_id, info.round, info.task_id, info.seed))
        self.assertEqual({"lr": 0.1, "epochs": 2}, config)
        parts = server.results[0]
        header = parts[0].header
        self.assertEqual("s2", header.task.session_id)
        self.assertEqual(3, header.fit.num_examples)
        self.assertEqual(spec_of([(2, 3), (1,)]), header.fit.parameters)
        data = [p.chunk for p in parts[1:]]
        self.assertTrue(all(0 < len(c.data) <= 8 for c in data))
        values = np.frombuffer(b"".join(c.data for c in data), dtype="<f4")
        np.testing.assert_array_equal(np.array([1, 2, 3, 4, 5, 6, 1.5], dtype=np.float32), values)

    def test_heartbeats_continue_while_the_client_trains(self):
        server = FakeServer([fit_task([(2, 3), (1,)])], heartbeat_interval_ms=50)

        class Slow(PlusOne):
            def fit(self, parameters, config):
                self.seen = server.three_heartbeats.wait(30)  # bounded; returns once 3 heartbeats arrived
                return super().fit(parameters, config)

        client = Slow()
        try:
            self.run_client(server, client)
        finally:
            server.stop()
        self.assertTrue(client.seen, "heartbeats arrived while fit was running")
        self.assertEqual({"s1"}, set(server.heartbeats))

    def test_a_model_beyond_the_limits_is_refused_before_downloading(self):
        server = FakeServer([fit_task([(2, 3), (1,)])])
        try:
            self.run_client(server, max_model_bytes=27)
        finally:
            server.stop()
        self.assertEqual(0, server.downloads)
        message = server.results[0][0].header.error.message
        self.assertIn("declares 28 bytes in 2 tensors, more than this client's limit max_model_bytes = 27", message)
        self.assertEqual(1, len(server.results[0]))

    def test_a_failing_fit_is_reported_with_a_bounded_message(self):
        class Failing(Client):
            def fit(self, parameters, config):
                raise RuntimeError("x" * 5000)

        server = FakeServer([fit_task([(2, 3), (1,)])])
        try:
            self.run_client(server, Failing())
        finally:
            server.stop()
        message = server.results[0][0].header.error.message
        self.assertTrue(message.startswith("RuntimeError: xxx"), message[:50])
        self.assertEqual(1024, len(message))

    def test_error_messages_are_bounded_in_utf16_units_as_the_server_counts(self):
        from lianbang.client import _error_text
        message = _error_text("\U0001F600" * 600).message  # each is 2 UTF-16 units
        self.assertLessEqual(len(message.encode("utf-16-le")) // 2, 1024)
        self.assertTrue(message.endswith("..."))
        self.assertEqual("short", _error_text("short").message)

    def test_encodings_and_secagg_stages_are_refused_with_a_task_error(self):
        encoded = fit_task([(2, 3), (1,)], download_encoding=pb.Encoding(codec="int8"))
        stage = pb.Task(run_id="run", round=2, task_id="s", deadline_unix_ms=(1 << 62),
                        secagg=pb.SecAggInstruction(message=b"\x01"))
        server = FakeServer([encoded, stage])
        try:
            summary = self.run_client(server, codecs=())
        finally:
            server.stop()
        self.assertEqual(0, server.downloads)
        self.assertIn("download_encoding 'int8' is unusable: this client declared no codecs",
                      server.results[0][0].header.error.message)
        self.assertIn("does not take part in secure aggregation", server.secagg[0].error.message)
        # Reported errors count as answered tasks, as in the Java client; nothing was rejected.
        self.assertEqual((1, 0), (summary.fit_tasks, summary.rejected_results))

    def test_invalid_options_name_the_option_and_the_value(self):
        with self.assertRaisesRegex(ValueError, r"poll_wait: expected a positive number of seconds, got -1"):
            start_client("127.0.0.1:1", PlusOne(), name="py", insecure=True, poll_wait=-1)
        with self.assertRaisesRegex(ValueError, r"name: expected .* got 'a b'"):
            start_client("127.0.0.1:1", PlusOne(), name="a b", insecure=True)
        with self.assertRaisesRegex(ValueError, r"model_layout\[1\]: expected non-negative integer dimensions, got \(2, -1\)"):
            start_client("127.0.0.1:1", PlusOne(), name="py", insecure=True, model_layout=[(1,), (2, -1)])


if __name__ == "__main__":
    unittest.main()
