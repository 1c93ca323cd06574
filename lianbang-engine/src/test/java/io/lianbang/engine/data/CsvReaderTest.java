package io.lianbang.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
  @TempDir Path dir;

  private static TabularData read(CsvReader r, String text) throws IOException {
    return r.read("t.csv", new StringReader(text));
  }

  private static String error(CsvReader r, String text) {
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> read(r, text));
    assertTrue(e.getMessage().startsWith("t.csv: "), e.getMessage());
    return e.getMessage();
  }

  @Test
  void classificationWithIdAndNamedLabel() throws IOException {
    String csv = "\uFEFFid,x1,species,\"x 2\"\n7,1.5,virginica,2\n\n8, -3e2 ,setosa,.5\n9,0,versicolor,4.\n";
    TabularData t = read(CsvReader.builder().labelColumn("species").idColumn("id").build(), csv);
    assertEquals(List.of("x1", "x 2"), t.featureNames());
    assertEquals("species", t.labelName());
    assertEquals(List.of("setosa", "versicolor", "virginica"), t.classNames());
    Dataset d = t.dataset();
    assertEquals(3, d.size());
    assertArrayEquals(new int[] {2}, d.exampleShape());
    assertArrayEquals(new float[] {1.5f, 2f, -300f, 0.5f, 0f, 4f}, d.features());
    assertArrayEquals(new int[] {2, 0, 1}, d.labels());
  }

  @Test
  void numericClassLabelsSortNumerically() throws IOException {
    TabularData t = read(CsvReader.builder().build(), "a,y\n1,10\n2,2\n3,-1\n4,2\n");
    assertEquals(List.of("-1", "2", "10"), t.classNames());
    assertArrayEquals(new int[] {2, 1, 0, 1}, t.dataset().labels());
  }

  @Test
  void regressionByIndex() throws IOException {
    Path f = dir.resolve("r.csv");
    Files.writeString(f, "y,a,b\n0.25,1,2\n-1,3,4\n");
    TabularData t = CsvReader.builder().labelColumn(0).task(CsvReader.Task.REGRESSION).build().read(f);
    assertFalse(t.dataset().isClassification());
    assertArrayEquals(new float[] {0.25f, -1f}, t.dataset().targets());
    assertArrayEquals(new float[] {1, 2, 3, 4}, t.dataset().features());
    assertTrue(t.classNames().isEmpty());
  }

  @Test
  void errorsNameLineColumnAndValue() {
    CsvReader r = CsvReader.builder().build();
    assertEquals("t.csv: line 3, column 1 ('b'): bad value 'x7': not a decimal number", error(r, "a,b,y\n1,2,0\n3,x7,1\n"));
    assertEquals("t.csv: line 2, column 0 ('a'): bad value '': empty value", error(r, "a,b,y\n,2,0\n"));
    assertEquals("t.csv: line 2, column 0 ('a'): bad value 'NaN': not a decimal number", error(r, "a,b,y\nNaN,2,0\n"));
    assertEquals("t.csv: line 2, column 1 ('b'): bad value '1e99': outside the float range", error(r, "a,b,y\n1,1e99,0\n"));
    assertEquals("t.csv: line 3: has 2 fields but the header has 3", error(r, "a,b,y\n1,2,0\n3,1\n"));
    assertEquals("t.csv: line 2, column 2 ('y'): bad value '': empty class label", error(r, "a,b,y\n1,2,\n"));
    assertTrue(error(r, "a,\"b,y\n").contains("line 1, column 1: unterminated quoted field"));
    assertEquals("t.csv: line 2, column 1 ('y'): bad value 'oops': not a decimal number",
        error(CsvReader.builder().task(CsvReader.Task.REGRESSION).build(), "a,y\n1,oops\n"));
  }

  @Test
  void structuralErrors() {
    assertEquals("t.csv: is empty: expected a header line", error(CsvReader.builder().build(), "\n\n"));
    assertEquals("t.csv: has a header but no data rows", error(CsvReader.builder().build(), "a,y\n"));
    assertEquals("t.csv: label column 'z' is not in the header [a, y]", error(CsvReader.builder().labelColumn("z").build(), "a,y\n1,2\n"));
    assertEquals("t.csv: label column index 5 is out of range: the header has 2 columns", error(CsvReader.builder().labelColumn(5).build(), "a,y\n1,2\n"));
    assertTrue(error(CsvReader.builder().idColumn(1).build(), "a,y\n1,2\n").contains("label column and id column are the same column 1 ('y')"));
    assertTrue(error(CsvReader.builder().build(), "y\n1\n").contains("has no feature columns"));
  }

  @Test
  void builderValidation() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvReader.builder().labelColumn(-2));
    assertEquals("csv labelColumn index must be >= 0, got -2", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CsvReader.builder().idColumn(" "));
    assertThrows(IllegalArgumentException.class, () -> CsvReader.builder().delimiter('"'));
  }

  @Test
  void otherDelimiter() throws IOException {
    TabularData t = read(CsvReader.builder().delimiter(';').build(), "a;y\n1,5;1\n".replace("1,5", "1.5"));
    assertArrayEquals(new float[] {1.5f}, t.dataset().features());
  }
}
