package dev.spice.core.model;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.model.SafeTensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a checkpoint's safetensors header(s) against a {@link TransformerConfig} before any weight
 * is read; see {@link TransformerConfig#checkTensors} for what is checked and which exception
 * reports which fault.
 */
final class WeightsCheck {

  private final TransformerConfig config;
  private final SafeTensors.Reader reader;
  private final Path configJson;
  private final String modelType;
  private final int numLayers;

  WeightsCheck(TransformerConfig config, SafeTensors.Reader reader, Path configJson) {
    this.config = config;
    this.reader = reader;
    this.configJson = configJson;
    this.modelType = config.modelType();
    this.numLayers = config.numLayers();
  }

  /** See {@link TransformerConfig#checkTensors}. */
  List<String> run() {
    List<String> names = reader.names();
    String where = weightsLocation(reader, names, configJson);
    Set<String> used = new HashSet<>();
    expect(where, used, "model.embed_tokens.weight", config.vocabDim(), config.hiddenDim());
    long maxLayer = -1;
    String beyond = null;
    long beyondIndex = -1;
    for (String n : names) {
      long idx = layerIndex(n);
      maxLayer = Math.max(maxLayer, idx);
      if (idx >= numLayers && (beyond == null || idx < beyondIndex)) {
        beyond = n;
        beyondIndex = idx;
      }
    }
    if (maxLayer >= 0 && numLayers > maxLayer + 1) {
      throw new SpiceException.ConfigurationException(configJson + ": field 'num_hidden_layers' (" + numLayers
          + ") disagrees with the weights: " + where + " holds layers 0 to " + maxLayer + " only (tensor 'model.layers."
          + (maxLayer + 1) + ".input_layernorm.weight' is missing)");
    }
    if (beyond != null) {
      throw new SpiceException.ConfigurationException(configJson + ": field 'num_hidden_layers' (" + numLayers
          + ") disagrees with the weights: " + reader.file(beyond) + " holds tensor '" + beyond + "' of layer "
          + beyondIndex + ", which would be ignored");
    }
    // numLayers <= maxLayer + 1 <= names.size() now, or layer 0 is missing and the loop stops there.
    for (int l = 0; l < numLayers; l++) {
      config.layerSpecs(l, (name, dims) -> expect(where, used, name, dims));
    }
    expect(where, used, "model.norm.weight", config.hiddenDim());
    if (!config.tieWordEmbeddings()) {
      expect(where, used, "lm_head.weight", config.vocabDim(), config.hiddenDim());
    }
    List<String> unused = new ArrayList<>();
    for (String n : names) {
      if (used.contains(n)) {
        continue;
      }
      if (n.equals("lm_head.weight") || n.endsWith(".rotary_emb.inv_freq")) {
        unused.add(n); // Hugging Face ignores these too: the head is tied, inv_freq is recomputed
        continue;
      }
      if (n.matches("model\\.layers\\.\\d+\\.self_attn\\.[qkv]_proj\\.bias")) {
        throw new SpiceException.ConfigurationException(configJson + ": field 'attention_bias' is false"
            + " (the default for model_type '" + modelType + "' when absent) but " + reader.file(n)
            + " holds tensor '" + n + "'; ignoring it would change the model's outputs");
      }
      if (n.matches("model\\.layers\\.\\d+\\.self_attn\\.[qk]_norm\\.weight")) {
        throw new SpiceException.ConfigurationException(configJson + ": field 'model_type' is '" + modelType
            + "', which has no q/k norms, but " + reader.file(n) + " holds tensor '" + n
            + "'; ignoring it would change the model's outputs (qwen3 has q/k norms)");
      }
      throw new SpiceException.BackendException(reader.file(n) + " holds tensor '" + n + "', which a "
          + modelType + " model of this config.json does not use; refusing to ignore it");
    }
    return unused;
  }

  private static String weightsLocation(SafeTensors.Reader reader, List<String> names, Path configJson) {
    Path first = null;
    for (String n : names) {
      Path f = reader.file(n);
      if (first == null) {
        first = f;
      } else if (!first.equals(f)) {
        return "the weight shards in " + f.toAbsolutePath().getParent();
      }
    }
    return first != null ? first.toString() : "the weights next to " + configJson;
  }

  /** The layer index of a {@code model.layers.N.} tensor name (canonical decimal), else -1. */
  private static long layerIndex(String name) {
    String prefix = "model.layers.";
    if (!name.startsWith(prefix)) {
      return -1;
    }
    int dot = name.indexOf('.', prefix.length());
    if (dot < 0) {
      return -1;
    }
    String digits = name.substring(prefix.length(), dot);
    if (digits.isEmpty() || digits.length() > 18 || (digits.length() > 1 && digits.charAt(0) == '0')) {
      return -1;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(digits);
  }

  private void expect(String where, Set<String> used, String name, TransformerConfig.Dim... dims) {
    long[] want = TransformerConfig.values(dims);
    if (!reader.contains(name)) {
      throw new SpiceException.BackendException("checkpoint " + where + " lacks tensor '" + name + "' that "
          + configJson + " requires (shape " + Arrays.toString(want) + " for model_type " + modelType + ")");
    }
    SafeTensors.TensorInfo info = reader.info(name);
    Path file = reader.file(name);
    switch (info.dtype()) {
      case F32, F16, BF16, F64 -> { }
      default -> throw new SpiceException.BackendException("tensor '" + name + "' in " + file + " has dtype "
          + info.dtype() + "; weights must be F32, F16, BF16 or F64");
    }
    long[] have = info.shape();
    used.add(name);
    if (Arrays.equals(have, want)) {
      return;
    }
    String shapes = "tensor '" + name + "' in " + file + " has shape " + Arrays.toString(have) + " but "
        + configJson.getFileName() + " implies " + Arrays.toString(want);
    if (have.length != want.length || saturatedCount(have) == saturatedCount(want)) {
      throw new SpiceException.BackendException(shapes
          + (have.length == want.length ? " (the same elements in another arrangement: transposed?)" : ""));
    }
    List<String> fields = new ArrayList<>();
    for (int i = 0; i < want.length; i++) {
      if (have[i] != want[i] && !fields.contains(dims[i].fields())) {
        fields.add(dims[i].fields());
      }
    }
    throw new SpiceException.ConfigurationException(configJson + ": " + String.join(" and ", fields)
        + " disagree" + (fields.size() == 1 && !fields.get(0).startsWith("fields") ? "s" : "")
        + " with the weights: " + shapes);
  }

  private static long saturatedCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d == 0) {
        return 0;
      }
    }
    for (long d : shape) {
      long hi = Math.multiplyHigh(n, d);
      n = hi != 0 || n * d < 0 ? Long.MAX_VALUE : n * d;
    }
    return n;
  }
}
