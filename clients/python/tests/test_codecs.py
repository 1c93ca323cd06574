"""Codecs: the documented examples and layouts, refusals, and error feedback."""

import struct
import unittest
from fractions import Fraction

import numpy as np

from lianbang import codecs
from lianbang._splitmix import GOLDEN_GAMMA, mix64


def f32(*v):
    return np.array(v, dtype=np.float32)


class CodecTest(unittest.TestCase):
    def test_int8_example_of_the_protocol(self):
        c = codecs.create("int8", {})
        for seed in (0, 1, -5):
            b = c.encode(f32(-1.0, 0.0, 0.5, 126.5), seed)
            self.assertEqual(bytes.fromhex("000080bf0000003f000203ff"), b)
        np.testing.assert_array_equal(f32(-1.0, 0.0, 0.5, 126.5), c.decode(b, 4))
        self.assertEqual(1008, c.encoded_bytes(1000))
        self.assertEqual(3024, c.encoded_bytes(3000))

    def test_int8_stochastic_rounding_uses_the_documented_16_bit_draws(self):
        c = codecs.create("int8", {})
        key = mix64(0 + GOLDEN_GAMMA)  # block 0 takes the first nextLong of seed 0
        r = mix64(key + GOLDEN_GAMMA)  # values 0..3 take mix(key + γ)
        u16 = (r >> 16) & 0xFFFF  # value 1's draw
        b = c.encode(f32(-1.0, 0.25, 0.5, 126.5), 0)  # value 1 has x = 2.5
        self.assertEqual(3 if u16 >= 32768 else 2, b[9])

    def test_int4_packs_the_first_code_in_the_low_nibble(self):
        c = codecs.create("int4", {"block": 3})
        b = c.encode(f32(0.0, 1.0, 2.0), 0)  # scale 2/15: codes 0, 7.5 → 7 or 8, 15
        self.assertEqual(8 + 2, len(b))
        self.assertEqual(0, b[8] & 0xF)
        self.assertEqual(15, b[9] & 0xF)
        self.assertEqual(0, b[9] >> 4)

    def test_topk_examples_of_the_protocol(self):
        v = f32(0.5, -2.0, 0.0, 1.0, 2.0, -0.25, 2.0, 0.0)
        two = codecs.create("topk", {"count": 2})
        self.assertEqual(bytes.fromhex("21000000c000000040"), two.encode(v, 0))
        np.testing.assert_array_equal(f32(0, -2, 0, 0, 2, 0, 0, 0), two.decode(two.encode(v, 0), 8))
        four = codecs.create("topk+float32", {"count": 4})
        self.assertEqual("topk", four.name)
        self.assertEqual(bytes.fromhex("5a000000c00000803f0000004000000040"), four.encode(v, 0))

    def test_fraction_and_min_count(self):
        self.assertEqual(8, codecs.create("topk", {"fraction": 0.07, "min_count": 0}).k.of(100))
        self.assertEqual(100, codecs.create("topk", {}).k.of(100))
        self.assertEqual(100, codecs.create("topk", {}).k.of(5000))
        self.assertEqual(150, codecs.create("topk", {}).k.of(15000))

    def test_sixteen_bit_roundings(self):
        fp16 = codecs.create("fp16", {})
        b = fp16.encode(f32(1.0, 65520.0, 65519.0, 2.0 ** -25, 3.0 * 2.0 ** -26, -0.0, np.inf), 0)
        self.assertEqual([0x3C00, 0x7C00, 0x7BFF, 0x0000, 0x0001, 0x8000, 0x7C00], list(struct.unpack("<7H", b)))
        nan = np.array([0x7F812345], dtype=np.uint32).view(np.float32)
        self.assertEqual(0x7C00 | 0x200 | ((0x7F812345 >> 13) & 0x3FF), struct.unpack("<H", fp16.encode(nan, 0))[0])
        np.testing.assert_array_equal(f32(2.0 ** -24, 1.0, -2.0), fp16.decode(struct.pack("<3H", 0x0001, 0x3C00, 0xC000), 3))
        bf16 = codecs.create("bf16", {})
        # 1 + 2^-8 is a tie between 1 and 1 + 2^-7: to even, 1; 1 + 3·2^-8 rounds up to 1 + 2^-6
        self.assertEqual([0x3F80, 0x3F82], list(struct.unpack("<2H", bf16.encode(f32(1 + 2.0 ** -8, 1 + 3 * 2.0 ** -8), 0))))
        self.assertEqual(0x7FC0, struct.unpack("<H", bf16.encode(np.array([0x7F800001], np.uint32).view(np.float32), 0))[0])

    def test_qsgd_decodes_the_documented_formula_and_refuses_high_codes(self):
        q = codecs.create("qsgd", {"levels": 1, "block": 4})
        # norm 5, 2-bit codes 2, 0, 1, 1 (LSB first): (code − s) · norm / s
        data = struct.pack("<f", 5.0) + bytes([2 | 0 << 2 | 1 << 4 | 1 << 6])
        np.testing.assert_array_equal(f32(5, -5, 0, 0), q.decode(data, 4))
        with self.assertRaises(ValueError) as e:
            q.decode(struct.pack("<f", 5.0) + bytes([3]), 4)
        self.assertIn("code 3 is above 2s = 2", str(e.exception))
        b = q.encode(f32(3, 4, 0, 0), 9)
        self.assertEqual(5.0, struct.unpack("<f", b[:4])[0])
        self.assertTrue(set(q.decode(b, 4).tolist()) <= {-5.0, 0.0, 5.0})

    def test_encoders_refuse_non_finite_values_naming_the_index(self):
        for name in ("int8", "int4", "qsgd", "topk"):
            with self.assertRaises(ValueError) as e:
                codecs.create(name, {}).encode(f32(1, 2, np.nan), 0)
            self.assertIn("values[2] = NaN", str(e.exception))

    def test_create_refuses_as_java_does(self):
        cases = [
            ("x", {}, "unknown codec 'x' (valid: float32, fp16, bf16, int8, int4, qsgd, topk, randomk, topk|randomk+<dense>)"),
            ("topk+topk", {}, "unknown codec 'topk+topk'"),
            ("int8", {"block": 0}, "codec int8: parameter block must be an integer in [1, 1048576], got 0.0"),
            ("int8", {"block": 8.5}, "got 8.5"),
            ("qsgd", {"levels": 128}, "parameter levels must be an integer in [1, 127], got 128.0"),
            ("int8", {"p": 1}, "codec int8: unknown parameter 'p' (valid: block)"),
            ("fp16", {"p": 1}, "(valid: none)"),
            ("topk+int8", {"x": 1}, "(valid: block, count, fraction, min_count)"),
            ("topk", {"count": 1, "fraction": 0.5}, "codec topk: give either count or fraction, not both"),
            ("randomk", {"count": 1, "min_count": 5}, "codec randomk: min_count applies only with fraction, not count"),
            ("topk", {"fraction": 1.5}, "parameter fraction must be in (0.0, 1.0], got 1.5"),
            ("randomk", {"scaled": 2}, "parameter scaled must be an integer in [0, 1], got 2.0"),
            (None, {}, "codec name is missing"),
        ]
        for name, params, message in cases:
            with self.assertRaises(ValueError, msg=name) as e:
                codecs.create(name, params)
            self.assertIn(message, str(e.exception))
        self.assertEqual({"block": 512.0, "count": 5.0, "levels": 3.0, "scaled": 1.0},
                         codecs.create("randomk+qsgd", {"count": 5, "levels": 3}).parameters())
        self.assertEqual(("float32", "fp16", "bf16", "int8", "int4", "qsgd", "topk", "randomk"), codecs.SUPPORTED)

    def test_randomk_scales_by_n_over_k_and_keeps_k_positions(self):
        c = codecs.create("randomk", {"count": 4})
        d = c.decode(c.encode(np.ones(10, np.float32), 3), 10)
        self.assertEqual(4, int((d != 0).sum()))
        self.assertEqual({0.0, 2.5}, set(d.tolist()))


