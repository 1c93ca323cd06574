package io.lianbang.export;

import com.google.protobuf.ByteString;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.export.onnx.AttributeProto;
import io.lianbang.export.onnx.GraphProto;
import io.lianbang.export.onnx.ModelProto;
import io.lianbang.export.onnx.NodeProto;
import io.lianbang.export.onnx.OperatorSetIdProto;
import io.lianbang.export.onnx.StringStringEntryProto;
import io.lianbang.export.onnx.TensorProto;
import io.lianbang.export.onnx.TensorShapeProto;
import io.lianbang.export.onnx.TypeProto;
import io.lianbang.export.onnx.ValueInfoProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An engine model as an ONNX model (opset {@value #OPSET}, IR version {@value #IR_VERSION}).
 *
 * <p>The graph takes {@value #INPUT}, float32 of shape {@code [batch, features]} ({@code [batch,
 * 1, 28, 28]} for {@code lenet}), the raw features: if the model was trained on standardised
 * features, the first two nodes are the scaler's {@code Sub} and {@code Div}. The layers follow
 * as the engine builds them ({@link io.lianbang.engine.nn.Models}): dense layers as {@code Gemm}
 * with the PyTorch-layout weight transposed ({@code transB = 1}), {@code Relu} between them, and
 * for {@code lenet} {@code Conv} (5×5, stride 1, padding 2 then 0), {@code MaxPool} (2×2, stride
 * 2) and {@code Flatten}. Outputs: classifiers give {@value #LOGITS} (what the engine's
 * {@code predict} returns) and {@value #PROBABILITIES} ({@code Sigmoid} of the one logit of
 * {@code logistic}, {@code Softmax} over the classes otherwise); {@code linear} gives
 * {@value #PREDICTION}. The safetensors metadata of the model are the ONNX metadata properties.
 */
public final class OnnxExport {
  /** The operator set version the graph uses. */
  public static final int OPSET = 13;
  /** The ONNX IR version of opset 13. */
  public static final int IR_VERSION = 7;
  /** The graph's input. */
  public static final String INPUT = "input";
  /** The classifiers' raw outputs. */
  public static final String LOGITS = "logits";
  /** The classifiers' class probabilities. */
  public static final String PROBABILITIES = "probabilities";
  /** The regression output of {@code linear}. */
  public static final String PREDICTION = "prediction";

  private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

  private OnnxExport() {}

  /** Writes {@code model} as an ONNX file, atomically. */
  public static void write(ExportedModel model, Path file) throws IOException {
    AtomicFile.write(file, build(model).toByteArray());
  }

  /** The ONNX model of {@code model}. */
  public static ModelProto build(ExportedModel model) {
    ModelSpec spec = model.spec();
    Graph g = new Graph();
    List<String> names = model.parameterNames();
    for (int i = 0; i < names.size(); i++) g.initializer(names.get(i), model.parameters().tensor(i));

    boolean image = spec.kind() == ModelSpec.Kind.LENET;
    int[] example = image ? new int[] {1, 28, 28} : new int[] {spec.inputFeatures()};
    String x = INPUT;
    Standardizer scaler = model.scaler();
    if (scaler != null) {
      g.initializer("scaler.mean", Tensor.of(example, scaler.mean()));
      g.initializer("scaler.std", Tensor.of(example, scaler.std()));
      x = g.node("Sub", "centred", List.of(x, "scaler.mean"));
      x = g.node("Div", "standardized", List.of(x, "scaler.std"));
    }
    int dense = 0;
    if (image) {
      x = g.conv(x, names.get(0), names.get(1), 5, 2, "conv1");
      x = g.node("Relu", "relu1", List.of(x));
      x = g.node("MaxPool", "pool1", List.of(x), ints("kernel_shape", 2, 2), ints("strides", 2, 2));
      x = g.conv(x, names.get(2), names.get(3), 5, 0, "conv2");
      x = g.node("Relu", "relu2", List.of(x));
      x = g.node("MaxPool", "pool2", List.of(x), ints("kernel_shape", 2, 2), ints("strides", 2, 2));
      x = g.node("Flatten", "flat", List.of(x), AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1).build());
      dense = 4;
    }
    boolean classifier = spec.kind() != ModelSpec.Kind.LINEAR;
    String last = classifier ? LOGITS : PREDICTION;
    for (int i = dense; i < names.size(); i += 2) {
      boolean isLast = i + 2 >= names.size();
      x = g.node("Gemm", isLast ? last : "dense" + i, List.of(x, names.get(i), names.get(i + 1)),
          AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT).setI(1).build());
      if (!isLast) x = g.node("Relu", "relu" + i, List.of(x));
    }
    int outputs = model.parameters().tensor(names.size() - 1).size();
    GraphProto.Builder graph = g.graph.setName(spec.toString());
    List<Long> inputShape = new ArrayList<>();
    inputShape.add(-1L);
    for (int d : example) inputShape.add((long) d);
    graph.addInput(valueInfo(INPUT, inputShape));
    graph.addOutput(valueInfo(last, List.of(-1L, (long) outputs)));
    if (classifier) {
      if (spec.kind() == ModelSpec.Kind.LOGISTIC) {
        g.node("Sigmoid", PROBABILITIES, List.of(LOGITS));
      } else {
        g.node("Softmax", PROBABILITIES, List.of(LOGITS), AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1).build());
      }
      graph.addOutput(valueInfo(PROBABILITIES, List.of(-1L, (long) outputs)));
    }
    ModelProto.Builder m = ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("lianbang")
        .setDomain("io.lianbang")
        .setModelVersion(1)
        .setDocString("Lianbang " + spec + (scaler == null ? "" : ", with the federated feature scaler as its first nodes"))
        .setGraph(graph)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
    model.toSafeTensors().metadata().forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return m.build();
  }

  private static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) a.addInts(v);
    return a.build();
  }

  /** A float tensor value; a dimension of -1 is the symbolic batch size. */
  private static ValueInfoProto valueInfo(String name, List<Long> dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("batch") : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name)
        .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape)))
        .build();
  }

  /** A graph under construction. */
  private static final class Graph {
    final GraphProto.Builder graph = GraphProto.newBuilder();

    void initializer(String name, Tensor t) {
      TensorProto.Builder p = TensorProto.newBuilder().setName(name).setDataType(FLOAT);
      for (int d : t.shape()) p.addDims(d);
      ByteBuffer raw = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < t.size(); i++) raw.putFloat(t.get(i));
      graph.addInitializer(p.setRawData(ByteString.copyFrom(raw.array())));
    }

    /** Adds a node with one output, named {@code output}, and returns that name. */
    String node(String op, String output, List<String> inputs, AttributeProto... attributes) {
      NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output);
      for (AttributeProto a : attributes) n.addAttribute(a);
      graph.addNode(n);
      return output;
    }

    String conv(String x, String weight, String bias, int kernel, int pad, String output) {
      return node("Conv", output, List.of(x, weight, bias), ints("kernel_shape", kernel, kernel), ints("strides", 1, 1),
          ints("pads", pad, pad, pad, pad));
    }
  }
}
