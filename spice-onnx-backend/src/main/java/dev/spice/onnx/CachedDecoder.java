package dev.spice.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.spice.core.SpiceException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Uses the graph's key-value cache: each step feeds one token and the previous present tensors. */
final class CachedDecoder extends Decoder {
  private OrtSession.Result last;
  private final int[] lengths;

  CachedDecoder(RuntimeSession rt, int[][] rows) {
    super(rt, rows);
    lengths = Arrays.stream(rows).mapToInt(r -> r.length).toArray();
  }

  @Override
  Logits prefill() {
    return prefillAll();
  }

  @Override
  Logits prefillAll() {
    Map<String, OnnxTensor> in = promptInputs();
    try {
      for (int l = 0; l < sig.layers(); l++) {
        long[] shape = {batch, sig.kvHeads(), 0, sig.headDim()};
        in.put(DecoderGraph.pastKey(l), OnnxTensor.createTensor(rt.env(), FloatBuffer.allocate(0), shape));
        in.put(DecoderGraph.pastValue(l), OnnxTensor.createTensor(rt.env(), FloatBuffer.allocate(0), shape));
      }
      if (sig.useCacheBranch()) {
        in.put("use_cache_branch", OnnxTensor.createTensor(rt.env(), new boolean[] {false}));
      }
      last = run(in);
      return logits(last);
    } catch (OrtException e) {
      throw new SpiceException.BackendException("cannot create the empty cache: " + e.getMessage(), e);
    } finally {
      in.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  Logits step(int[] next) {
    total++;
    long[] ids = new long[batch];
    long[] mask = new long[batch * total];
    long[] pos = new long[batch];
    for (int b = 0; b < batch; b++) {
      ids[b] = next[b];
      for (int j = maxLen - rows[b].length; j < total; j++) {
        mask[b * total + j] = 1;
      }
      pos[b] = lengths[b]++;
    }
    Map<String, OnnxTensor> owned = new LinkedHashMap<>();
    put(owned, DecoderGraph.INPUT_IDS, ids, new long[] {batch, 1});
    put(owned, DecoderGraph.ATTENTION_MASK, mask, new long[] {batch, total});
    if (sig.positionIds()) {
      put(owned, DecoderGraph.POSITION_IDS, pos, new long[] {batch, 1});
    }
    Map<String, OnnxTensorLike> in = new HashMap<>(owned);
    try {
      if (sig.useCacheBranch()) {
        owned.put("use_cache_branch", OnnxTensor.createTensor(rt.env(), new boolean[] {true}));
        in.put("use_cache_branch", owned.get("use_cache_branch"));
      }
      for (int l = 0; l < sig.layers(); l++) {
        in.put(DecoderGraph.pastKey(l), (OnnxTensor) last.get(DecoderGraph.presentKey(l)).orElseThrow());
        in.put(DecoderGraph.pastValue(l), (OnnxTensor) last.get(DecoderGraph.presentValue(l)).orElseThrow());
      }
      OrtSession.Result r = run(in);
      last.close();
      last = r;
      return logits(r);
    } catch (OrtException e) {
      throw new SpiceException.BackendException("cannot create input: " + e.getMessage(), e);
    } finally {
      owned.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() {
    if (last != null) {
      last.close();
      last = null;
    }
  }
}
