package io.lianbang.core.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FederationConfigBuilderTest {
  @Test
  void defaultsAreThoseOfOf() {
    FederationConfig built = FederationConfig.builder().rounds(10).seed(42).build();
    assertEquals(new FederationConfig(10, 42, Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofMinutes(1), 0.5, 1,
        FederationConfig.MAX_EXAMPLES_LIMIT), built);
    assertEquals(FederationConfig.of(10, 42), built);
  }

  @Test
  void everySettingIsSet() {
    FederationConfig c = FederationConfig.builder().rounds(3).seed(-7).roundTimeout(Duration.ofSeconds(5))
        .evaluateTimeout(Duration.ofSeconds(6)).waitForClients(Duration.ofSeconds(7)).quorum(0.25).evaluateEvery(2)
        .maxExamples(1000).build();
    assertEquals(new FederationConfig(3, -7, Duration.ofSeconds(5), Duration.ofSeconds(6), Duration.ofSeconds(7), 0.25, 2, 1000), c);
    assertEquals(c, c.toBuilder().build());
    assertEquals(c.withQuorum(1.0), c.toBuilder().quorum(1.0).build());
  }

  @Test
  void badSettingsAreNamed() {
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> FederationConfig.builder().seed(1).build());
    assertTrue(none.getMessage().contains("rounds"), none.getMessage());
    IllegalArgumentException quorum = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.builder().rounds(1).quorum(1.5).build());
    assertEquals("quorum must be in (0, 1], got 1.5", quorum.getMessage());
    IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
        () -> FederationConfig.builder().rounds(1).waitForClients(Duration.ZERO).build());
    assertEquals("waitForClients must be positive, got PT0S", timeout.getMessage());
    IllegalArgumentException rounds = assertThrows(IllegalArgumentException.class, () -> FederationConfig.builder().rounds(0).build());
    assertEquals("rounds must be >= 1, got 0", rounds.getMessage());
  }
}
