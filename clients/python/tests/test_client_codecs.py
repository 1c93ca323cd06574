"""The client's compressed transfers and secure-aggregation rounds against a scripted in-process
server on loopback: held_round in every poll, encoded and delta downloads, encoded updates with
error feedback, what survives registering again and what a new run resets; the fit receipt of
secure aggregation (the Java tests io.lianbang.python.Python*Test run against real Java servers)."""

import unittest

import grpc
import numpy as np

from lianbang import codecs, start_client
from lianbang._transfer import encoded_chunks, spec_of
from lianbang.v1 import federation_pb2 as pb
from tests.test_client_status import FakeServer, PlusOne, fit_task, refuse

SHAPES = [(2, 3), (1,)]


class ScriptedServer(FakeServer):
    """A FakeServer that records each poll's held_round, gives the run ids in ``runs`` to
    successive registrations (the last one repeats) and streams ``downloads`` (encoded tensors, or
    None for the float32 start model) to successive downloads."""

    def __init__(self, tasks, runs=("run",), downloads=(), **kw):
        super().__init__(tasks, **kw)
        self.runs = list(runs)
        self.scripted = list(downloads)
        self.held = []
        self.codecs = []

    def Register(self, request, context):
        self.codecs.append(list(request.codecs))
        response = super().Register(request, context)
        response.run_id = self.runs.pop(0) if len(self.runs) > 1 else self.runs[0]
        return response

    def GetTask(self, request, context):
        self.held.append(request.held_round)
        return super().GetTask(request, context)

    def Download(self, request, context):
        encoded = self.scripted.pop(0) if self.scripted else None
        if encoded is None:
            yield from super().Download(request, context)
        else:
            with self.lock:
                self.downloads += 1
            yield from encoded_chunks(encoded, self.max_chunk_bytes)


def encoding(name, **parameters):
    return pb.Encoding(codec=name, parameters=parameters)


def run(server, client=None, **options):
    return start_client(f"127.0.0.1:{server.port}", client or PlusOne(), name="py", insecure=True, poll_wait=1,
                        rpc_timeout=5, give_up_after=10, **options)


def uploaded(parts):
    """The concatenated chunk bytes of tensor t of one upload, by t."""
    out = {}
    for p in parts[1:]:
        c = p.chunk
        assert c.byte_offset == len(out.get(c.tensor_index, b"")), "chunks in order"
        out[c.tensor_index] = out.get(c.tensor_index, b"") + c.data
    return out


class CompressedTransferTest(unittest.TestCase):
    def setUp(self):
        self.start = [np.arange(6, dtype=np.float32).reshape(2, 3), np.array([0.5], dtype=np.float32)]

    def test_declares_every_codec_by_default_and_none_when_asked(self):
        server = ScriptedServer([fit_task(SHAPES)])
        try:
            run(server)
        finally:
            server.stop()
        self.assertEqual(list(codecs.SUPPORTED), server.codecs[0])
        # a float32 fit task: the start is held for a later delta download
        self.assertEqual([0, 1], server.held)
        server = ScriptedServer([fit_task(SHAPES)])
        try:
            run(server, codecs=())
        finally:
            server.stop()
        self.assertEqual([[]], server.codecs)
        self.assertEqual([0, 0], server.held, "a client without codecs never holds a start")

    def test_encoded_and_delta_downloads_and_encoded_updates_with_error_feedback(self):
        int8 = codecs.create("int8", {"block": 4})
        up = codecs.create("topk+int8", {"count": 3, "block": 4})
        start1 = self.start
        down1 = [int8.encode(t.reshape(-1), 1) for t in start1]
        decoded1 = [int8.decode(d, t.size).reshape(t.shape) for d, t in zip(down1, start1)]
        diff = [np.full(t.shape, 0.25, dtype=np.float32) for t in start1]
        fp16 = codecs.create("fp16", {})
        down2 = [fp16.encode(d.reshape(-1), 0) for d in diff]
        start2 = [(a + fp16.decode(d, a.size).reshape(a.shape)).astype(np.float32) for a, d in zip(decoded1, down2)]
        tasks = [fit_task(SHAPES, 1, download_encoding=encoding("int8", block=4.0),
                          upload_encoding=encoding("topk+int8", count=3.0, block=4.0), error_feedback=True),
                 fit_task(SHAPES, 2, download_encoding=encoding("fp16"), download_base_round=1,
                          upload_encoding=encoding("topk+int8", count=3.0, block=4.0), error_feedback=True)]
        server = ScriptedServer(tasks, downloads=[down1, down2], max_chunk_bytes=5)
        try:
            summary = run(server)
        finally:
            server.stop()
        self.assertEqual(2, summary.fit_tasks)
        self.assertEqual([0, 1, 2], server.held)
        # the reference: Java's UpdateEncoder, as lianbang.codecs reproduces it byte for byte
        reference = codecs.UpdateEncoder(up, True)
        for parts, start in zip(server.results, (decoded1, start2)):
            header = parts[0].header
            self.assertFalse(header.HasField("error"), header.error.message)
            self.assertEqual(encoding("topk+int8", count=3.0, block=4.0), header.fit.encoding)
            self.assertEqual(spec_of(SHAPES), header.fit.parameters)
            self.assertTrue(all(1 <= len(p.chunk.data) <= 5 for p in parts[1:]))
            expected = reference.encode(start, [a + 1 for a in start], -5)
            self.assertEqual(dict(enumerate(expected)), uploaded(parts))
        self.assertGreater(np.abs(reference.residual(0, 6)).max(), 0, "the residuals carried over")

    def test_a_delta_against_a_round_not_held_is_refused_before_downloading(self):
        tasks = [fit_task(SHAPES, 1), fit_task(SHAPES, 3, download_encoding=encoding("int8"), download_base_round=2)]
        server = ScriptedServer(tasks)
        try:
            run(server)
        finally:
            server.stop()
        self.assertEqual(1, server.downloads)
        self.assertIn("refused: download_base_round is 2 but this client holds the start of round 1",
                      server.results[1][0].header.error.message)

    def test_state_survives_registering_again_in_the_run_and_resets_in_a_new_one(self):
        up = encoding("int8", block=4.0)
        tasks = [fit_task(SHAPES, 1, upload_encoding=up, error_feedback=True),
                 refuse(grpc.StatusCode.NOT_FOUND, "UNKNOWN_SESSION"),  # the same run: the state survives
                 fit_task(SHAPES, 2, upload_encoding=up, error_feedback=True),
                 refuse(grpc.StatusCode.NOT_FOUND, "UNKNOWN_SESSION"),  # a new run: the state is reset
                 fit_task(SHAPES, 3, upload_encoding=up, error_feedback=True, download_encoding=encoding("int8"),
                          download_base_round=2)]
        server = ScriptedServer(tasks, runs=["run", "run", "other"])
        try:
            run(server)
        finally:
            server.stop()
        self.assertEqual([0, 1, 1, 2, 0, 0], server.held)
        int8 = codecs.create("int8", {"block": 4})
        trained = [a + 1 for a in self.start]
        continued = codecs.UpdateEncoder(int8, True)
        continued.encode(self.start, trained, -5)
        self.assertEqual(dict(enumerate(continued.encode(self.start, trained, -5))), uploaded(server.results[1]),
                         "round 2 adds round 1's residuals")
        self.assertIn("download_base_round is 2 but this client holds no fit round's start",
                      server.results[2][0].header.error.message)

    def test_an_encoding_the_client_did_not_declare_or_cannot_build_is_refused(self):
        tasks = [fit_task(SHAPES, 1, upload_encoding=encoding("topk+int8")),
                 fit_task(SHAPES, 2, download_encoding=encoding("int8", block=0.5))]
        server = ScriptedServer(tasks)
        try:
            run(server, codecs=("int8",))
        finally:
            server.stop()
        self.assertEqual(0, server.downloads)
        self.assertIn("upload_encoding 'topk+int8' is unusable: this client did not declare 'topk'",
                      server.results[0][0].header.error.message)
        self.assertIn("download_encoding 'int8'{block=0.5} is unusable: codec int8: parameter block must be an integer",
                      server.results[1][0].header.error.message)

    def test_invalid_codec_and_secagg_options_name_the_value(self):
        with self.assertRaisesRegex(ValueError, r"codecs: unknown codec name 'int7' \(valid: float32, "):
            start_client("127.0.0.1:1", PlusOne(), name="py", insecure=True, codecs=("int8", "int7"))
        with self.assertRaisesRegex(ValueError, r"secagg: expected True or False, got 'yes'"):
            start_client("127.0.0.1:1", PlusOne(), name="py", insecure=True, secagg="yes")


