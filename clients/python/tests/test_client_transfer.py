"""Chunk assembly, layout limits and upload chunking (lianbang._transfer), against the rules of
docs/protocol.md, "Chunks"."""

import types
import unittest

import numpy as np

from lianbang._transfer import Assembler, MalformedParameters, accepted_layout, assemble, chunks, spec_of
from lianbang.v1 import federation_pb2 as pb


def chunk(index, offset, values):
    return pb.TensorChunk(tensor_index=index, byte_offset=offset, data=np.asarray(values, dtype="<f4").tobytes())


class AssemblerTest(unittest.TestCase):
    def test_rebuilds_tensors_in_order_skipping_empty_ones(self):
        shapes = [(2, 2), (0,), (3,)]
        got = assemble([chunk(0, 0, [1, 2, 3]), chunk(0, 12, [4]), chunk(2, 0, [5, 6, 7])], shapes, 12)
        self.assertEqual([(2, 2), (0,), (3,)], [a.shape for a in got])
        np.testing.assert_array_equal(np.array([[1, 2], [3, 4]], dtype=np.float32), got[0])
        np.testing.assert_array_equal(np.array([5, 6, 7], dtype=np.float32), got[2])
        self.assertEqual(np.float32, got[0].dtype)

    def test_refuses_a_chunk_out_of_order(self):
        a = Assembler([(4,)], 16)
        with self.assertRaisesRegex(MalformedParameters, r"expected tensor\[0\] at byte 0 but got tensor\[0\] at byte 4"):
            a.accept(chunk(0, 4, [1]))
        a = Assembler([(1,), (1,)], 16)
        with self.assertRaisesRegex(MalformedParameters, r"expected tensor\[0\] at byte 0 but got tensor\[1\] at byte 0"):
            a.accept(chunk(1, 0, [1]))

    def test_refuses_empty_oversized_partial_and_overlong_chunks(self):
        with self.assertRaisesRegex(MalformedParameters, "is empty"):
            Assembler([(4,)], 16).accept(pb.TensorChunk(tensor_index=0, byte_offset=0, data=b""))
        with self.assertRaisesRegex(MalformedParameters, "has 12 bytes, more than the limit of 8"):
            Assembler([(4,)], 8).accept(chunk(0, 0, [1, 2, 3]))
        with self.assertRaisesRegex(MalformedParameters, "has 6 bytes, not a whole number of float32 values"):
            Assembler([(4,)], 16).accept(pb.TensorChunk(tensor_index=0, byte_offset=0, data=b"\0" * 6))
        with self.assertRaisesRegex(MalformedParameters, r"runs past its end: 3 values for a tensor of 2"):
            Assembler([(2,)], 16).accept(chunk(0, 0, [1, 2, 3]))
        a = Assembler([(1,)], 16)
        a.accept(chunk(0, 0, [1]))
        with self.assertRaisesRegex(MalformedParameters, "arrived after all 1 tensors were complete"):
            a.accept(chunk(1, 0, [1]))

    def test_refuses_truncated_parameters(self):
        a = Assembler([(3,), (2,)], 16)
        a.accept(chunk(0, 0, [1]))
        with self.assertRaisesRegex(MalformedParameters, r"tensor\[0\] has 4 of 12 bytes, and 1 later tensors are missing"):
            a.finish()

    def test_allocates_a_tensor_only_when_its_first_chunk_arrives(self):
        a = Assembler([(1 << 40,)], 16)  # 4 TiB: allocating it up front would fail
        with self.assertRaises(MalformedParameters):
            a.accept(chunk(0, 4, [1]))


class LayoutTest(unittest.TestCase):
    def test_accepts_a_layout_within_the_limits(self):
        self.assertEqual([(2, 3), (4,)], accepted_layout(spec_of([(2, 3), (4,)]), 40, 2))

    def test_refuses_too_many_tensors_naming_count_and_limit(self):
        with self.assertRaisesRegex(ValueError, "declares 3 tensors, more than this client's limit max_model_tensors = 2"):
            accepted_layout(spec_of([(1,), (1,), (1,)]), 1 << 30, 2)

    def test_refuses_too_many_bytes_naming_size_and_limit(self):
        with self.assertRaisesRegex(ValueError, "declares 40 bytes in 2 tensors, more than this client's limit max_model_bytes = 39"):
            accepted_layout(spec_of([(2, 3), (4,)]), 39, 10)
        huge = spec_of([(1 << 62, 1 << 62)])  # no overflow, no allocation
        with self.assertRaisesRegex(ValueError, str(4 * (1 << 124))):
            accepted_layout(huge, 1 << 30, 10)

    def test_refuses_other_dtypes_and_negative_dimensions(self):
        spec = pb.ParametersSpec(tensors=[pb.TensorSpec(dtype=pb.DTYPE_UNSPECIFIED, shape=[1])])
        with self.assertRaisesRegex(ValueError, r"tensor\[0\] has dtype 0 \(DTYPE_UNSPECIFIED\)"):
            accepted_layout(spec, 100, 10)
        with self.assertRaisesRegex(ValueError, r"tensor\[0\] shape\[1\] is negative: -2"):
            accepted_layout(spec_of([(1, -2)]), 100, 10)


class ChunksTest(unittest.TestCase):
    def test_cuts_whole_values_of_at_most_the_limit_lazily(self):
        arrays = [np.arange(6, dtype=np.float64).reshape(2, 3), np.zeros(0), np.array([7.5])]
        parts = chunks(arrays, 10)  # 2 values a chunk
        self.assertIsInstance(parts, types.GeneratorType)
        got = list(parts)
        self.assertEqual([(0, 0), (0, 8), (0, 16), (2, 0)], [(c.tensor_index, c.byte_offset) for c in got])
        self.assertTrue(all(0 < len(c.data) <= 10 and len(c.data) % 4 == 0 for c in got))
        self.assertEqual(np.array([4, 5], dtype="<f4").tobytes(), got[2].data)

    def test_chunks_assemble_back_bit_for_bit(self):
        rng = np.random.default_rng(3)
        arrays = [rng.standard_normal((5, 7)).astype(np.float32), rng.standard_normal(9).astype(np.float32)]
        back = assemble(chunks(arrays, 12), [(5, 7), (9,)], 12)
        for a, b in zip(arrays, back):
            self.assertEqual(a.tobytes(), b.tobytes())


if __name__ == "__main__":
    unittest.main()
