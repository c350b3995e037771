package dev.spice.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.spice.core.model.TransformerConfig;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The exported graph, run directly in ONNX Runtime, against the plain-Java reference decoder. */
class ExportedGraphTest {
  static final double TOL = 1e-4;
  static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  @TempDir Path tmp;

  static Stream<Arguments> configs() {
    return Stream.of(
        Arguments.of("qwen3", Fixtures.qwen3(50)),
        Arguments.of("qwen2", Fixtures.qwen2(50)),
        Arguments.of("llama", Fixtures.llama(50)));
  }

  /** Random prompts of different lengths, so a batch needs left padding. */
  static int[][] prompts(int batch, int vocab, long seed) {
    Random r = new Random(seed);
    int[][] p = new int[batch][];
    for (int b = 0; b < batch; b++) {
      p[b] = new int[1 + r.nextInt(9)];
      for (int t = 0; t < p[b].length; t++) {
        p[b][t] = r.nextInt(vocab);
      }
    }
    return p;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void logitsWithoutCacheMatchReferenceAtBatch1And8(String name, TransformerConfig config) throws Exception {
    Path ckpt = Fixtures.checkpoint(tmp.resolve("ckpt"), config, 7);
    OnnxExporter.Result r = OnnxExporter.export(ckpt, tmp.resolve("onnx-plain"), false);
    assertEquals(List.of("input_ids", "attention_mask", "position_ids"), r.inputNames());
    assertEquals(List.of("logits"), r.outputNames());
    ReferenceDecoder ref = new ReferenceDecoder(ckpt);
    try (OrtSession s = ENV.createSession(r.model().toString(), new OrtSession.SessionOptions())) {
      for (int batch : new int[] {1, 8}) {
        int[][] seqs = prompts(batch, config.vocabSize(), batch);
        float[][][] got = runPadded(s, seqs, config, 0, null).logits;
        for (int b = 0; b < batch; b++) {
          assertClose(ref.logits(seqs[b]), got[b], name + " batch " + batch + " row " + b);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void logitsWithCacheMatchReferenceStepByStep(String name, TransformerConfig config) throws Exception {
    Path ckpt = Fixtures.checkpoint(tmp.resolve("ckpt"), config, 11);
    OnnxExporter.Result r = OnnxExporter.export(ckpt, tmp.resolve("onnx"));
    assertEquals("past_key_values.0.key", r.inputNames().get(3));
    assertEquals("present." + (config.numLayers() - 1) + ".value", r.outputNames().get(r.outputNames().size() - 1));
    ReferenceDecoder ref = new ReferenceDecoder(ckpt);
    try (OrtSession s = ENV.createSession(r.model().toString(), new OrtSession.SessionOptions())) {
      for (int batch : new int[] {1, 8}) {
        int[][] seqs = prompts(batch, config.vocabSize(), 100 + batch);
        int steps = 4;
        Random rnd = new Random(batch);
        int[][] extra = new int[batch][steps];
        for (int[] e : extra) {
          for (int t = 0; t < steps; t++) {
            e[t] = rnd.nextInt(config.vocabSize());
          }
        }
        // prefill with an empty cache, then feed one token per step
        Step st = runPadded(s, seqs, config, 0, null);
        for (int b = 0; b < batch; b++) {
          assertClose(ref.logits(seqs[b]), st.logits[b], name + " prefill row " + b);
        }
        int maxLen = st.maxLen;
        for (int t = 0; t < steps; t++) {
          int[][] step = new int[batch][];
          for (int b = 0; b < batch; b++) {
            step[b] = new int[] {extra[b][t]};
          }
          Step next = runStep(s, step, seqs, maxLen, t, st, config);
          st.close();
          st = next;
          for (int b = 0; b < batch; b++) {
            int[] full = new int[seqs[b].length + t + 1];
            System.arraycopy(seqs[b], 0, full, 0, seqs[b].length);
            System.arraycopy(extra[b], 0, full, seqs[b].length, t + 1);
            double[][] want = ref.logits(full);
            assertClose(new double[][] {want[want.length - 1]}, st.logits[b], name + " step " + t + " row " + b);
          }
        }
        st.close();
      }
    }
  }

  static final class Step implements AutoCloseable {
    float[][][] logits;
    int maxLen;
    OrtSession.Result result;

    @Override
    public void close() {
      if (result != null) {
        result.close();
      }
    }
  }

  /** Left-padded forward of whole sequences; with a cache graph, an empty past is fed. */
  static Step runPadded(OrtSession s, int[][] seqs, TransformerConfig c, int unused, Object none)
      throws OrtException {
    int batch = seqs.length;
    int maxLen = 0;
    for (int[] q : seqs) {
      maxLen = Math.max(maxLen, q.length);
    }
    long[] ids = new long[batch * maxLen];
    long[] mask = new long[batch * maxLen];
    long[] pos = new long[batch * maxLen];
    for (int b = 0; b < batch; b++) {
      int pad = maxLen - seqs[b].length;
      for (int t = 0; t < seqs[b].length; t++) {
        ids[b * maxLen + pad + t] = seqs[b][t];
        mask[b * maxLen + pad + t] = 1;
        pos[b * maxLen + pad + t] = t;
      }
    }
    Map<String, OnnxTensor> in = new HashMap<>();
    long[] shape = {batch, maxLen};
    in.put("input_ids", OnnxTensor.createTensor(ENV, LongBuffer.wrap(ids), shape));
    in.put("attention_mask", OnnxTensor.createTensor(ENV, LongBuffer.wrap(mask), shape));
    in.put("position_ids", OnnxTensor.createTensor(ENV, LongBuffer.wrap(pos), shape));
    if (s.getInputNames().contains("past_key_values.0.key")) {
      for (int l = 0; l < c.numLayers(); l++) {
        for (String kv : new String[] {"key", "value"}) {
          in.put("past_key_values." + l + "." + kv, OnnxTensor.createTensor(ENV, FloatBuffer.allocate(0),
              new long[] {batch, c.numKvHeads(), 0, c.headDim()}));
        }
      }
    }
    Step st = new Step();
    st.result = s.run(in);
    in.values().forEach(OnnxTensor::close);
    st.maxLen = maxLen;
    st.logits = unpad(st.result, seqs, maxLen, c.vocabSize());
    return st;
  }

  static float[][][] unpad(OrtSession.Result r, int[][] seqs, int maxLen, int vocab) throws OrtException {
    OnnxTensor lt = (OnnxTensor) r.get("logits").get();
    long[] shape = lt.getInfo().getShape();
    int len = (int) shape[1];
    FloatBuffer fb = lt.getFloatBuffer();
    float[][][] out = new float[seqs.length][][];
    for (int b = 0; b < seqs.length; b++) {
      int keep = len == 1 ? 1 : seqs[b].length;
      int pad = len - keep;
      out[b] = new float[keep][vocab];
      for (int t = 0; t < keep; t++) {
        fb.position((b * len + pad + t) * vocab);
        fb.get(out[b][t]);
      }
    }
    return out;
  }

  static Step runStep(OrtSession s, int[][] step, int[][] seqs, int maxLen, int t, Step prev, TransformerConfig c)
      throws OrtException {
    int batch = step.length;
    int total = maxLen + t + 1;
    long[] ids = new long[batch];
    long[] mask = new long[batch * total];
    long[] pos = new long[batch];
    for (int b = 0; b < batch; b++) {
      ids[b] = step[b][0];
      int pad = maxLen - seqs[b].length;
      for (int j = pad; j < total; j++) {
        mask[b * total + j] = 1;
      }
      pos[b] = seqs[b].length + t;
    }
    Map<String, OnnxTensor> in = new HashMap<>();
    Map<String, OnnxTensor> owned = new HashMap<>();
    owned.put("input_ids", OnnxTensor.createTensor(ENV, LongBuffer.wrap(ids), new long[] {batch, 1}));
    owned.put("attention_mask", OnnxTensor.createTensor(ENV, LongBuffer.wrap(mask), new long[] {batch, total}));
    owned.put("position_ids", OnnxTensor.createTensor(ENV, LongBuffer.wrap(pos), new long[] {batch, 1}));
    in.putAll(owned);
    for (int l = 0; l < c.numLayers(); l++) {
      for (String kv : new String[] {"key", "value"}) {
        OnnxValue v = prev.result.get("present." + l + "." + kv).get();
        in.put("past_key_values." + l + "." + kv, (OnnxTensor) v);
      }
    }
    Step st = new Step();
    st.result = s.run(in);
    owned.values().forEach(OnnxTensor::close);
    st.maxLen = maxLen;
    int[][] ones = new int[batch][1];
    st.logits = unpad(st.result, ones, 1, c.vocabSize());
    return st;
  }

  static void assertClose(double[][] want, float[][] got, String what) {
    assertEquals(want.length, got.length, what + ": positions");
    double worst = 0;
    for (int t = 0; t < want.length; t++) {
      assertEquals(want[t].length, got[t].length, what + ": vocab");
      for (int j = 0; j < want[t].length; j++) {
        worst = Math.max(worst, Math.abs(want[t][j] - got[t][j]));
      }
    }
    assertTrue(worst <= TOL, what + ": max |logit diff| " + worst + " > " + TOL);
  }

  static List<int[]> list(int[][] a) {
    return new ArrayList<>(List.of(a));
  }
}
