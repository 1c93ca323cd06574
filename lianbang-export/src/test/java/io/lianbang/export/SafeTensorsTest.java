package io.lianbang.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.engine.nn.Init;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.Models;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
  @TempDir
  Path tmp;

  /** The bytes of a file as the format's specification lays them out, built by hand. */
  private static byte[] handMade(String header, float... data) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json);
    for (float f : data) b.putFloat(f);
    return b.array();
  }

  @Test
  void encodesTheLayoutOfTheSpecification() {
    LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
    t.put("w", Tensor.of(new int[] {2}, new float[] {1f, -2f}));
    byte[] bytes = SafeTensors.encode(new SafeTensors.Contents(t, Map.of("model", "x")));
    String json = "{\"__metadata__\":{\"model\":\"x\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    int padded = (json.length() + 7) / 8 * 8;
    assertEquals(8 + padded + 8, bytes.length);
    assertEquals(padded, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong());
    assertEquals(json, new String(bytes, 8, padded, StandardCharsets.UTF_8).stripTrailing());
    // 1.0f = 0x3f800000, -2.0f = 0xc0000000, little-endian
    byte[] data = java.util.Arrays.copyOfRange(bytes, 8 + padded, bytes.length);
    assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0}, data);
  }

  @Test
  void readsAFileWrittenByHandInAnotherOrder() throws IOException {
    // tensors listed out of data order, no padding, no metadata, a scalar and an empty tensor
    byte[] bytes = handMade("{\"b\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[12,16]},"
        + "\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[12,12]},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1,3],\"data_offsets\":[0,12]}}", 0.5f, 1.5f, -3f, 7f);
    SafeTensors.Contents c = SafeTensors.decode("hand", bytes);
    assertEquals(List.of("a", "e", "b"), new ArrayList<>(c.tensors().keySet()));
    assertArrayEquals(new int[] {1, 3}, c.tensors().get("a").shape());
    assertArrayEquals(new float[] {0.5f, 1.5f, -3f}, c.tensors().get("a").toArray());
    assertArrayEquals(new int[] {}, c.tensors().get("b").shape());
    assertEquals(7f, c.tensors().get("b").get(0));
    assertEquals(0, c.tensors().get("e").size());
    assertTrue(c.metadata().isEmpty());
  }

  @Test
  void modelRoundTripIsBitExact() throws IOException {
    for (String spec : List.of("logistic:30", "mlp:30-16-8-2", "lenet", "linear:13-2")) {
      ModelSpec s = ModelSpec.parse(spec);
      Parameters p = Models.create(s, Init.PYTORCH_DEFAULT, 7).parameters();
      List<Tensor> odd = new ArrayList<>(p.tensors());
      // values whose bits a careless writer would lose: negative zero, a subnormal, a NaN payload, extremes
      float[] first = odd.get(0).toArray();
      first[0] = -0f;
      first[1] = Float.MIN_VALUE;
      first[2] = Float.intBitsToFloat(0x7fc00123);
      first[3] = Float.MAX_VALUE;
      odd.set(0, Tensor.of(odd.get(0).shape(), first));
      SplittableRandom r = new SplittableRandom(1);
      int f = s.inputFeatures();
      float[] mean = new float[f];
      float[] std = new float[f];
      for (int j = 0; j < f; j++) {
        mean[j] = (float) r.nextGaussian() * 100;
        std[j] = (float) (0.001 + r.nextDouble() * 50);
      }
      ExportedModel m = new ExportedModel(s, Parameters.of(odd), Standardizer.of(mean, std),
          Map.of("name", "round-trip", "seed", "42", "round", "5"));
      Path file = tmp.resolve(spec.replace(':', '_') + ".safetensors");
      m.writeSafeTensors(file);
      ExportedModel back = ExportedModel.readSafeTensors(file);
      assertEquals(s, back.spec());
      assertEquals(m.run(), back.run());
      for (int i = 0; i < odd.size(); i++) {
        assertArrayEquals(odd.get(i).shape(), back.parameters().tensor(i).shape(), spec + " tensor " + i);
        float[] a = odd.get(i).toArray();
        float[] b = back.parameters().tensor(i).toArray();
        for (int k = 0; k < a.length; k++) {
          assertEquals(Float.floatToRawIntBits(a[k]), Float.floatToRawIntBits(b[k]), spec + " tensor " + i + " value " + k);
        }
      }
      for (int j = 0; j < f; j++) {
        assertEquals(Float.floatToRawIntBits(mean[j]), Float.floatToRawIntBits(back.scaler().mean()[j]));
        assertEquals(Float.floatToRawIntBits(std[j]), Float.floatToRawIntBits(back.scaler().std()[j]));
      }
      // the file holds the model's parameter names, as a PyTorch state dict has them
      assertEquals(Models.create(s, Init.PYTORCH_DEFAULT, 0).parameterNames(),
          new ArrayList<>(SafeTensors.read(file).tensors().keySet()));
    }
  }

  @Test
  void aModelWithoutScalerHasNone() throws IOException {
    ModelSpec s = ModelSpec.parse("softmax:4-3");
    ExportedModel m = new ExportedModel(s, Models.create(s, Init.PYTORCH_DEFAULT, 1).parameters(), null, Map.of());
    Path file = tmp.resolve("m.safetensors");
    m.writeSafeTensors(file);
    assertNull(ExportedModel.readSafeTensors(file).scaler());
    assertEquals(Map.of("model", "softmax:4-3"), SafeTensors.read(file).metadata());
  }

  @Test
  void refusesDamagedFilesNamingTheField() {
    IOException e = assertThrows(IOException.class, () -> SafeTensors.decode("f", new byte[] {(byte) 0xff, 0, 0, 0, 0, 0, 0, 0x7f, '{', '}'}));
    assertTrue(e.getMessage().contains("header length"), e.getMessage());
    e = assertThrows(IOException.class, () -> SafeTensors.decode("f",
        handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,12]}}", 1, 2, 3)));
    assertTrue(e.getMessage().contains("tensor 'a' data_offsets [0, 12] span 12 bytes but shape [4] needs 16"), e.getMessage());
    e = assertThrows(IOException.class, () -> SafeTensors.decode("f",
        handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 1, 2)));
    assertTrue(e.getMessage().contains("expected 4"), e.getMessage());
    e = assertThrows(IOException.class, () -> SafeTensors.decode("f",
        handMade("{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 1, 2)));
    assertTrue(e.getMessage().contains("dtype 'F64'"), e.getMessage());
    e = assertThrows(IOException.class, () -> SafeTensors.decode("f",
        handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", 1)));
    assertTrue(e.getMessage().contains("shape[0]"), e.getMessage());
    e = assertThrows(IOException.class, () -> SafeTensors.decode("f",
        handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 1, 2)));
    assertTrue(e.getMessage().contains("cover 4 of the 8 data bytes"), e.getMessage());
  }

  @Test
  void refusesAModelWhoseTensorsDoNotFitItsSpec() throws IOException {
    LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
    t.put("0.weight", Tensor.zeros(1, 29));
    t.put("0.bias", Tensor.zeros(1));
    Path file = tmp.resolve("bad.safetensors");
    Files.write(file, SafeTensors.encode(new SafeTensors.Contents(t, Map.of("model", "logistic:30"))));
    IOException e = assertThrows(IOException.class, () -> ExportedModel.readSafeTensors(file));
    assertTrue(e.getMessage().contains("0.weight") && e.getMessage().contains("[1, 30]"), e.getMessage());
    Files.write(file, SafeTensors.encode(new SafeTensors.Contents(t, Map.of())));
    e = assertThrows(IOException.class, () -> ExportedModel.readSafeTensors(file));
    assertTrue(e.getMessage().contains("metadata 'model' is missing"), e.getMessage());
    t.put("0.weight", Tensor.zeros(1, 30));
    Files.write(file, SafeTensors.encode(new SafeTensors.Contents(t, Map.of("model", "logistic:30", "scaler.mean", "[1,2]", "scaler.std", "[1,2]"))));
    e = assertThrows(IOException.class, () -> ExportedModel.readSafeTensors(file));
    assertTrue(e.getMessage().contains("metadata 'scaler.mean' must hold 30 numbers, got 2"), e.getMessage());
  }
}
