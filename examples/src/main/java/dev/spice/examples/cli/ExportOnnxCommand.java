package dev.spice.examples.cli;

import dev.spice.core.SpiceException;
import dev.spice.onnx.OnnxExporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spice export-onnx}: writes a Hugging Face checkpoint folder (Llama, Qwen2, Qwen3;
 * {@code config.json} and {@code model.safetensors} or its shards, the layout DJL's
 * {@code savePretrained} writes) as ONNX with {@link OnnxExporter}: {@code model.onnx} and
 * {@code model.onnx_data} in the output folder, with the config and tokenizer files copied along,
 * ready for {@code spice eval --onnx} and {@code OnnxPolicy}. The folder is checked before
 * anything is written.
 */
@Command(name = "export-onnx", mixinStandardHelpOptions = true, version = "SPICE for Java 0.1.0", sortOptions = false,
    usageHelpWidth = 110,
    description = {"Exports a Hugging Face checkpoint folder (Llama / Qwen2 / Qwen3: config.json, model.safetensors or "
        + "model.safetensors.index.json with its shards, as 'spice train' writes into final-model/) to ONNX: "
        + OnnxExporter.MODEL_FILE + " and " + OnnxExporter.WEIGHTS_FILE + " (float32, external data), with "
        + "config.json and the tokenizer files copied along. Opset " + OnnxExporter.OPSET + "."},
    footer = {"%nExamples:",
        "  spice export-onnx --model runs/qwen/final-model                  # writes runs/qwen/final-model-onnx/",
        "  spice export-onnx --model runs/qwen/final-model --out runs/qwen/onnx",
        "  spice eval --onnx runs/qwen/onnx --benchmark sample"})
final class ExportOnnxCommand implements Callable<Integer> {
  @Option(names = "--model", paramLabel = "DIR", required = true,
      description = "Hugging Face checkpoint folder (config.json + safetensors weights)")
  Path model;

  @Option(names = "--out", paramLabel = "PATH",
      description = "output folder, or the path of its " + OnnxExporter.MODEL_FILE + " (default: DIR-onnx next to "
          + "the checkpoint); files of the same names there are replaced")
  Path out;

  @Option(names = "--no-cache",
      description = "a logits-only graph, without the past/present key-value cache inputs and outputs (default: with "
          + "them, which OnnxPolicy uses to generate without recomputing the prompt)")
  boolean noCache;

  @Option(names = "--allow-non-finite",
      description = "export NaN or infinite weights (default: refuse them, naming the tensor)")
  boolean allowNonFinite;

  private final PrintWriter stdout;

  ExportOnnxCommand(PrintWriter stdout) {
    this.stdout = stdout;
  }

  @Override
  public Integer call() {
    checkCheckpoint(model);
    Path dir = outputDir();
    stdout.println("exporting " + model + " to " + dir + " ...");
    stdout.flush();
    OnnxExporter.Result r = OnnxExporter.export(model, dir, !noCache, allowNonFinite);
    stdout.println(String.format(Locale.ROOT, "wrote %s and %s (%.1f MB of weights, %d layers, %s) in %.1f s",
        r.model(), r.weights().getFileName(), r.weightBytes() / 1e6, r.config().numLayers(),
        r.withCache() ? "with the key-value cache" : "logits only", r.elapsed().toMillis() / 1e3));
    if (!r.ignoredTensors().isEmpty()) {
      stdout.println("not exported (unused by the architecture, as in Hugging Face): "
          + String.join(", ", r.ignoredTensors()));
    }
    stdout.println("copied: " + String.join(", ", r.copiedFiles().stream().map(p -> p.getFileName().toString()).toList()));
    return 0;
  }

  /** The folder to write into: {@code --out}, the folder of an {@code --out .../model.onnx}, or {@code DIR-onnx}. */
  private Path outputDir() {
    if (out == null) {
      Path abs = model.toAbsolutePath().normalize();
      return abs.resolveSibling(abs.getFileName() + "-onnx");
    }
    String name = out.getFileName() == null ? "" : out.getFileName().toString();
    if (name.toLowerCase(Locale.ROOT).endsWith(".onnx")) {
      if (!name.equals(OnnxExporter.MODEL_FILE)) {
        throw new SpiceException.ConfigurationException("--out " + out + ": the export always writes "
            + OnnxExporter.MODEL_FILE + " and " + OnnxExporter.WEIGHTS_FILE + " into a folder (OnnxPolicy looks for "
            + "these names); give the folder, or a path ending in /" + OnnxExporter.MODEL_FILE);
      }
      Path parent = out.toAbsolutePath().getParent();
      return checkFolder(parent);
    }
    return checkFolder(out);
  }

  private Path checkFolder(Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new SpiceException.ConfigurationException("--out " + dir + " is a file; give a folder to write "
          + OnnxExporter.MODEL_FILE + " into");
    }
    return dir;
  }

  /**
   * Checks that {@code dir} is a checkpoint folder the exporter can read: a folder with
   * {@code config.json} and safetensors weights.
   *
   * @throws SpiceException.ConfigurationException naming what is missing and what the folder holds
   */
  static void checkCheckpoint(Path dir) {
    if (!Files.exists(dir)) {
      throw new SpiceException.ConfigurationException("--model " + dir + " does not exist; give a Hugging Face "
          + "checkpoint folder (config.json, model.safetensors)");
    }
    if (!Files.isDirectory(dir)) {
      throw new SpiceException.ConfigurationException("--model " + dir + " is a file; give the checkpoint folder "
          + "that holds it (config.json, model.safetensors)");
    }
    List<String> missing = new ArrayList<>();
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      missing.add("config.json");
    }
    if (!Files.isRegularFile(dir.resolve("model.safetensors"))
        && !Files.isRegularFile(dir.resolve("model.safetensors.index.json"))) {
      missing.add("model.safetensors (or model.safetensors.index.json with its shards)");
    }
    if (missing.isEmpty()) {
      return;
    }
    List<String> has = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.map(p -> p.getFileName().toString()).sorted().limit(12).forEach(has::add);
    } catch (IOException e) {
      throw new SpiceException.ConfigurationException("cannot list --model " + dir + ": " + UserMessages.io(e));
    }
    boolean pickle = has.stream().anyMatch(n -> n.endsWith(".bin") || n.endsWith(".pt") || n.endsWith(".pth"));
    throw new SpiceException.ConfigurationException("--model " + dir + " is not a Hugging Face checkpoint folder: no "
        + String.join(" and no ", missing) + "; it holds " + (has.isEmpty() ? "nothing" : String.join(", ", has))
        + (pickle ? " (PyTorch .bin/.pt weights are not read: save the model with safetensors)" : ""));
  }
}
