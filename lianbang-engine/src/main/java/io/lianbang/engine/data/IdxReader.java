package io.lianbang.engine.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX format used by MNIST and Fashion-MNIST
 * (<a href="http://yann.lecun.com/exdb/mnist/">LeCun et al.</a>): a big-endian header of two zero
 * bytes, a type byte, a dimension count and the dimensions, followed by the items. Only the
 * unsigned-byte type ({@code 0x08}) is supported, which is what every MNIST-style file uses.
 *
 * <p>Files may be plain or gzip-compressed; compression is detected from the first two bytes, not
 * from the file name. Images (3 dimensions) become floats in {@code [0, 1]} (byte / 255) with
 * example shape {@code [1, rows, cols]}; labels (1 dimension) become an {@code int[]}.
 *
 * <p>Every problem is reported as a {@link MalformedDataException} whose message names the file:
 * wrong magic number, unsupported type, wrong number of dimensions, non-positive or overflowing
 * dimensions, truncated data, trailing data, corrupt gzip data.
 */
public final class IdxReader {
  /** Element type code of unsigned bytes, the only type MNIST-style files use. */
  static final int TYPE_UNSIGNED_BYTE = 0x08;

  private static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private IdxReader() {}

  /** Images read from an IDX3 file: {@code count} images of {@code rows x cols} pixels. */
  public record Images(int count, int rows, int cols, float[] pixels) {
    /**
     * {@code pixels} holds {@code count * rows * cols} values in {@code [0, 1]}, row-major. The
     * record does not copy it; it is handed over to whoever builds a dataset from it.
     */
    public Images {}

    /** Shape of one image as a dataset example: {@code [1, rows, cols]}. */
    public int[] exampleShape() {
      return new int[] {1, rows, cols};
    }
  }

  /**
   * Reads an image file and its label file into a classification dataset.
   *
   * @throws MalformedDataException if either file is malformed, their counts differ, or a label is
   *     outside {@code [0, numClasses)}
   * @throws IOException if a file cannot be read
   */
  public static Dataset read(Path imagesFile, Path labelsFile, int numClasses) throws IOException {
    Images images = readImages(imagesFile);
    int[] labels = readLabels(labelsFile);
    return toDataset(images, imagesFile.toString(), labels, labelsFile.toString(), numClasses);
  }

