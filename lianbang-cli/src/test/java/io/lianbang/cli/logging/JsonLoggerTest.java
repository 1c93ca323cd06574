package io.lianbang.cli.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** A JSON log line is one object that a JSON parser reads back field for field. */
class JsonLoggerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aLineIsOneJsonObjectWithEveryField() throws Exception {
    String msg = "client \"a\"\nsent\ttabs, a bell \u0007 and 联邦";
    IllegalStateException failure = new IllegalStateException("broken");
    String line = JsonLogger.line(Instant.parse("2026-03-04T05:06:07.089Z"), Level.WARN, "io.lianbang.X", "main", msg, failure);
    assertFalse(line.contains("\n"), "one line: " + line);
    JsonNode n = JSON.readTree(line);
    assertEquals(Set.of("ts", "level", "logger", "thread", "msg", "exception"), fields(n));
    assertEquals("2026-03-04T05:06:07.089Z", n.get("ts").asText());
    assertEquals("WARN", n.get("level").asText());
    assertEquals("io.lianbang.X", n.get("logger").asText());
    assertEquals("main", n.get("thread").asText());
    assertEquals(msg, n.get("msg").asText());
    assertTrue(n.get("exception").asText().startsWith("java.lang.IllegalStateException: broken\n\tat "), n.get("exception").asText());

    JsonNode plain = JSON.readTree(JsonLogger.line(Instant.EPOCH, Level.INFO, "l", "t", "m", null));
    assertEquals(Set.of("ts", "level", "logger", "thread", "msg"), fields(plain), "no exception field without one");
    assertEquals("1970-01-01T00:00:00.000Z", plain.get("ts").asText());
  }

  private static Set<String> fields(JsonNode n) {
    java.util.TreeSet<String> names = new java.util.TreeSet<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void theLoggerWritesEventsAtItsLevelWithArgumentsAndTheTrailingThrowable() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = System.err;
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      JsonLogger log = new JsonLogger("io.lianbang.Test", Level.WARN.toInt());
      assertFalse(log.isInfoEnabled());
      assertTrue(log.isWarnEnabled() && log.isErrorEnabled());
      log.info("not written");
      log.warn("client {} failed in round {}", "a", 3);
      log.error("round {} lost", 4, new RuntimeException("gone"));
      JsonLogger off = new JsonLogger("off", JsonLogger.OFF);
      off.error("never");
      assertFalse(off.isErrorEnabled());
    } finally {
      System.setErr(err);
    }
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(2, lines.size(), lines.toString());
    JsonNode warn = JSON.readTree(lines.get(0));
    assertEquals("client a failed in round 3", warn.get("msg").asText());
    assertEquals("WARN", warn.get("level").asText());
    assertEquals(Thread.currentThread().getName(), warn.get("thread").asText());
    assertFalse(warn.has("exception"));
    JsonNode error = JSON.readTree(lines.get(1));
    assertEquals("round 4 lost", error.get("msg").asText());
    assertTrue(error.get("exception").asText().startsWith("java.lang.RuntimeException: gone"), lines.get(1));
    long ms = Instant.parse(warn.get("ts").asText()).toEpochMilli();
    assertTrue(Math.abs(System.currentTimeMillis() - ms) < 3_600_000, "the time of the event, in UTC: " + warn.get("ts"));
  }
}
