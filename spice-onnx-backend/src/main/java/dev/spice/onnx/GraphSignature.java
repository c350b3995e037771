package dev.spice.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.spice.core.SpiceException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a decoder graph looks like, discovered from its own inputs and outputs, validated with
 * errors that name the file and the offending input or output.
 */
record GraphSignature(boolean cache, boolean positionIds, boolean useCacheBranch, int layers, int kvHeads,
    int headDim, int vocabSize) {

  private static final Pattern PAST = Pattern.compile("past_key_values\\.(\\d+)\\.(key|value)");

  static GraphSignature of(OrtSession session, Path file) {
    Map<String, NodeInfo> in;
    Map<String, NodeInfo> out;
    try {
      in = session.getInputInfo();
      out = session.getOutputInfo();
    } catch (OrtException e) {
      throw new SpiceException.BackendException("cannot read the inputs and outputs of " + file + ": " + e.getMessage(), e);
    }
    String what = "model " + file;
    if (!in.containsKey(DecoderGraph.INPUT_IDS) || !out.containsKey(DecoderGraph.LOGITS)) {
      throw new SpiceException.BackendException(what + " is not a decoder-only language model: it needs input '"
          + DecoderGraph.INPUT_IDS + "' and output '" + DecoderGraph.LOGITS + "' but has inputs " + in.keySet()
          + " and outputs " + out.keySet());
    }
    tensor(what, "input", in.get(DecoderGraph.INPUT_IDS), OnnxJavaType.INT64, 2, "int64 [batch, sequence]");
    if (!in.containsKey(DecoderGraph.ATTENTION_MASK)) {
      throw new SpiceException.BackendException(what + " has no input '" + DecoderGraph.ATTENTION_MASK
          + "' (inputs: " + in.keySet() + ")");
    }
    tensor(what, "input", in.get(DecoderGraph.ATTENTION_MASK), OnnxJavaType.INT64, 2, "int64 [batch, total]");
    boolean pos = in.containsKey(DecoderGraph.POSITION_IDS);
    if (pos) {
      tensor(what, "input", in.get(DecoderGraph.POSITION_IDS), OnnxJavaType.INT64, 2, "int64 [batch, sequence]");
    }
    long[] logits = tensor(what, "output", out.get(DecoderGraph.LOGITS), OnnxJavaType.FLOAT, 3,
        "float32 [batch, sequence, vocab]");
    boolean branch = in.containsKey("use_cache_branch");
    Map<Integer, long[]> pastShapes = new TreeMap<>();
    for (Map.Entry<String, NodeInfo> e : in.entrySet()) {
      String name = e.getKey();
      if (name.equals(DecoderGraph.INPUT_IDS) || name.equals(DecoderGraph.ATTENTION_MASK)
          || name.equals(DecoderGraph.POSITION_IDS) || name.equals("use_cache_branch")) {
        continue;
      }
      Matcher m = PAST.matcher(name);
      if (!m.matches()) {
        throw new SpiceException.BackendException(what + " has input '" + name + "' that a decoder policy cannot feed; "
            + "known inputs: input_ids, attention_mask, position_ids, past_key_values.{i}.key/value, use_cache_branch");
      }
      long[] shape = tensor(what, "input", e.getValue(), OnnxJavaType.FLOAT, 4,
          "float32 [batch, kv_heads, past_sequence, head_dim]");
      if (shape[1] <= 0 || shape[3] <= 0) {
        throw new SpiceException.BackendException(what + ": input '" + name + "' must have fixed kv_heads and head_dim, got "
            + Arrays.toString(shape));
      }
      int layer = Integer.parseInt(m.group(1));
      long[] prev = pastShapes.putIfAbsent(layer, shape);
      if (prev != null && (prev[1] != shape[1] || prev[3] != shape[3])) {
        throw new SpiceException.BackendException(what + ": key and value of layer " + layer + " differ in shape");
      }
      String partner = "past_key_values." + layer + "." + (m.group(2).equals("key") ? "value" : "key");
      if (!in.containsKey(partner)) {
        throw new SpiceException.BackendException(what + " has input '" + name + "' but no input '" + partner + "'");
      }
      String present = "present." + layer + "." + m.group(2);
      if (!out.containsKey(present)) {
        throw new SpiceException.BackendException(what + " has input '" + name + "' but no output '" + present
            + "' (outputs: " + out.keySet() + ")");
      }
      tensor(what, "output", out.get(present), OnnxJavaType.FLOAT, 4, "float32 [batch, kv_heads, total, head_dim]");
    }
    int layers = pastShapes.size();
    for (int i = 0; i < layers; i++) {
      if (!pastShapes.containsKey(i)) {
        throw new SpiceException.BackendException(what + ": cache inputs are not numbered 0.." + (layers - 1)
            + "; layers found " + pastShapes.keySet());
      }
    }
    long[] first = layers == 0 ? null : pastShapes.get(0);
    for (long[] s : pastShapes.values()) {
      if (s[1] != first[1] || s[3] != first[3]) {
        throw new SpiceException.BackendException(what + ": layers have different kv_heads or head_dim");
      }
    }
    if (branch && layers == 0) {
      throw new SpiceException.BackendException(what + " has input 'use_cache_branch' but no past_key_values inputs");
    }
    return new GraphSignature(layers > 0, pos, branch, layers, first == null ? 0 : (int) first[1],
        first == null ? 0 : (int) first[3], (int) logits[2]);
  }

  private static long[] tensor(String what, String kind, NodeInfo info, OnnxJavaType type, int rank, String expected) {
    if (!(info.getInfo() instanceof TensorInfo t)) {
      throw new SpiceException.BackendException(what + ": " + kind + " '" + info.getName() + "' is not a tensor; expected "
          + expected);
    }
    if (t.type != type || t.getShape().length != rank) {
      throw new SpiceException.BackendException(what + ": " + kind + " '" + info.getName() + "' is " + t.type + " "
          + Arrays.toString(t.getShape()) + ", expected " + expected + " (unexpected dtype or rank)");
    }
    return t.getShape();
  }
}
