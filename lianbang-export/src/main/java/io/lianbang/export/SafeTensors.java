package io.lianbang.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.core.text.Abbreviation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a UTF-8 JSON
 * header, then the tensors' raw little-endian bytes. The header maps each tensor's name to its
 * {@code dtype} (here always {@code "F32"}), {@code shape} and {@code data_offsets} (begin and end
 * within the data, which the tensors cover without gaps or overlaps), and {@code "__metadata__"}
 * to a map of strings. The header is padded with spaces to a multiple of 8 bytes.
 *
 * <p>Reading trusts nothing in the file: the header length, every shape and every offset are
 * checked against the file's size and each other before anything is allocated.
 */
public final class SafeTensors {
  /** The largest header this reader accepts: 100 MiB, as the reference implementation. */
  public static final long MAX_HEADER_BYTES = 100L << 20;
  /** The most dimensions a tensor may have. */
  public static final int MAX_RANK = 8;
  /** The header key of the metadata map. */
  public static final String METADATA = "__metadata__";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The contents of a file.
   *
   * @param tensors the tensors by name, in the order of their data
   * @param metadata the {@value #METADATA} map (empty if the file has none)
   */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    /** Copies both maps, keeping the tensors' order. */
    public Contents {
      tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
      metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
    }
  }

  private SafeTensors() {}

