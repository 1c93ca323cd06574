"""SecAgg+ participant: primitives against published values, the byte format's strictness, and rounds."""

import os
import struct
import unittest

import numpy as np

from lianbang import secagg
from lianbang.secagg import (
    KeyDirectory, MaskedInput, PublicKeys, SecAggError, SecAggParticipant, Setup, ShareDelivery,
    UnmaskRequest, UnmaskShares, EncryptedShares,
)


def setup(self_, n, neighbours, threshold, bits=32, clip=1.0, max_weight=100.0, dimension=3, round_=1):
    return Setup(round_, [f"c{i}" for i in range(n)], self_, neighbours, threshold, clip, bits, max_weight, dimension)


class PrimitivesTest(unittest.TestCase):
    def test_split_mix_64_matches_the_reference_outputs_for_seed_0(self):
        # Steele, Lea & Flood's SplitMix64 from state 0: the first outputs of the reference implementation
        self.assertEqual([0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F],
                         [int(x) for x in secagg.split_mix_longs(0, 0, 3)])
        self.assertEqual(0xE220A8397B1DCDAF, secagg.mix64(secagg.GOLDEN_GAMMA))

    def test_seed_derivation_is_the_documented_chain_of_mixes(self):
        g, mix = secagg.GOLDEN_GAMMA, secagg.mix64
        h = mix(5 ^ g)
        for b in b"secagg-rounding":
            h = mix(h ^ b)
        expected = h - (1 << 64) if h >= 1 << 63 else h
        self.assertEqual(expected, secagg.rounding_seed(5))

    def test_hkdf_is_rfc_5869_test_case_3(self):
        okm = secagg.hkdf(bytes([0x0B] * 22), b"", 42)
        self.assertEqual("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8", okm.hex())

    def test_mask_prg_is_the_aes_ctr_keystream_as_little_endian_words(self):
        # FIPS-197 / SP 800-38A: AES-256 of the zero block under the zero key is dc95c078a2408989ad48a21492842087
        mask = secagg.prg_mask(bytes(32), 2, 62)
        block = bytes.fromhex("dc95c078a2408989ad48a21492842087")
        self.assertEqual(int.from_bytes(block[:8], "little") & ((1 << 62) - 1), int(mask[0]))
        self.assertEqual(int.from_bytes(block[8:], "little") & ((1 << 62) - 1), int(mask[1]))

    def test_quantizer_levels_clip_and_stochastic_rounding(self):
        # 16 bits, one term: L = 65535; t = (c + 1)/2 · L
        u0 = (0xE220A8397B1DCDAF >> 11) * 2.0 ** -53  # the first draw of seed 0: 0.883...
        q = secagg.quantize(np.array([5.0, -1.0, 0.0]), -1.0, 1.0, 16, 1, 0)
        # 5 clips to 1: t = L, no draw; −1: t = 0, draws u0 (0 < 0 is false); 0: t = 32767.5, draws the second
        u1 = (0x6E789E6AA1B965F4 >> 11) * 2.0 ** -53
        self.assertGreater(u0, 0.5)
        self.assertEqual([65535, 0, 32768 if u1 < 0.5 else 32767], [int(x) for x in q])
        # two terms halve the levels: L = 32767
        self.assertEqual([32767], [int(x) for x in secagg.quantize(np.array([1.0]), -1.0, 1.0, 16, 2, 0)])

    def test_shamir_any_threshold_shares_reconstruct_and_fewer_do_not(self):
        secret = os.urandom(32)
        shares = secagg.shamir_split(secret, 3, [1, 2, 3, 4, 5], os.urandom)
        value = int.from_bytes(secret, "big")
        self.assertEqual(value, secagg.shamir_reconstruct({2: shares[1], 4: shares[3], 5: shares[4]}))
        self.assertEqual(value, secagg.shamir_reconstruct(dict(zip([1, 2, 3, 4, 5], shares))))
        self.assertNotEqual(value, secagg.shamir_reconstruct({1: shares[0], 3: shares[2]}))
        self.assertEqual((1 << 256) + 297, secagg.P)

    def test_share_cipher_binds_round_sender_and_recipient(self):
        secret = os.urandom(32)
        c = secagg.share_encrypt(secret, b"plain", 3, 1, 2, os.urandom(12))
        self.assertEqual(b"plain", secagg.share_decrypt(secret, c, 3, 1, 2))
        for args in [(4, 1, 2), (3, 2, 1), (3, 1, 3)]:
            with self.assertRaises(SecAggError) as e:
                secagg.share_decrypt(secret, c, *args)
            self.assertEqual("AUTHENTICATION", e.exception.kind)


