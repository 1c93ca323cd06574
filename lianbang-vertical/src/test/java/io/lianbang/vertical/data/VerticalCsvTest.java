package io.lianbang.vertical.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerticalCsvTest {
  @Test
  void readsTheBreastSplit() {
    VerticalTable guest = TestData.breastGuest();
    VerticalTable host = TestData.breastHost();
    assertEquals(569, guest.rows());
    assertEquals(10, guest.columns());
    assertEquals(20, host.columns());
    assertNull(host.labels());
    assertEquals("133", guest.ids().get(0));
    assertEquals(1.0, guest.labels()[0]);
    assertEquals(0.254879, guest.features()[0][0]);
    assertEquals(-0.554102, host.features()[0][19]);
    long positives = java.util.Arrays.stream(guest.labels()).filter(y -> y == 1).count();
    assertEquals(357, positives);
  }

  @Test
  void readsTheCompressedCreditSplit() {
    VerticalTable guest = TestData.creditGuest();
    VerticalTable host = TestData.creditHost();
    assertEquals(30_000, guest.rows());
    assertEquals(30_000, host.rows());
    assertEquals(13, guest.columns());
    assertEquals(10, host.columns());
    assertTrue(guest.hasLabels());
  }

  @Test
  void selectsRowsInTheGivenOrder() {
    VerticalTable host = TestData.breastHost();
    VerticalTable two = host.select(List.of(host.ids().get(5), host.ids().get(2)));
    assertEquals(List.of(host.ids().get(5), host.ids().get(2)), two.ids());
    assertEquals(host.features()[2][3], two.features()[1][3]);
    assertThrows(IllegalArgumentException.class, () -> host.select(List.of("no such id")));
  }

  @Test
  void namesTheLineAndColumnOfABadValue(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.csv");
    Files.writeString(f, "id,y,x0\na,1,0.5\nb,0,NaN\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VerticalCsv.read(f));
    assertTrue(e.getMessage().contains("line 3 column x0") && e.getMessage().contains("NaN"), e.getMessage());
    Files.writeString(f, "id,x0\na,1\na,2\n");
    e = assertThrows(IllegalArgumentException.class, () -> VerticalCsv.read(f));
    assertTrue(e.getMessage().contains("id a appears in rows 0 and 1"), e.getMessage());
    Files.writeString(f, "key,x0\na,1\n");
    e = assertThrows(IllegalArgumentException.class, () -> VerticalCsv.read(f));
    assertTrue(e.getMessage().contains("no column id"), e.getMessage());
  }
}