class UpdateEncoderTest(unittest.TestCase):
    def test_error_feedback_resends_what_topk_did_not_send(self):
        enc = codecs.UpdateEncoder(codecs.create("topk", {"count": 1}), True)
        start = [np.zeros(2, np.float32)]
        first = enc.encode(start, [f32(1.0, 0.5)], 7)
        np.testing.assert_array_equal(f32(1.0, 0.0), enc.codec.decode(first[0], 2))
        np.testing.assert_array_equal(f32(0.0, 0.5), enc.residual(0, 2))
        second = enc.encode(start, [f32(0.0, 0.25)], 8)
        np.testing.assert_array_equal(f32(0.0, 0.75), enc.codec.decode(second[0], 2))
        np.testing.assert_array_equal(f32(0.0, 0.0), enc.residual(0, 2))

    def test_sent_plus_residual_is_the_input_exactly_for_every_codec(self):
        # magnitudes from 2^-149 to 2^100 side by side, subnormals, signed zeros, ties, mixed signs
        rng = np.random.default_rng(5)
        n = 400
        configs = [("float32", {}), ("fp16", {}), ("bf16", {}), ("int8", {"block": 64}), ("int4", {"block": 64}),
                   ("qsgd", {"block": 64}), ("qsgd", {"levels": 1, "block": 64}), ("topk", {"fraction": 0.1}),
                   ("randomk", {"fraction": 0.1}), ("topk+int8", {"fraction": 0.2, "block": 16}),
                   ("topk+int4", {"fraction": 0.2}), ("topk+fp16", {"fraction": 0.2}), ("randomk+qsgd", {"fraction": 0.2})]
        for name, params in configs:
            codec = codecs.create(name, params)
            enc = codecs.UpdateEncoder(codec, True)
            top = 14 if "fp16" in name else 100  # fp16 sends 65520 and more as infinity
            for task in range(4):
                kind = rng.integers(0, 6, n)
                sign = np.where(rng.integers(0, 2, n) == 0, -1.0, 1.0)
                u = np.ldexp(1 + rng.integers(0, 1 << 23, n) / float(1 << 23), rng.integers(-126, top + 1, n)) * sign
                u = np.where(kind == 0, sign * rng.integers(1, 1 << 23, n).astype(np.uint32).view(np.float32), u)
                u = np.where(kind == 1, sign * np.ldexp(1.0, -149), u)
                u = np.where(kind == 2, sign * 0.0, u)
                u = np.where(kind == 3, sign * np.ldexp(1.0, top), u)
                u = np.where(kind == 4, sign * 0.75, u).astype(np.float32)
                hi, lo = enc.residual(0, n), enc.residual_low(0, n)
                x = u if task == 0 else (u + hi) + lo
                data = enc.encode([np.zeros(n, np.float32)], [u], task)[0]
                self.assertEqual(codec.encode(x, codecs.tensor_seed(codecs.derive_seed(task, "uplink"), 0)), data,
                                 f"{name} task {task}: input = (update + hi) + lo")
                sent = codec.decode(data, n)
                hi, lo = enc.residual(0, n), enc.residual_low(0, n)
                for i in range(n):
                    self.assertEqual(Fraction(float(x[i])), Fraction(float(sent[i])) + Fraction(float(hi[i])) + Fraction(float(lo[i])),
                                     f"{name} task {task} value {i}: {x[i]} sent as {sent[i]}, residual {hi[i]} + {lo[i]}")
                self.assertTrue(np.array_equal((x - sent).view(np.uint32), hi.view(np.uint32)), f"{name}: hi = f32(input - sent)")

    def test_a_tiny_value_in_a_block_of_large_ones_is_kept_in_the_low_part(self):
        enc = codecs.UpdateEncoder(codecs.create("int8", {}), True)
        data = enc.encode([np.zeros(4, np.float32)], [f32(1e-30, 1e-3, -1e-3, 0.5e-3)], 3)[0]
        sent = enc.codec.decode(data, 4)
        self.assertNotEqual(0.0, sent[0])
        self.assertEqual(-sent[0], enc.residual(0, 4)[0])
        self.assertEqual(np.float32(1e-30), enc.residual_low(0, 4)[0])

    def test_tensor_seeds_follow_the_documented_derivation(self):
        enc = codecs.UpdateEncoder(codecs.create("int8", {"block": 1}), False)
        trained = [f32(0.3), f32(0.3)]
        out = enc.encode([f32(0.0), f32(0.0)], trained, 11)
        seed = codecs.derive_seed(11, "uplink")
        for t in range(2):
            self.assertEqual(codecs.create("int8", {"block": 1}).encode(trained[t], codecs.tensor_seed(seed, t)), out[t])
        with self.assertRaises(ValueError) as e:
            enc.encode([f32(0.0)], [f32(np.inf)], 1)
        self.assertIn("non-finite", str(e.exception))


if __name__ == "__main__":
    unittest.main()