class SecAggRoundTest(unittest.TestCase):
    def test_refuses_a_round_without_secagg_and_sends_a_receipt_for_one(self):
        plain = fit_task(SHAPES, 1)
        secure = fit_task(SHAPES, 2)
        secure.fit.config["secagg"].bool_value = True
        stage = pb.Task(run_id="run", round=2, task_id="s", deadline_unix_ms=(1 << 62),
                        secagg=pb.SecAggInstruction(message=b"\x01"))
        server = ScriptedServer([plain, secure, stage])
        client = PlusOne()
        try:
            run(server, client, secagg=True)
        finally:
            server.stop()
        self.assertEqual([2], [t.round for t, _ in client.tasks], "round 1 was not trained")
        self.assertIn("round 1: the server did not ask for secure aggregation (fit config 'secagg' is not true)",
                      server.results[0][0].header.error.message)
        receipt = server.results[1]
        self.assertEqual(1, receipt[0].header.fit.num_examples)
        self.assertEqual({}, dict(receipt[0].header.fit.metrics))
        values = np.frombuffer(b"".join(p.chunk.data for p in receipt[1:]), dtype="<f4")
        np.testing.assert_array_equal(np.concatenate([a.reshape(-1) for a in self.start_model()]), values)
        self.assertEqual("PROTOCOL", server.secagg[0].error.kind)
        self.assertTrue(server.secagg[0].error.message.startswith("malformed SecAgg message:"), server.secagg[0].error.message)

    def test_a_refused_stage_reply_is_dropped_and_the_run_goes_on(self):
        class Refusing(ScriptedServer):
            def SubmitSecAgg(self, reply, context):
                self.secagg.append(reply)
                refuse(grpc.StatusCode.FAILED_PRECONDITION, "SECAGG_WRONG_STAGE")(context)

        stage = pb.Task(run_id="run", round=1, task_id="s", deadline_unix_ms=(1 << 62),
                        secagg=pb.SecAggInstruction(message=b"\x01"))
        server = Refusing([stage, fit_task(SHAPES, 2)])
        try:
            summary = run(server, secagg=True)
        finally:
            server.stop()
        self.assertEqual(1, summary.rejected_results)
        self.assertEqual("over", summary.finish_reason)
        self.assertEqual(1, len(server.secagg))

    @staticmethod
    def start_model():
        return [np.arange(6, dtype=np.float32).reshape(2, 3), np.array([0.5], dtype=np.float32)]


if __name__ == "__main__":
    unittest.main()
