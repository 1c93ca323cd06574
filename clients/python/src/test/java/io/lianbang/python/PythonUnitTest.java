package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the Python package's own unit tests ({@code tests/test_*.py}) with {@link Python}. */
class PythonUnitTest {
  @Test
  void pythonUnitTestsPass() throws Exception {
    Python.Result r = Python.run(List.of("-m", "unittest", "discover", "-s", "tests", "-t", ".", "-v"), Map.of(), 600);
    System.out.println(r.output());
    assertEquals(0, r.exitCode(), r.output());
  }
}
