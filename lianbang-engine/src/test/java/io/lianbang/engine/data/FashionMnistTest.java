package io.lianbang.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
  @TempDir Path tmp;

  @Test
  void loadsBothSplitsWithBalancedClasses() throws IOException {
    TrainTest tt = FashionMnist.load();
    assertEquals(60000, tt.train().size());
    assertEquals(10000, tt.test().size());
    assertArrayEquals(new int[] {1, 28, 28}, tt.train().exampleShape());
    assertEquals(10, tt.train().numClasses());
    int[] trainCounts = new int[10];
    for (int l : tt.train().labels()) trainCounts[l]++;
    int[] testCounts = new int[10];
    for (int l : tt.test().labels()) testCounts[l]++;
    for (int c = 0; c < 10; c++) {
      assertEquals(6000, trainCounts[c], "train class " + c);
      assertEquals(1000, testCounts[c], "test class " + c);
    }
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    for (float v : tt.test().features()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assertEquals(0f, min);
    assertEquals(1f, max);
  }

  @Test
  void shippedCopyIsFoundFromTheWorkingDirectoryAndVerifies() throws IOException {
    Path cwd = Path.of(System.getProperty("user.dir"));
    Path found = FashionMnist.search(FashionMnist.candidates(null, null, null, cwd, null, tmp.resolve("no-debian")));
    assertTrue(found.endsWith(Path.of("datasets", "fashion-mnist")), found.toString());
    FashionMnist.verify(found);
  }

  @Test
  void homePropertyAndEnvAreSearchedBeforeTheWorkingDirectory() throws IOException {
    Path data = tmp.resolve("data");
    Path fm = Files.createDirectories(data.resolve("fashion-mnist"));
    for (String n : FashionMnist.DIGESTS.keySet()) Files.writeString(fm.resolve(n), "x");
    Path cwd = Path.of(System.getProperty("user.dir"));
    assertEquals(fm, FashionMnist.search(FashionMnist.candidates(null, data.toString(), null, cwd, null, tmp)));
    Path home = tmp.resolve("home");
    Path shipped = Files.createDirectories(home.resolve("datasets/fashion-mnist"));
    for (String n : FashionMnist.DIGESTS.keySet()) Files.writeString(shipped.resolve(n), "x");
    assertEquals(shipped, FashionMnist.search(FashionMnist.candidates(null, null, home.toString(), cwd, null, tmp)));
  }

  @Test
  void missingDatasetListsEveryPlaceAndHowToGetIt() throws IOException {
    Path cwd = Files.createDirectories(tmp.resolve("a/b"));
    Path partial = Files.createDirectories(tmp.resolve("a/datasets/fashion-mnist"));
    Files.writeString(partial.resolve(FashionMnist.TRAIN_IMAGES), "x");
    List<FashionMnist.Candidate> cs = FashionMnist.candidates(null, tmp.resolve("env").toString(), null, cwd, null, tmp.resolve("deb"));
    DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> FashionMnist.search(cs));
    String m = e.getMessage();
    assertTrue(m.contains(tmp.resolve("env/fashion-mnist") + " ($LIANBANG_DATA_DIR/fashion-mnist): does not exist"), m);
    assertTrue(m.contains(tmp.resolve("deb") + " (Debian package dataset-fashion-mnist): does not exist"), m);
    assertTrue(m.contains("lianbang.home is not set"), m);
    assertTrue(m.contains(cwd.resolve("datasets/fashion-mnist").toString()), m);
    assertTrue(m.contains(partial + " (project copy above the working directory): incomplete, missing "
        + FashionMnist.TRAIN_LABELS + ", " + FashionMnist.TEST_IMAGES + ", " + FashionMnist.TEST_LABELS), m);
    assertTrue(m.contains("apt-get install dataset-fashion-mnist"), m);
    assertTrue(m.contains("pass a directory"), m);
  }

  @Test
  void explicitDirectoryIsTheOnlyPlaceLookedAt() {
    Path wrong = tmp.resolve("typo");
    DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> FashionMnist.locate(wrong));
    assertTrue(e.getMessage().contains(wrong + " (directory passed by the caller): does not exist"), e.getMessage());
    assertTrue(!e.getMessage().contains("Debian package"), e.getMessage());
  }

  @Test
  void digestMismatchNamesFileAndBothDigests() throws IOException {
    for (String n : FashionMnist.DIGESTS.keySet()) Files.writeString(tmp.resolve(n), "not the data");
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> FashionMnist.loadTest(tmp));
    String actual = FashionMnist.sha256("not the data".getBytes(StandardCharsets.UTF_8));
    assertEquals(tmp.resolve(FashionMnist.TEST_IMAGES) + ": SHA-256 mismatch: expected "
        + FashionMnist.TEST_IMAGES_SHA256 + ", actual " + actual, e.getMessage().substring(0, e.getMessage().indexOf(" (")));
  }
}
