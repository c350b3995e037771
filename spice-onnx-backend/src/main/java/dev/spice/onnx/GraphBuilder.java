package dev.spice.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A thin helper over the raw ONNX protobuf builders bundled with tribuo-util-onnx: nodes with
 * generated output names, small constants, and typed graph inputs and outputs. Not thread-safe.
 */
final class GraphBuilder {
  static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
  static final int INT64 = TensorProto.DataType.INT64_VALUE;
  static final int BOOL = TensorProto.DataType.BOOL_VALUE;

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private int counter;

  GraphBuilder(String name) {
    graph.setName(name);
  }

  GraphProto build() {
    return graph.build();
  }

  /** One node with one output, named {@code out} or generated when {@code out} is null. */
  String op(String type, String out, String[] inputs, Object... attrs) {
    return ops(type, out == null ? new String[] {fresh(type)} : new String[] {out}, inputs, attrs)[0];
  }

  String op(String type, String... inputs) {
    return op(type, null, inputs);
  }

  /** A node with several outputs; {@code attrs} alternate name and value (Long, long[], Float). */
  String[] ops(String type, String[] outputs, String[] inputs, Object... attrs) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(type).setName(fresh("n_" + type));
    for (String i : inputs) {
      n.addInput(i);
    }
    for (String o : outputs) {
      n.addOutput(o);
    }
    for (int a = 0; a < attrs.length; a += 2) {
      AttributeProto.Builder ab = AttributeProto.newBuilder().setName((String) attrs[a]);
      Object v = attrs[a + 1];
      if (v instanceof Long l) {
        ab.setType(AttributeProto.AttributeType.INT).setI(l);
      } else if (v instanceof Integer i) {
        ab.setType(AttributeProto.AttributeType.INT).setI(i);
      } else if (v instanceof Float f) {
        ab.setType(AttributeProto.AttributeType.FLOAT).setF(f);
      } else if (v instanceof long[] ls) {
        ab.setType(AttributeProto.AttributeType.INTS);
        for (long l : ls) {
          ab.addInts(l);
        }
      } else {
        throw new IllegalArgumentException("unsupported attribute value " + v);
      }
      n.addAttribute(ab);
    }
    graph.addNode(n);
    return outputs;
  }

  String fresh(String stem) {
    return stem + "_" + (counter++);
  }

  /** A 1-D int64 constant. */
  String longs(long... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return constant(INT64, new long[] {values.length}, b.array());
  }

  /** A 0-d or 1-D float constant. */
  String floats(long[] dims, float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return constant(FLOAT, dims, b.array());
  }

  String scalar(float value) {
    return floats(new long[0], value);
  }

  private String constant(int type, long[] dims, byte[] raw) {
    String name = fresh("const");
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type)
        .setRawData(ByteString.copyFrom(raw));
    for (long d : dims) {
      t.addDims(d);
    }
    graph.addInitializer(t);
    return name;
  }

  void initializer(TensorProto tensor) {
    graph.addInitializer(tensor);
  }

  /** Declares a graph input; a dim is a Long (fixed) or a String (symbolic). */
  void input(String name, int elemType, Object... dims) {
    graph.addInput(valueInfo(name, elemType, dims));
  }

  void output(String name, int elemType, Object... dims) {
    graph.addOutput(valueInfo(name, elemType, dims));
  }

  private static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder db = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String s) {
        db.setDimParam(s);
      } else {
        db.setDimValue(((Number) d).longValue());
      }
      shape.addDim(db);
    }
    return ValueInfoProto.newBuilder().setName(name)
        .setType(TypeProto.newBuilder().setTensorType(
            TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
        .build();
  }

  static OnnxMl.ModelProto model(GraphProto graph, int opset, String producer, String version) {
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName(producer)
        .setProducerVersion(version)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(graph)
        .build();
  }
}
