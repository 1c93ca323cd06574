package io.lianbang.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path dir;

  /** An IDX file of unsigned bytes with the given dimensions. */
  static byte[] idx(int[] dims, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + body.length);
    b.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
    for (int d : dims) b.putInt(d);
    b.put(body);
    return b.array();
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  /** Three 2x3 images with pixel values 0, 10, 20, ... and labels 2, 0, 1. */
  private static byte[] imageBody() {
    byte[] body = new byte[3 * 2 * 3];
    for (int i = 0; i < body.length; i++) body[i] = (byte) (i * 15);
    return body;
  }

  private Path write(String name, byte[] data) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, data);
    return p;
  }

  @Test
  void roundTripPlainAndGzipped() throws IOException {
    byte[] images = idx(new int[] {3, 2, 3}, imageBody());
    byte[] labels = idx(new int[] {3}, new byte[] {2, 0, 1});
    for (boolean compress : new boolean[] {false, true}) {
      Path ip = write("images" + compress, compress ? gzip(images) : images);
      Path lp = write("labels" + compress, compress ? gzip(labels) : labels);
      Dataset d = IdxReader.read(ip, lp, 3);
      assertEquals(3, d.size());
      assertArrayEquals(new int[] {1, 2, 3}, d.exampleShape());
      assertArrayEquals(new int[] {2, 0, 1}, d.labels());
      for (int i = 0; i < 18; i++) {
        assertEquals((i * 15) / 255f, d.features()[i], 0f);
      }
    }
  }

  @Test
  void pixelScaleCoversZeroToOne() throws IOException {
    Path p = write("img", idx(new int[] {1, 1, 2}, new byte[] {0, (byte) 255}));
    IdxReader.Images im = IdxReader.readImages(p);
    assertArrayEquals(new float[] {0f, 1f}, im.pixels());
  }

  private String error(byte[] data, boolean images) throws IOException {
    Path p = write("bad.idx", data);
    MalformedDataException e = assertThrows(MalformedDataException.class,
        () -> {
          if (images) IdxReader.readImages(p);
          else IdxReader.readLabels(p);
        });
    assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
    return e.getMessage();
  }

  @Test
  void badMagic() throws IOException {
    byte[] data = idx(new int[] {3, 2, 3}, imageBody());
    data[0] = 'P';
    assertTrue(error(data, true).contains("bad magic number 0x50000803"));
  }

  @Test
  void labelsFileGivenAsImages() throws IOException {
    String m = error(idx(new int[] {3}, new byte[] {1, 2, 3}), true);
    assertTrue(m.contains("image files have 3 dimension(s)") && m.contains("this one has 1"), m);
  }

  @Test
  void unsupportedType() throws IOException {
    byte[] data = idx(new int[] {3}, new byte[] {1, 2, 3});
    data[2] = 0x0D;
    assertTrue(error(data, false).contains("unsupported IDX element type 0x0D"));
  }

  @Test
  void zeroOrNegativeDimensions() throws IOException {
    assertTrue(error(idx(new int[] {3, 0, 3}, imageBody()), true).contains("header dimension 1 is 0"));
    assertTrue(error(idx(new int[] {-1}, new byte[0]), false).contains("header dimension 0 is 4294967295"));
  }

  @Test
  void overflowingDimensions() throws IOException {
    assertTrue(error(idx(new int[] {100000, 1000, 1000}, new byte[0]), true).contains("more than one array can hold"));
    // 2^21 * 2^21 * 2^22 = 2^64 wraps to 0 in 64-bit arithmetic
    String m = error(idx(new int[] {1 << 21, 1 << 21, 1 << 22}, new byte[0]), true);
    assertTrue(m.contains("hold more than 2^63 pixels, more than one array can hold"), m);
  }

  @Test
  void truncatedBodyAndHeader() throws IOException {
    byte[] full = idx(new int[] {3, 2, 3}, imageBody());
    String m = error(Arrays.copyOf(full, full.length - 5), true);
    assertTrue(m.contains("truncated: header promises 3 images (18 bytes of data) but the file holds only 13 bytes"), m);
    assertTrue(error(Arrays.copyOf(full, 9), true).contains("file ends inside the header"));
    assertTrue(error(Arrays.copyOf(full, 2), true).contains("file ends inside the 4-byte IDX magic number"));
    assertTrue(error(new byte[0], false).contains("(0 bytes)"));
  }

  @Test
  void truncatedGzip() throws IOException {
    byte[] gz = gzip(idx(new int[] {3, 2, 3}, imageBody()));
    String m = error(Arrays.copyOf(gz, gz.length - 12), true);
    assertTrue(m.contains("truncated"), m);
  }

  @Test
  void trailingData() throws IOException {
    byte[] data = idx(new int[] {2}, new byte[] {1, 2, 3});
    assertTrue(error(data, false).contains("unexpected data after the 2 labels the header promises (1 extra bytes)"));
  }

  @Test
  void countMismatchAndLabelRange() throws IOException {
    Path ip = write("i", idx(new int[] {3, 2, 3}, imageBody()));
    Path lp = write("l", idx(new int[] {2}, new byte[] {0, 1}));
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.read(ip, lp, 3));
    assertTrue(e.getMessage().contains("has 2 labels but " + ip + " has 3 images"), e.getMessage());
    Path lp2 = write("l2", idx(new int[] {3}, new byte[] {0, 7, 1}));
    e = assertThrows(MalformedDataException.class, () -> IdxReader.read(ip, lp2, 3));
    assertTrue(e.getMessage().contains("label 7 of item 1 is outside [0, 3)"), e.getMessage());
  }
}
