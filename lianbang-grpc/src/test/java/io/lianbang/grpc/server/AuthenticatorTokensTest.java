package io.lianbang.grpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Bearer tokens among thousands: each authenticates its own owner, and nothing else authenticates. */
class AuthenticatorTokensTest {
  @Test
  void everyTokenOfThousandsAuthenticatesItsOwnerAndNoNearMiss() {
    Map<String, String> tokens = new HashMap<>();
    for (int i = 0; i < 5000; i++) tokens.put(String.format("token-%016d-x", i), "client-" + i);
    Authenticator auth = new Authenticator(Set.of(), tokens, false);
    for (Map.Entry<String, String> t : tokens.entrySet()) assertEquals(t.getValue(), auth.owner(t.getKey()));
    assertNull(auth.owner("token-0000000000000001-y"), "a token differing in its last character");
    assertNull(auth.owner("token-0000000000000001-"), "a prefix of a token");
    assertNull(auth.owner("token-0000000000000001-xx"), "a token with a character more");
    assertNull(auth.owner(""), "an empty token");
    assertNull(new Authenticator(Set.of(), Map.of(), true).owner("token-0000000000000001-x"), "no tokens configured");
  }
}