class CodecTest(unittest.TestCase):
    def round_trip(self, m):
        again = secagg.decode(secagg.encode(m))
        self.assertEqual(secagg.encode(m), secagg.encode(again))
        return again

    def test_every_message_round_trips(self):
        self.assertEqual(setup(1, 3, [0, 2], 2), self.round_trip(setup(1, 3, [0, 2], 2)))
        self.round_trip(PublicKeys(1, 2, b"a" * 32, b"b" * 32))
        self.round_trip(KeyDirectory(1, {0: (b"a" * 32, b"b" * 32), 2: (b"c" * 32, b"d" * 32)}))
        self.round_trip(EncryptedShares(1, 0, {1: b"xyz", 2: b""}))
        self.round_trip(ShareDelivery(1, {1: b"xyz"}))
        m = self.round_trip(MaskedInput(1, 0, np.array([0, 1, (1 << 17) - 1], dtype=np.uint64), 17))
        self.assertEqual([0, 1, (1 << 17) - 1], [int(x) for x in m.masked])
        self.round_trip(UnmaskRequest(1, [0, 2], [1]))
        self.round_trip(UnmaskShares(1, 0, {0: 5, 2: secagg.P - 1}, {1: 7}))

    def test_layout_of_a_masked_input_and_a_setup(self):
        # 2 entries of 16 bits: header, n = 2, b = 16, then 0x0201 and 0x0403 LSB first
        b = secagg.encode(MaskedInput(7, 1, np.array([0x0201, 0x0403], dtype=np.uint64), 16))
        self.assertEqual(bytes([6, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 2, 16, 1, 2, 3, 4]), b)
        s = secagg.encode(setup(0, 2, [1], 2, dimension=9))
        self.assertEqual(bytes([1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2]) + b"c0" + bytes([0, 2]) + b"c1"
                         + struct.pack(">iiididi", 1, 1, 2, 1.0, 32, 100.0, 9), s)

    def refused(self, data, fragment):
        with self.assertRaises(ValueError) as e:
            secagg.decode(data)
        self.assertIn(fragment, str(e.exception))

    def test_decoding_is_strict(self):
        good = secagg.encode(UnmaskRequest(1, [0, 2], [1]))
        self.refused(good + b"\0", "1 trailing bytes")
        self.refused(good[:-1], "exceeds the message")
        self.refused(good[:5], "shorter than the 9-byte header")
        self.refused(bytes([9]) + good[1:], "unknown message type 9")
        self.refused(good[:1] + struct.pack(">i", -1) + good[5:], "negative round -1")
        self.refused(good[:5] + struct.pack(">i", 3) + good[9:], "carries index 3, expected -1")
        self.refused(secagg.encode(UnmaskRequest(1, [0, 0], [])), "duplicate survivor 0")
        self.refused(secagg.encode(UnmaskRequest(1, [-1], [])), "negative survivor index -1")
        masked = bytearray(secagg.encode(MaskedInput(1, 0, np.array([1], dtype=np.uint64), 20)))
        masked[-1] |= 0x80
        self.refused(bytes(masked), "padding bits")
        self.refused(secagg.encode(MaskedInput(1, 0, np.array([1], dtype=np.uint64), 20))[:13] + bytes([15, 0, 0]), "modulus bits 15")
        shares = bytearray(secagg.encode(UnmaskShares(1, 0, {0: 1}, {})))
        shares[-33:] = secagg.P.to_bytes(33, "big")
        self.refused(bytes(shares), "outside the field")
        self.refused(secagg.encode(ShareDelivery(1, {1: b"x" * 65537})), "ciphertext length 65537")
        name = bytearray(secagg.encode(setup(0, 2, [1], 2)))
        name[15] = 0xFF
        self.refused(bytes(name), "not valid UTF-8")
        self.refused(secagg.encode(setup(0, 2, [1, 1], 2)), "duplicate neighbour 1")
        self.refused(secagg.encode(setup(0, 2, [5], 2)), "neighbour 5 is not among 2")
        self.refused(secagg.encode(setup(2, 2, [1], 2)), "recipient index 2")
        self.refused(secagg.encode(setup(0, 2, [1], 2, bits=63)), "modulus bits 63")
        self.refused(secagg.encode(setup(0, 2, [1], 2, clip=float("nan"))), "clip range nan")
        self.refused(secagg.encode(setup(0, 2, [1], 2, max_weight=0.5)), "max weight 0.5")
        self.refused(secagg.encode(PublicKeys(1, 0, b"a" * 32, b"b" * 31)), "truncated")


