package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The protocol modules committed under {@code lianbang/v1} (so that the folder installs without
 * protoc) are exactly what protoc generates from the published {@code .proto} in this build.
 */
class GeneratedStubsTest {
  @Test
  void committedModulesEqualTheGeneratedOnes() throws Exception {
    Path generated = Python.HOME.resolve("target/generated-python/lianbang/v1");
    List<Path> files;
    try (Stream<Path> s = Files.list(generated)) {
      files = s.filter(p -> p.toString().endsWith("_pb2.py")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "nothing generated in " + generated);
    for (Path g : files) {
      Path committed = Python.HOME.resolve("lianbang/v1").resolve(g.getFileName());
      assertEquals(Files.readString(g), Files.exists(committed) ? Files.readString(committed) : "<missing>",
          committed + " differs from the module protoc generates from the .proto: copy " + g + " over it");
    }
  }
}
