package io.lianbang.privacy.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class X25519Test {
  private static final HexFormat HEX = HexFormat.of();

  /** RFC 7748, Section 6.1. */
  @Test
  void rfc7748DiffieHellmanVector() {
    byte[] alicePriv = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    byte[] alicePub = HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    byte[] bobPriv = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    byte[] bobPub = HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    byte[] shared = HEX.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    assertArrayEquals(alicePub, X25519.publicOf(alicePriv));
    assertArrayEquals(bobPub, X25519.publicOf(bobPriv));
    assertArrayEquals(shared, X25519.agree(X25519.decodePrivate(alicePriv), X25519.decodePublic(bobPub)));
    assertArrayEquals(shared, X25519.agree(X25519.decodePrivate(bobPriv), X25519.decodePublic(alicePub)));
  }

  @Test
  void generatedKeysRoundTripThroughTheirEncodings() {
    KeyPair a = X25519.generate(new SecureRandom());
    KeyPair b = X25519.generate(new SecureRandom());
    assertArrayEquals(X25519.encode(a.getPublic()), X25519.publicOf(X25519.encode(a.getPrivate())));
    assertArrayEquals(X25519.agree(a.getPrivate(), b.getPublic()),
        X25519.agree(X25519.decodePrivate(X25519.encode(b.getPrivate())), X25519.decodePublic(X25519.encode(a.getPublic()))));
  }
}