  /**
   * Reads an IDX3 image file (plain or gzipped).
   *
   * @throws MalformedDataException if the file is not a well-formed unsigned-byte IDX3 file
   * @throws IOException if the file cannot be read
   */
  public static Images readImages(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return readImages(file.toString(), in);
    }
  }

  /**
   * Reads an IDX1 label file (plain or gzipped).
   *
   * @throws MalformedDataException if the file is not a well-formed unsigned-byte IDX1 file
   * @throws IOException if the file cannot be read
   */
  public static int[] readLabels(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return readLabels(file.toString(), in);
    }
  }

  /** Reads IDX3 images from {@code in}; {@code source} names it in error messages. */
  public static Images readImages(String source, InputStream in) throws IOException {
    int[] dims;
    byte[] data;
    try (InputStream body = decompressIfGzipped(source, in)) {
      dims = readHeader(source, body, 3, "image");
      long n;
      try {
        n = Math.multiplyExact(Math.multiplyExact((long) dims[0], dims[1]), dims[2]);
      } catch (ArithmeticException e) {
        n = Long.MAX_VALUE;
      }
      if (n > MAX_ELEMENTS) {
        throw new MalformedDataException(source, "header dimensions " + Arrays.toString(dims) + " hold "
            + (n == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(n)) + " pixels, more than one array can hold");
      }
      data = readBody(source, body, (int) n, dims[0], "images");
    }
    float[] pixels = new float[data.length];
    for (int i = 0; i < data.length; i++) pixels[i] = (data[i] & 0xFF) / 255f;
    return new Images(dims[0], dims[1], dims[2], pixels);
  }

  /** Reads IDX1 labels from {@code in}; {@code source} names it in error messages. */
  public static int[] readLabels(String source, InputStream in) throws IOException {
    byte[] data;
    try (InputStream body = decompressIfGzipped(source, in)) {
      int[] dims = readHeader(source, body, 1, "label");
      data = readBody(source, body, dims[0], dims[0], "labels");
    }
    int[] labels = new int[data.length];
    for (int i = 0; i < data.length; i++) labels[i] = data[i] & 0xFF;
    return labels;
  }

  /**
   * Builds a classification dataset from images and labels read separately, checking that the
   * counts agree and every label is below {@code numClasses}.
   */
  static Dataset toDataset(Images images, String imagesSource, int[] labels, String labelsSource, int numClasses)
      throws MalformedDataException {
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be at least 1, got " + numClasses);
    }
    if (images.count() != labels.length) {
      throw new MalformedDataException(labelsSource,
          "has " + labels.length + " labels but " + imagesSource + " has " + images.count() + " images");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] >= numClasses) {
        throw new MalformedDataException(labelsSource, "label " + labels[i] + " of item " + i + " is outside [0, " + numClasses + ")");
      }
    }
    return Dataset.classification(images.pixels(), images.exampleShape(), labels, numClasses);
  }

  private static InputStream decompressIfGzipped(String source, InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      try {
        return new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16);
      } catch (ZipException | EOFException e) {
        throw new MalformedDataException(source, "corrupt or truncated gzip header (" + e.getMessage() + ")", e);
      }
    }
    return buffered;
  }

  private static int[] readHeader(String source, InputStream in, int expectedDims, String kind) throws IOException {
    byte[] magic = readFully(source, in, 4);
    if (magic.length < 4) {
      throw new MalformedDataException(source, "truncated: file ends inside the 4-byte IDX magic number (" + magic.length + " bytes)");
    }
    if (magic[0] != 0 || magic[1] != 0) {
      throw new MalformedDataException(source, String.format(
          "bad magic number 0x%02X%02X%02X%02X: an IDX file starts with two zero bytes (not an IDX file?)",
          magic[0], magic[1], magic[2], magic[3]));
    }
    int type = magic[2] & 0xFF;
    if (type != TYPE_UNSIGNED_BYTE) {
      throw new MalformedDataException(source, String.format(
          "unsupported IDX element type 0x%02X; only 0x08 (unsigned byte) is supported", type));
    }
    int dimCount = magic[3] & 0xFF;
    if (dimCount != expectedDims) {
      throw new MalformedDataException(source, String.format(
          "bad magic number 0x0000%02X%02X: %s files have %d dimension(s) (magic 0x0000%02X%02X) but this one has %d",
          type, dimCount, kind, expectedDims, TYPE_UNSIGNED_BYTE, expectedDims, dimCount));
    }
    byte[] raw = readFully(source, in, 4 * dimCount);
    if (raw.length < 4 * dimCount) {
      throw new MalformedDataException(source, "truncated: file ends inside the header (" + dimCount + " dimensions need " + 4 * dimCount + " bytes)");
    }
    int[] dims = new int[dimCount];
    for (int d = 0; d < dimCount; d++) {
      int v = ((raw[4 * d] & 0xFF) << 24) | ((raw[4 * d + 1] & 0xFF) << 16) | ((raw[4 * d + 2] & 0xFF) << 8) | (raw[4 * d + 3] & 0xFF);
      boolean countDim = d == 0;
      if (v < 0 || (!countDim && v == 0)) {
        throw new MalformedDataException(source, "header dimension " + d + " is " + (v & 0xFFFFFFFFL)
            + "; " + (countDim ? "the item count must not be negative" : "image rows and columns must be positive"));
      }
      dims[d] = v;
    }
    return dims;
  }

  private static byte[] readBody(String source, InputStream in, int bytes, int items, String kind) throws IOException {
    byte[] data = readFully(source, in, bytes);
    if (data.length < bytes) {
      throw new MalformedDataException(source, "truncated: header promises " + items + " " + kind + " (" + bytes
          + " bytes of data) but the file holds only " + data.length + " bytes after the header");
    }
    int extra;
    try {
      extra = in.readNBytes(new byte[4096], 0, 4096);
    } catch (IOException e) {
      throw new MalformedDataException(source, "corrupt or truncated data after the last item (" + e.getMessage() + ")", e);
    }
    if (extra > 0) {
      throw new MalformedDataException(source, "unexpected data after the " + items + " " + kind
          + " the header promises (" + (extra == 4096 ? "4096 or more" : String.valueOf(extra)) + " extra bytes)");
    }
    return data;
  }

  /**
   * Reads up to {@code n} bytes, growing the buffer as data arrives so a corrupted header that
   * promises gigabytes does not allocate them before the data is really there.
   */
  private static byte[] readFully(String source, InputStream in, int n) throws IOException {
    byte[] buf = new byte[Math.min(n, 1 << 20)];
    int filled = 0;
    try {
      while (filled < n) {
        if (filled == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
        int r = in.read(buf, filled, buf.length - filled);
        if (r < 0) break;
        filled += r;
      }
    } catch (ZipException | EOFException e) {
      throw new MalformedDataException(source, "corrupt or truncated gzip data (" + e.getMessage() + ")", e);
    }
    return filled == buf.length ? buf : Arrays.copyOf(buf, filled);
  }
}