  /**
   * The bytes of a file holding {@code tensors} (in map order) and {@code metadata}.
   *
   * @throws IllegalArgumentException if a name is empty or {@value #METADATA}, or the data exceed 2 GiB
   */
  public static byte[] encode(Contents contents) {
    ObjectNode header = JSON.createObjectNode();
    if (!contents.metadata().isEmpty()) {
      ObjectNode meta = header.putObject(METADATA);
      contents.metadata().forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> e : contents.tensors().entrySet()) {
      String name = e.getKey();
      if (name.isEmpty() || name.equals(METADATA)) throw new IllegalArgumentException("safetensors tensor name must not be empty or " + METADATA + ", got '" + name + "'");
      ObjectNode t = header.putObject(name);
      t.put("dtype", "F32");
      ArrayNode shape = t.putArray("shape");
      for (int d : e.getValue().shape()) shape.add(d);
      long end = offset + 4L * e.getValue().size();
      t.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(header);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a safetensors header", e);
    }
    int padded = (json.length + 7) / 8 * 8;
    long total = 8L + padded + offset;
    if (total > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("safetensors file of " + total + " bytes exceeds 2 GiB");
    ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(padded).put(json);
    for (int i = json.length; i < padded; i++) out.put((byte) ' ');
    for (Tensor t : contents.tensors().values()) {
      for (int i = 0; i < t.size(); i++) out.putFloat(t.get(i));
    }
    return out.array();
  }

  /**
   * Writes {@code contents} to {@code file} atomically (a crash leaves the previous file or none,
   * never half a file), creating its directory.
   */
  public static void write(Path file, Contents contents) throws IOException {
    AtomicFile.write(file, encode(contents));
  }

  /**
   * Reads a file written by {@link #write} or any safetensors writer whose tensors are all F32.
   *
   * @throws IOException naming the file and the field if it cannot be read or is not valid
   */
  public static Contents read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > Integer.MAX_VALUE - 8) throw new IOException("safetensors file " + file + " has " + size + " bytes, more than 2 GiB");
    return decode(file.toString(), Files.readAllBytes(file));
  }

  /**
   * Decodes the bytes of a file; {@code source} names it in messages.
   *
   * @throws IOException naming {@code source} and the field if the bytes are not valid
   */
  public static Contents decode(String source, byte[] bytes) throws IOException {
    String where = "safetensors " + source;
    if (bytes.length < 8) throw new IOException(where + ": " + bytes.length + " bytes, too short for the header length");
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > bytes.length - 8L) {
      throw new IOException(where + ": header length " + headerLength + " must lie in [2, " + Math.min(MAX_HEADER_BYTES, bytes.length - 8L)
          + "] (the limit " + MAX_HEADER_BYTES + " and the " + bytes.length + " bytes of the file)");
    }
    JsonNode header;
    try {
      header = JSON.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(where + ": the header is not JSON: " + Abbreviation.abbreviate(e.getOriginalMessage()), e);
    }
    if (header == null || !header.isObject()) throw new IOException(where + ": the header is not a JSON object");
    int dataStart = 8 + (int) headerLength;
    long dataLength = bytes.length - (long) dataStart;
    Map<String, String> metadata = new TreeMap<>();
    List<Entry> entries = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      JsonNode v = f.getValue();
      if (name.equals(METADATA)) {
        if (!v.isObject()) throw new IOException(where + ": " + METADATA + " is not an object");
        for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
          Map.Entry<String, JsonNode> e = m.next();
          if (!e.getValue().isTextual()) throw new IOException(where + ": " + METADATA + " value '" + Abbreviation.abbreviate(e.getKey()) + "' is not a string");
          metadata.put(e.getKey(), e.getValue().textValue());
        }
        continue;
      }
      entries.add(entry(where, name, v, dataLength));
    }
    entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long expected = 0;
    for (Entry e : entries) {
      if (e.begin != expected) {
        throw new IOException(where + ": tensor '" + e.name + "' data_offsets begin at " + e.begin + ", expected " + expected
            + " (the tensors must cover the data without gaps or overlaps)");
      }
      expected = e.end;
    }
    if (expected != dataLength) throw new IOException(where + ": the tensors cover " + expected + " of the " + dataLength + " data bytes");
    LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
    ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (Entry e : entries) {
      float[] values = new float[(int) ((e.end - e.begin) / 4)];
      data.position(dataStart + (int) e.begin);
      data.asFloatBuffer().get(values);
      tensors.put(e.name, Tensor.adopt(e.shape, values));
    }
    return new Contents(tensors, metadata);
  }

  private record Entry(String name, int[] shape, long begin, long end) {}

  private static Entry entry(String where, String name, JsonNode v, long dataLength) throws IOException {
    String tensor = where + ": tensor '" + Abbreviation.abbreviate(name) + "'";
    if (!v.isObject()) throw new IOException(tensor + " is not an object");
    JsonNode dtype = v.get("dtype");
    if (dtype == null || !"F32".equals(dtype.asText())) {
      throw new IOException(tensor + " dtype " + (dtype == null ? "is missing" : "'" + Abbreviation.abbreviate(dtype.asText()) + "'")
          + ": only F32 is supported");
    }
    JsonNode shapeNode = v.get("shape");
    if (shapeNode == null || !shapeNode.isArray() || shapeNode.size() > MAX_RANK) {
      throw new IOException(tensor + " shape must be an array of at most " + MAX_RANK + " sizes, got "
          + (shapeNode == null ? "none" : Abbreviation.abbreviate(shapeNode.toString())));
    }
    int[] shape = new int[shapeNode.size()];
    long elements = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = shapeNode.get(i);
      if (!d.canConvertToInt() || !d.isIntegralNumber() || d.intValue() < 0) {
        throw new IOException(tensor + " shape[" + i + "] must be an integer in [0, " + Integer.MAX_VALUE + "], got " + Abbreviation.abbreviate(d.toString()));
      }
      shape[i] = d.intValue();
      elements = Math.min(elements * shape[i], Long.MAX_VALUE / 8); // saturates; compared with the offsets below
    }
    JsonNode offsets = v.get("data_offsets");
    if (offsets == null || !offsets.isArray() || offsets.size() != 2 || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()
        || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()) {
      throw new IOException(tensor + " data_offsets must be two integers, got " + (offsets == null ? "none" : Abbreviation.abbreviate(offsets.toString())));
    }
    long begin = offsets.get(0).longValue();
    long end = offsets.get(1).longValue();
    if (begin < 0 || end < begin || end > dataLength) {
      throw new IOException(tensor + " data_offsets [" + begin + ", " + end + "] must lie within the " + dataLength + " data bytes");
    }
    if (end - begin != 4 * elements) {
      throw new IOException(tensor + " data_offsets [" + begin + ", " + end + "] span " + (end - begin) + " bytes but shape "
          + Arrays.toString(shape) + " needs " + 4 * elements);
    }
    return new Entry(name, shape, begin, end);
  }
}