def run_round(participants, inputs, threshold, drop_after_keys=(), bits=32, clip=1.0, max_weight=100.0, round_=1):
    """Drives one round on the complete graph as the Java server does; returns the unmasked sum (uint64)."""
    n = len(participants)
    dim = len(inputs[0][0])
    for p, (delta, weight, seed) in zip(participants, inputs):
        p.set_input(round_, [delta], weight, seed)
    keys = {}
    for u, p in enumerate(participants):
        pk = secagg.decode(p.handle(secagg.encode(setup(u, n, [v for v in range(n) if v != u], threshold, bits, clip, max_weight, dim, round_))))
        keys[u] = (pk.cipher_key, pk.mask_key)
    shares = {}
    for u, p in enumerate(participants):
        d = KeyDirectory(round_, {v: keys[v] for v in range(n) if v != u})
        shares[u] = secagg.decode(p.handle(secagg.encode(d))).ciphertexts
    masked = {}
    for u, p in enumerate(participants):
        if u in drop_after_keys:
            continue
        delivery = ShareDelivery(round_, {v: shares[v][u] for v in range(n) if v != u})
        masked[u] = secagg.decode(p.handle(secagg.encode(delivery))).masked
    survivors = sorted(masked)
    dropped = sorted(drop_after_keys)
    replies = {u: secagg.decode(participants[u].handle(secagg.encode(UnmaskRequest(round_, survivors, dropped)))) for u in survivors}
    total = np.zeros(dim + 1, dtype=np.uint64)
    mod = np.uint64((1 << bits) - 1)
    with np.errstate(over="ignore"):
        for y in masked.values():
            total = (total + y) & mod
    for u in survivors:
        seed = secagg.shamir_reconstruct({v + 1: r.seed_shares[u] for v, r in replies.items() if u in r.seed_shares})
        secagg.add_mask(total, seed.to_bytes(32, "big"), -1, bits)
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    for v in dropped:
        sk = secagg.shamir_reconstruct({w + 1: r.key_shares[v] for w, r in replies.items() if v in r.key_shares})
        key = X25519PrivateKey.from_private_bytes(sk.to_bytes(32, "big"))
        for u in survivors:
            seed = secagg.pairwise_seed(secagg._agree(key, keys[u][1]))
            secagg.add_mask(total, seed, -1 if u < v else +1, bits)
    return total, survivors


