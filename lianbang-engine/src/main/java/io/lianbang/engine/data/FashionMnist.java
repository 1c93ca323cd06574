package io.lianbang.engine.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds, verifies and loads Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017,
 * <a href="https://arxiv.org/abs/1708.07747">arXiv:1708.07747</a>): 60,000 training and 10,000
 * test images of 28x28 pixels in 10 classes, read with {@link IdxReader}.
 *
 * <p>Works offline. {@link #locate(Path)} looks, in this order, in
 *
 * <ol>
 *   <li>the directory passed by the caller, if any; when one is passed it is the only place
 *       looked at, so a mistyped directory is reported instead of silently replaced;
 *   <li>{@code $LIANBANG_DATA_DIR/fashion-mnist};
 *   <li>{@code /usr/share/datasets/fashion-mnist}, installed by the Debian package
 *       {@code dataset-fashion-mnist};
 *   <li>{@code <lianbang.home>/datasets/fashion-mnist}, from the system property
 *       {@code lianbang.home};
 *   <li>{@code datasets/fashion-mnist} in the working directory or any of its parents (the project
 *       ships a copy at its root);
 *   <li>{@code datasets/fashion-mnist} in any parent of the location this class was loaded from.
 * </ol>
 *
 * <p>A directory qualifies when it holds the four gzipped files of the original release. Before a
 * file is parsed its SHA-256 is checked against the digest of that release; a mismatch is an
 * error naming the file and both digests, never a fall-through to the next place.
 */
public final class FashionMnist {
  /** The ten classes, indexed by label. */
  public static final List<String> CLASS_NAMES = List.of(
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  /** Number of classes. */
  public static final int NUM_CLASSES = 10;

  /** Environment variable naming a data root; Fashion-MNIST is looked for in its {@code fashion-mnist} folder. */
  public static final String DATA_DIR_ENV = "LIANBANG_DATA_DIR";

  /** System property naming the project root, whose {@code datasets/fashion-mnist} holds the shipped copy. */
  public static final String HOME_PROPERTY = "lianbang.home";

  /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
  public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
  public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
  public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";

  public static final String TRAIN_IMAGES_SHA256 = "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7";
  public static final String TRAIN_LABELS_SHA256 = "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056";
  public static final String TEST_IMAGES_SHA256 = "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa";
  public static final String TEST_LABELS_SHA256 = "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05";

  /** File name to expected SHA-256, in a fixed order. */
  static final Map<String, String> DIGESTS;

  static {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(TRAIN_IMAGES, TRAIN_IMAGES_SHA256);
    m.put(TRAIN_LABELS, TRAIN_LABELS_SHA256);
    m.put(TEST_IMAGES, TEST_IMAGES_SHA256);
    m.put(TEST_LABELS, TEST_LABELS_SHA256);
    DIGESTS = java.util.Collections.unmodifiableMap(m);
  }

  private static final String SHIPPED = "datasets/fashion-mnist";

  private FashionMnist() {}

  /** Loads both splits from the first place found by {@link #locate()}. */
  public static TrainTest load() throws IOException {
    return load(null);
  }

  /**
   * Loads both splits from {@code dir}, or from the first place found by {@link #locate()} when
   * {@code dir} is null.
   *
   * @throws DatasetNotFoundException if no place holds the files
   * @throws MalformedDataException if a file's digest or content is wrong
   */
  public static TrainTest load(Path dir) throws IOException {
    Path d = locate(dir);
    return new TrainTest(read(d, TRAIN_IMAGES, TRAIN_LABELS), read(d, TEST_IMAGES, TEST_LABELS));
  }

  /** The 60,000 training examples; {@code dir} may be null to search. */
  public static Dataset loadTrain(Path dir) throws IOException {
    return read(locate(dir), TRAIN_IMAGES, TRAIN_LABELS);
  }

  /** The 10,000 test examples; {@code dir} may be null to search. */
  public static Dataset loadTest(Path dir) throws IOException {
    return read(locate(dir), TEST_IMAGES, TEST_LABELS);
  }

  /** The first directory holding the four files, searched as described in the class comment. */
  public static Path locate() throws DatasetNotFoundException {
    return locate(null);
  }

  /**
   * {@code dir} if it holds the four files; when {@code dir} is null, the first place of the search
   * order that does.
   *
   * @throws DatasetNotFoundException listing every place searched and how to get the data
   */
  public static Path locate(Path dir) throws DatasetNotFoundException {
    return search(candidates(dir, System.getenv(DATA_DIR_ENV), System.getProperty(HOME_PROPERTY),
        Path.of(System.getProperty("user.dir")), codeLocation(), DEBIAN_DIR));
  }

  /**
   * Checks the SHA-256 of every file in {@code dir}.
   *
   * @throws MalformedDataException naming the first file whose digest differs, with both digests
   */
  public static void verify(Path dir) throws IOException {
    for (String name : DIGESTS.keySet()) readVerified(dir.resolve(name));
  }

  /** A place to look, with how it was arrived at (for the not-found message). */
  record Candidate(String origin, Path dir) {}

  static List<Candidate> candidates(Path explicit, String dataDirEnv, String home, Path cwd, Path codeLocation, Path debianDir) {
    List<Candidate> c = new ArrayList<>();
    if (explicit != null) {
      c.add(new Candidate("directory passed by the caller", explicit));
      return c;
    }
    if (dataDirEnv != null && !dataDirEnv.isBlank()) {
      c.add(new Candidate("$" + DATA_DIR_ENV + "/fashion-mnist", Path.of(dataDirEnv).resolve("fashion-mnist")));
    } else {
      c.add(new Candidate("$" + DATA_DIR_ENV + "/fashion-mnist ($" + DATA_DIR_ENV + " is not set)", null));
    }
    c.add(new Candidate("Debian package dataset-fashion-mnist", debianDir));
    if (home != null && !home.isBlank()) {
      c.add(new Candidate("-D" + HOME_PROPERTY + " + /" + SHIPPED, Path.of(home).resolve(SHIPPED)));
    } else {
      c.add(new Candidate("-D" + HOME_PROPERTY + " + /" + SHIPPED + " (" + HOME_PROPERTY + " is not set)", null));
    }
    for (Path p = cwd == null ? null : cwd.toAbsolutePath(); p != null; p = p.getParent()) {
      c.add(new Candidate("project copy above the working directory", p.resolve(SHIPPED)));
    }
    for (Path p = codeLocation; p != null; p = p.getParent()) {
      c.add(new Candidate("project copy above the code location", p.resolve(SHIPPED)));
    }
    return c;
  }

  static Path search(List<Candidate> candidates) throws DatasetNotFoundException {
    StringBuilder tried = new StringBuilder();
    java.util.Set<Path> seen = new java.util.HashSet<>();
    for (Candidate c : candidates) {
      if (c.dir() == null) {
        tried.append("\n  - ").append(c.origin());
        continue;
      }
      Path dir = c.dir().toAbsolutePath().normalize();
      if (!seen.add(dir)) continue;
      List<String> missing = new ArrayList<>();
      for (String name : DIGESTS.keySet()) {
        if (!Files.isRegularFile(dir.resolve(name))) missing.add(name);
      }
      if (missing.isEmpty()) return dir;
      tried.append("\n  - ").append(dir).append(" (").append(c.origin()).append("): ")
          .append(missing.size() == DIGESTS.size()
              ? (Files.isDirectory(dir) ? "no dataset files" : "does not exist")
              : "incomplete, missing " + String.join(", ", missing));
    }
    throw new DatasetNotFoundException("Fashion-MNIST not found. Looked in:" + tried
        + "\nTo get it: apt-get install dataset-fashion-mnist (installs " + DEBIAN_DIR + "), set $"
        + DATA_DIR_ENV + " to a folder holding fashion-mnist/, run from a Lianbang checkout (it ships "
        + SHIPPED + "), or pass a directory holding " + String.join(", ", DIGESTS.keySet()) + ".");
  }

  private static Path codeLocation() {
    try {
      CodeSource cs = FashionMnist.class.getProtectionDomain().getCodeSource();
      return cs == null || cs.getLocation() == null ? null : Path.of(cs.getLocation().toURI()).toAbsolutePath();
    } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
      return null; // a location that is not a plain file system path: nothing to walk up from
    }
  }

  private static Dataset read(Path dir, String imagesName, String labelsName) throws IOException {
    Path ip = dir.resolve(imagesName);
    Path lp = dir.resolve(labelsName);
    IdxReader.Images images = IdxReader.readImages(ip.toString(), new ByteArrayInputStream(readVerified(ip)));
    int[] labels = IdxReader.readLabels(lp.toString(), new ByteArrayInputStream(readVerified(lp)));
    return IdxReader.toDataset(images, ip.toString(), labels, lp.toString(), NUM_CLASSES);
  }

  /** Reads {@code file} whole and checks it against the digest for its name. */
  static byte[] readVerified(Path file) throws IOException {
    String expected = DIGESTS.get(file.getFileName().toString());
    if (expected == null) throw new IllegalArgumentException("not a Fashion-MNIST file name: " + file);
    byte[] bytes = Files.readAllBytes(file);
    String actual = sha256(bytes);
    if (!actual.equals(expected)) {
      throw new MalformedDataException(file.toString(), "SHA-256 mismatch: expected " + expected + ", actual " + actual
          + " (file is corrupt or not the original Fashion-MNIST release; reinstall dataset-fashion-mnist or copy the file again)");
    }
    return bytes;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}
