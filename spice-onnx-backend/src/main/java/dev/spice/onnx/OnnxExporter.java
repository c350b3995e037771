package dev.spice.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.spice.core.SpiceException;
import dev.spice.core.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes a Hugging Face Llama / Qwen2 / Qwen3 checkpoint directory ({@code config.json} plus
 * {@code model.safetensors} or its shards, the layout the DJL backend saves) as an ONNX graph
 * with the Hugging Face Optimum decoder I/O:
 *
 * <ul>
 *   <li>inputs {@code input_ids} int64 {@code [batch, seq]}, {@code attention_mask} int64
 *       {@code [batch, past + seq]}, {@code position_ids} int64 {@code [batch, seq]} and, with the
 *       cache, {@code past_key_values.{i}.key / .value} float32 {@code [batch, kvHeads, past,
 *       headDim]};
 *   <li>outputs {@code logits} float32 {@code [batch, seq, vocab]} and, with the cache,
 *       {@code present.{i}.key / .value} float32 {@code [batch, kvHeads, past + seq, headDim]}.
 * </ul>
 *
 * <p>The weights go to {@value #WEIGHTS_FILE} next to {@value #MODEL_FILE} as ONNX external data,
 * float32, one initializer per Hugging Face tensor under its Hugging Face name and layout (linear
 * weights stay {@code [out, in]}), so {@link OnnxPolicy#refreshWeights} can replace them from a
 * newer checkpoint without rebuilding the graph. {@code config.json} and, when present,
 * {@code tokenizer.json}, {@code tokenizer_config.json} and {@code generation_config.json} are
 * copied along. Graph: opset 17, IR version 8, plain ONNX operators only.
 *
 * <p>Stateless and thread-safe; concurrent exports must use different output directories.
 */
public final class OnnxExporter {
  /** File name of the graph in the output directory. */
  public static final String MODEL_FILE = "model.onnx";
  /** File name of the external weight data in the output directory. */
  public static final String WEIGHTS_FILE = "model.onnx_data";
  /** ONNX operator set the graph uses. */
  public static final int OPSET = 17;

  private static final List<String> COPIED = List.of(
      "config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json");

  private OnnxExporter() {}

  /**
   * What an export wrote.
   *
   * @param model the graph file
   * @param weights the external-data weight file
   * @param config the architecture that was exported
   * @param withCache whether the graph has the past/present key-value cache I/O
   * @param inputNames graph inputs in order
   * @param outputNames graph outputs in order
   * @param weightBytes bytes of float32 weight data written
   * @param copiedFiles side files copied into the output directory (config, tokenizer)
   * @param ignoredTensors checkpoint tensors that the architecture does not use (for example
   *     {@code lm_head.weight} when embeddings are tied); reported, not exported
   * @param elapsed wall time of the export
   */
  public record Result(
      Path model,
      Path weights,
      TransformerConfig config,
      boolean withCache,
      List<String> inputNames,
      List<String> outputNames,
      long weightBytes,
      List<Path> copiedFiles,
      List<String> ignoredTensors,
      Duration elapsed) {
    /** Copies the lists. */
    public Result {
      inputNames = List.copyOf(inputNames);
      outputNames = List.copyOf(outputNames);
      copiedFiles = List.copyOf(copiedFiles);
      ignoredTensors = List.copyOf(ignoredTensors);
    }
  }

  /** Exports with the key-value cache; see {@link #export(Path, Path, boolean)}. */
  public static Result export(Path checkpointDir, Path outputDir) {
    return export(checkpointDir, outputDir, true);
  }

  /**
   * Exports a checkpoint directory.
   *
   * @param checkpointDir Hugging Face directory with {@code config.json} and safetensors weights
   * @param outputDir directory to write into (created if missing; existing files of the same
   *     names are replaced)
   * @param withCache true for the Optimum cache I/O, false for a logits-only graph
   * @return what was written
   * @throws SpiceException.ConfigurationException if {@code config.json} is missing or invalid
   * @throws SpiceException.BackendException if a weight is missing, has the wrong shape, or the
   *     safetensors data is unreadable (message names the tensor and file)
   * @throws SpiceException.CheckpointException if the output cannot be written
   */
  public static Result export(Path checkpointDir, Path outputDir, boolean withCache) {
    long start = System.nanoTime();
    Path configFile = checkpointDir.resolve("config.json");
    if (!Files.isRegularFile(configFile)) {
      throw new SpiceException.ConfigurationException("no config.json in checkpoint directory " + checkpointDir);
    }
    TransformerConfig config = TransformerConfig.read(configFile);
    try {
      Files.createDirectories(outputDir);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot create " + outputDir + ": " + e.getMessage(), e);
    }
    Path modelFile = outputDir.resolve(MODEL_FILE);
    Path weightsFile = outputDir.resolve(WEIGHTS_FILE);
    List<TensorProto> initializers = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    long bytes;
    try (SafeTensors.Reader reader = SafeTensors.openDirectory(checkpointDir)) {
      Map<String, long[]> shapes = config.tensorShapes();
      for (String name : reader.names()) {
        if (!shapes.containsKey(name)) {
          ignored.add(name);
        }
      }
      bytes = writeWeights(reader, shapes, checkpointDir, weightsFile, initializers);
    }
    DecoderGraph graph = new DecoderGraph(config, withCache);
    OnnxMl.GraphProto proto = graph.build(initializers);
    OnnxMl.ModelProto model = GraphBuilder.model(proto, OPSET, "spice-onnx-backend", "0.1.0");
    writeAtomically(modelFile, model);
    List<Path> copied = new ArrayList<>();
    for (String side : COPIED) {
      Path src = checkpointDir.resolve(side);
      Path dst = outputDir.resolve(side);
      if (Files.isRegularFile(src)) {
        try {
          if (!Files.exists(dst) || !Files.isSameFile(src, dst)) {
            Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
          }
        } catch (IOException e) {
          throw new SpiceException.CheckpointException("cannot copy " + src + " to " + dst + ": " + e.getMessage(), e);
        }
        copied.add(dst);
      }
    }
    List<String> inputs = proto.getInputList().stream().map(OnnxMl.ValueInfoProto::getName).toList();
    List<String> outputs = proto.getOutputList().stream().map(OnnxMl.ValueInfoProto::getName).toList();
    return new Result(modelFile, weightsFile, config, withCache, inputs, outputs, bytes, copied, ignored,
        Duration.ofNanos(System.nanoTime() - start));
  }

  private static long writeWeights(SafeTensors.Reader reader, Map<String, long[]> shapes, Path checkpointDir,
      Path weightsFile, List<TensorProto> initializers) {
    Path tmp = weightsFile.resolveSibling(weightsFile.getFileName() + ".tmp");
    long offset = 0;
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      for (Map.Entry<String, long[]> e : shapes.entrySet()) {
        String name = e.getKey();
        if (!reader.names().contains(name)) {
          throw new SpiceException.BackendException("checkpoint " + checkpointDir + " lacks tensor '" + name
              + "' that config.json requires (shape " + Arrays.toString(e.getValue()) + ")");
        }
        long[] have = reader.info(name).shape();
        if (!Arrays.equals(have, e.getValue())) {
          throw new SpiceException.BackendException("tensor '" + name + "' in " + checkpointDir + " has shape "
              + Arrays.toString(have) + " but config.json implies " + Arrays.toString(e.getValue()));
        }
        float[] data = reader.floats(name);
        long pad = (64 - offset % 64) % 64;
        offset += pad;
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        long len = buf.capacity();
        ch.position(offset);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(entry("location", weightsFile.getFileName().toString()))
            .addExternalData(entry("offset", Long.toString(offset)))
            .addExternalData(entry("length", Long.toString(len)));
        for (long d : have) {
          t.addDims(d);
        }
        initializers.add(t.build());
        offset += len;
      }
      ch.force(true);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write " + tmp + ": " + e.getMessage(), e);
    }
    move(tmp, weightsFile);
    return offset;
  }

  private static OnnxMl.StringStringEntryProto entry(String k, String v) {
    return OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }

  private static void writeAtomically(Path file, OnnxMl.ModelProto model) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      model.writeTo(out);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write " + tmp + ": " + e.getMessage(), e);
    }
    move(tmp, file);
  }

  private static void move(Path tmp, Path file) {
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot move " + tmp + " to " + file + ": " + e.getMessage(), e);
    }
  }
}