class RoundTest(unittest.TestCase):
    def test_the_unmasked_sum_is_the_sum_of_the_quantised_inputs_with_a_dropout(self):
        rng = np.random.default_rng(4)
        inputs = [(rng.uniform(-0.5, 0.5, 6).astype(np.float32), float(w), 100 + u) for u, w in enumerate([40, 250, 60, 80, 90])]
        total, survivors = run_round([SecAggParticipant() for _ in inputs], inputs, 3, drop_after_keys=(2,))
        self.assertEqual([0, 1, 3, 4], survivors)
        expected = np.zeros(7, dtype=np.uint64)
        for u in survivors:
            delta, weight, seed = inputs[u]
            r = min(1.0, weight / 100.0)
            q = secagg.quantize(np.append(r * delta.astype(np.float64), 0.0), -1.0, 1.0, 32, 5, seed)
            # the weight entry is r on [0, 1] drawn after the coordinates from the same generator
            expected += secagg._quantize_input(r * delta.astype(np.float64), r, 1.0, 32, 5, seed)
            np.testing.assert_array_equal(q[:6], secagg._quantize_input(r * delta.astype(np.float64), r, 1.0, 32, 5, seed)[:6])
        np.testing.assert_array_equal(expected, total)
        levels = (2 ** 32 - 1) // 5
        step = 2.0 / levels
        decoded = total[:6].astype(np.float64) * step + 4 * -1.0
        exact = sum(min(1.0, inputs[u][1] / 100) * inputs[u][0].astype(np.float64) for u in survivors)
        self.assertTrue(np.all(np.abs(decoded - exact) < 4 * step), decoded - exact)
        weight = total[6] / levels
        self.assertAlmostEqual(0.4 + 1.0 + 0.8 + 0.9, weight, delta=4.0 / levels)

    def test_an_unsafe_setup_is_refused_before_any_key(self):
        p = SecAggParticipant()
        for s, fragment in [(setup(0, 4, [1, 2, 3], 2), "threshold must be >= 3"), (setup(0, 4, [1, 2, 3], 5), "must be <= k + 1 = 4"),
                            (setup(0, 4, [], 2), "no neighbours"), (setup(0, 4, [1, 2, 3], 0), "must be >= 3, got 0")]:
            with self.assertRaises(SecAggError) as e:
                p.handle(secagg.encode(s))
            self.assertEqual("UNSAFE", e.exception.kind)
            self.assertIn(fragment, str(e.exception))
        with self.assertRaises(SecAggError) as e:
            p.handle(secagg.encode(setup(0, 4, [0, 1], 2)))
        self.assertEqual("PROTOCOL", e.exception.kind)
        with self.assertRaises(SecAggError) as e:  # nothing was set up: a later stage is refused
            p.handle(secagg.encode(KeyDirectory(1, {})))
        self.assertIn("without a setup", str(e.exception))

    def test_stages_out_of_order_a_second_unmask_and_responses_are_refused(self):
        p = SecAggParticipant()
        p.handle(secagg.encode(setup(0, 3, [1, 2], 2)))
        with self.assertRaises(SecAggError) as e:
            p.handle(secagg.encode(ShareDelivery(1, {})))
        self.assertIn("ShareDelivery arrived in stage KEYS_ADVERTISED", str(e.exception))
        with self.assertRaises(SecAggError) as e:
            p.handle(secagg.encode(PublicKeys(1, 0, b"a" * 32, b"b" * 32)))
        self.assertIn("not a stage request", str(e.exception))
        with self.assertRaises(SecAggError) as e:
            p.handle(b"\x07")
        self.assertIn("malformed SecAgg message", str(e.exception))

    def test_a_tampered_share_fails_authentication(self):
        ps = [SecAggParticipant() for _ in range(3)]
        keys = {}
        for u, p in enumerate(ps):
            p.set_input(1, [np.zeros(3, np.float32)], 5, 0)
            pk = secagg.decode(p.handle(secagg.encode(setup(u, 3, [v for v in range(3) if v != u], 2))))
            keys[u] = (pk.cipher_key, pk.mask_key)
        shares = {u: secagg.decode(p.handle(secagg.encode(KeyDirectory(1, {v: keys[v] for v in range(3) if v != u})))).ciphertexts
                  for u, p in enumerate(ps)}
        bad = bytearray(shares[1][0])
        bad[20] ^= 1
        with self.assertRaises(SecAggError) as e:
            ps[0].handle(secagg.encode(ShareDelivery(1, {1: bytes(bad), 2: shares[2][0]})))
        self.assertEqual("AUTHENTICATION", e.exception.kind)
        self.assertIn("share from client 1", str(e.exception))

    @staticmethod
    def _keys_shared(n, t):
        """n participants of a complete graph with threshold t that have advertised and shared keys."""
        ps = [SecAggParticipant() for _ in range(n)]
        keys = {}
        for u, p in enumerate(ps):
            p.set_input(1, [np.zeros(3, np.float32)], 5, 0)
            pk = secagg.decode(p.handle(secagg.encode(setup(u, n, [v for v in range(n) if v != u], t))))
            keys[u] = (pk.cipher_key, pk.mask_key)
        shares = {u: secagg.decode(p.handle(secagg.encode(KeyDirectory(1, {v: keys[v] for v in range(n) if v != u})))).ciphertexts
                  for u, p in enumerate(ps)}
        return ps, keys, shares

    def test_too_few_holders_ciphertexts_or_survivors_and_inconsistent_lists_are_refused(self):
        # stage 1: fewer than t holders of the shares (itself included) is UNSAFE
        a, b = SecAggParticipant(), SecAggParticipant()
        a.handle(secagg.encode(setup(0, 4, [1, 2, 3], 3)))
        other = secagg.decode(b.handle(secagg.encode(setup(1, 4, [0, 2, 3], 3))))
        with self.assertRaises(SecAggError) as e:
            a.handle(secagg.encode(KeyDirectory(1, {1: (other.cipher_key, other.mask_key)})))
        self.assertEqual("UNSAFE", e.exception.kind)
        self.assertIn("only 1 neighbours advertised keys, the threshold is 3", str(e.exception))
        # stage 2: fewer than t - 1 ciphertexts is UNSAFE
        ps, _, _ = self._keys_shared(3, 3)
        with self.assertRaises(SecAggError) as e:
            ps[0].handle(secagg.encode(ShareDelivery(1, {})))
        self.assertEqual("UNSAFE", e.exception.kind)
        self.assertIn("only 0 neighbours shared keys, the threshold is 3", str(e.exception))
        # stage 3
        for survivors, dropped, kind, says in [([0, 1, 2], [1], "PROTOCOL", "client 1 is listed as both survivor and dropped"),
                                               ([1, 2], [0], "PROTOCOL", "this client is not listed among the survivors"),
                                               ([0], [1, 2], "UNSAFE", "only 1 of this client's neighbours survived, the threshold is 2")]:
            ps, _, shares = self._keys_shared(3, 2)
            ps[0].handle(secagg.encode(ShareDelivery(1, {v: shares[v][0] for v in (1, 2)})))
            with self.assertRaises(SecAggError) as e:
                ps[0].handle(secagg.encode(UnmaskRequest(1, survivors, dropped)))
            self.assertEqual(kind, e.exception.kind)
            self.assertIn(says, str(e.exception))
        # an answer: seed shares of the survivors (its own included), key shares of the dropped, never its own
        ps, _, shares = self._keys_shared(3, 2)
        ps[0].handle(secagg.encode(ShareDelivery(1, {v: shares[v][0] for v in (1, 2)})))
        reply = secagg.decode(ps[0].handle(secagg.encode(UnmaskRequest(1, [0, 1], [2]))))
        self.assertEqual([0, 1], sorted(reply.seed_shares))
        self.assertEqual([2], sorted(reply.key_shares))

    def test_set_input_refuses_non_finite_values_and_non_positive_weights(self):
        p = SecAggParticipant()
        with self.assertRaises(ValueError) as e:
            p.set_input(1, [np.array([0.0, np.nan], np.float32)], 1, 0)
        self.assertIn("update[1] = nan", str(e.exception))
        with self.assertRaises(ValueError):
            p.set_input(1, [np.zeros(2, np.float32)], 0, 0)


if __name__ == "__main__":
    unittest.main()
