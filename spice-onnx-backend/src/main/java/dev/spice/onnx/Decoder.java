package dev.spice.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.spice.core.SpiceException;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs one batch: a prefill over the left-padded prompts, then one token per row per step. Use
 * within one call of the policy (the session must not change meanwhile) and close it.
 */
abstract class Decoder implements AutoCloseable {
  final RuntimeSession rt;
  final GraphSignature sig;
  final int batch;
  final int[][] rows;
  final int maxLen;
  int total;

  Decoder(RuntimeSession rt, int[][] rows) {
    this.rt = rt;
    this.sig = rt.sig();
    this.rows = rows;
    this.batch = rows.length;
    int m = 0;
    for (int[] r : rows) {
      m = Math.max(m, r.length);
    }
    this.maxLen = m;
    this.total = m;
  }

  /** A {@link CachedDecoder} if the graph has a key-value cache, else a {@link FullDecoder}. */
  static Decoder open(RuntimeSession rt, int[][] rows) {
    return rt.sig().cache() ? new CachedDecoder(rt, rows) : new FullDecoder(rt, rows);
  }

  /** Logits of the prompts; {@link Logits#offset(int)} gives each row's next-token logits. */
  abstract Logits prefill();

  /** Logits of every position of the prompts. */
  abstract Logits prefillAll();

  /** Appends one token per row and returns the logits of the new position. */
  abstract Logits step(int[] next);

  @Override
  public abstract void close();

  /** Left-padded ids, mask and positions of the prompts. */
  Map<String, OnnxTensor> promptInputs() {
    long[] ids = new long[batch * maxLen];
    long[] mask = new long[batch * maxLen];
    long[] pos = new long[batch * maxLen];
    for (int b = 0; b < batch; b++) {
      int pad = maxLen - rows[b].length;
      for (int t = 0; t < rows[b].length; t++) {
        ids[b * maxLen + pad + t] = rows[b][t];
        mask[b * maxLen + pad + t] = 1;
        pos[b * maxLen + pad + t] = t;
      }
    }
    Map<String, OnnxTensor> in = new LinkedHashMap<>();
    long[] shape = {batch, maxLen};
    put(in, DecoderGraph.INPUT_IDS, ids, shape);
    put(in, DecoderGraph.ATTENTION_MASK, mask, shape);
    if (sig.positionIds()) {
      put(in, DecoderGraph.POSITION_IDS, pos, shape);
    }
    return in;
  }

  void put(Map<String, OnnxTensor> in, String name, long[] data, long[] shape) {
    try {
      in.put(name, OnnxTensor.createTensor(rt.env(), LongBuffer.wrap(data), shape));
    } catch (OrtException e) {
      throw new SpiceException.BackendException("cannot create input '" + name + "': " + e.getMessage(), e);
    }
  }

  OrtSession.Result run(Map<String, ? extends OnnxTensorLike> in) {
    return rt.run(in);
  }

  Logits logits(OrtSession.Result r) {
    OnnxValue v = r.get(DecoderGraph.LOGITS).orElseThrow();
    return new Logits((OnnxTensor) v);
  }
}
