package dev.spice.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A graph without a cache: every step recomputes the whole (growing) sequence. */
final class FullDecoder extends Decoder {
  private final List<int[]> generated = new ArrayList<>();

  FullDecoder(RuntimeSession rt, int[][] rows) {
    super(rt, rows);
  }

  @Override
  Logits prefill() {
    return prefillAll();
  }

  @Override
  Logits prefillAll() {
    Map<String, OnnxTensor> in = promptInputs();
    try (OrtSession.Result r = run(in)) {
      return logits(r);
    } finally {
      in.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  Logits step(int[] next) {
    generated.add(next.clone());
    total++;
    long[] ids = new long[batch * total];
    long[] mask = new long[batch * total];
    long[] pos = new long[batch * total];
    for (int b = 0; b < batch; b++) {
      int pad = maxLen - rows[b].length;
      int p = 0;
      for (int t = 0; t < rows[b].length; t++) {
        ids[b * total + pad + t] = rows[b][t];
        mask[b * total + pad + t] = 1;
        pos[b * total + pad + t] = p++;
      }
      for (int g = 0; g < generated.size(); g++) {
        ids[b * total + maxLen + g] = generated.get(g)[b];
        mask[b * total + maxLen + g] = 1;
        pos[b * total + maxLen + g] = p++;
      }
    }
    Map<String, OnnxTensor> in = new LinkedHashMap<>();
    long[] shape = {batch, total};
    put(in, DecoderGraph.INPUT_IDS, ids, shape);
    put(in, DecoderGraph.ATTENTION_MASK, mask, shape);
    if (sig.positionIds()) {
      put(in, DecoderGraph.POSITION_IDS, pos, shape);
    }
    try (OrtSession.Result r = run(in)) {
      return logits(r);
    } finally {
      in.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() {}
}
