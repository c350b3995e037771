package dev.spice.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.model.SafeTensors;
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
   * @param ignoredTensors checkpoint tensors that the architecture does not use and that Hugging
   *     Face ignores as well ({@code lm_head.weight} when embeddings are tied, rotary
   *     {@code inv_freq} buffers); reported, not exported. Any other unused tensor is refused.
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
    /**
     * Copies the lists.
     *
     * @param model the graph file
     * @param weights the external-data weight file
     * @param config the architecture that was exported
     * @param withCache whether the graph has the past/present key-value cache I/O
     * @param inputNames graph inputs in order
     * @param outputNames graph outputs in order
     * @param weightBytes bytes of float32 weight data written
     * @param copiedFiles side files copied into the output directory
     * @param ignoredTensors checkpoint tensors reported but not exported
     * @param elapsed wall time of the export
     */
    public Result {
      inputNames = List.copyOf(inputNames);
      outputNames = List.copyOf(outputNames);
      copiedFiles = List.copyOf(copiedFiles);
      ignoredTensors = List.copyOf(ignoredTensors);
    }
  }

  /**
   * Exports with the key-value cache; see {@link #export(Path, Path, boolean)}.
   *
   * @param checkpointDir Hugging Face directory with {@code config.json} and safetensors weights
   * @param outputDir directory to write into
   * @return what was written
   */
  public static Result export(Path checkpointDir, Path outputDir) {
    return export(checkpointDir, outputDir, true);
  }

  /**
   * Exports, refusing NaN or infinite weights; see {@link #export(Path, Path, boolean, boolean)}.
   *
   * @param checkpointDir Hugging Face directory with {@code config.json} and safetensors weights
   * @param outputDir directory to write into
   * @param withCache true for the Optimum cache I/O, false for a logits-only graph
   * @return what was written
   */
  public static Result export(Path checkpointDir, Path outputDir, boolean withCache) {
    return export(checkpointDir, outputDir, withCache, false);
  }

  /**
   * Exports a checkpoint directory. {@code config.json} is checked against the safetensors
   * header (tensor names, shapes, dtypes) before any weight is read or any output is written.
   *
   * @param checkpointDir Hugging Face directory with {@code config.json} and safetensors weights
   * @param outputDir directory to write into (created if missing; existing files of the same
   *     names are replaced)
   * @param withCache true for the Optimum cache I/O, false for a logits-only graph
   * @param allowNonFiniteWeights true to export NaN or infinite weights; false (the default of the
   *     shorter overloads) refuses them, naming the file, tensor and first bad index
   * @return what was written
   * @throws SpiceException.ConfigurationException if {@code config.json} is missing or invalid, or
   *     one of its fields disagrees with the weights (a tensor's size, the layer count, biases or
   *     q/k norms the config leaves out); the message names config.json, the field and the tensor
   * @throws SpiceException.BackendException if a weight is missing, transposed, not floating-point,
   *     unknown to the architecture, non-finite (unless allowed), or the safetensors data is
   *     unreadable (message names the tensor and file)
   * @throws SpiceException.CheckpointException if the output cannot be written
   */
  public static Result export(Path checkpointDir, Path outputDir, boolean withCache, boolean allowNonFiniteWeights) {
    long start = System.nanoTime();
    Path configFile = checkpointDir.resolve("config.json");
    if (!Files.isRegularFile(configFile)) {
      throw new SpiceException.ConfigurationException("no config.json in checkpoint directory " + checkpointDir);
    }
    TransformerConfig config = TransformerConfig.read(configFile);
    Path modelFile = outputDir.resolve(MODEL_FILE);
    Path weightsFile = outputDir.resolve(WEIGHTS_FILE);
    List<TensorProto> initializers = new ArrayList<>();
    List<String> ignored;
    long bytes;
    try (SafeTensors.Reader reader = SafeTensors.openDirectory(checkpointDir)) {
      // Header only: refuses a config the weights contradict before anything model-sized exists.
      ignored = config.checkTensors(reader, configFile);
      try {
        Files.createDirectories(outputDir);
      } catch (IOException e) {
        throw new SpiceException.CheckpointException("cannot create " + outputDir + ": " + e.getMessage(), e);
      }
      bytes = writeWeights(reader, config.tensorShapes(), weightsFile, initializers, allowNonFiniteWeights);
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

  private static long writeWeights(SafeTensors.Reader reader, Map<String, long[]> shapes, Path weightsFile,
      List<TensorProto> initializers, boolean allowNonFinite) {
    Path tmp = weightsFile.resolveSibling(weightsFile.getFileName() + ".tmp");
    long offset = 0;
    ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      for (Map.Entry<String, long[]> e : shapes.entrySet()) {
        String name = e.getKey(); // present with this shape: checked by TransformerConfig.checkTensors
        float[] data = reader.floats(name);
        if (!allowNonFinite) {
          SafeTensors.requireFinite(data, reader.info(name), reader.file(name),
              "OnnxExporter.export(checkpointDir, outputDir, withCache, true)");
        }
        long pad = (64 - offset % 64) % 64;
        offset += pad;
        long len = 4L * data.length;
        ch.position(offset);
        for (int i = 0; i < data.length; ) {
          buf.clear();
          int n = Math.min(buf.capacity() / 4, data.length - i);
          buf.asFloatBuffer().put(data, i, n);
          buf.limit(n * 4);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          i += n;
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(entry("location", weightsFile.getFileName().toString()))
            .addExternalData(entry("offset", Long.toString(offset)))
            .addExternalData(entry("length", Long.toString(len)));
        for (long d : e.getValue()) {
          t.addDims(d);
        }
        initializers.add(t.build());
        offset += len;
      }
      ch.force(true);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new SpiceException.CheckpointException("cannot write " + tmp + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
    move(tmp, weightsFile);
    return offset;
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // best effort: the error being reported matters more
    }
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
