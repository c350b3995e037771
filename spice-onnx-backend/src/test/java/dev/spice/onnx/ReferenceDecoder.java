package dev.spice.onnx;

import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A deliberately plain, double-precision forward pass of the Llama / Qwen2 / Qwen3 decoder, written
 * from the Hugging Face modelling code's definitions, used as the reference the ONNX graph is
 * checked against. One unpadded sequence at positions 0..n-1.
 */
final class ReferenceDecoder {
  private final TransformerConfig c;
  private final Map<String, float[]> w = new HashMap<>();

  ReferenceDecoder(Path checkpointDir) {
    this.c = TransformerConfig.read(checkpointDir.resolve("config.json"));
    try (SafeTensors.Reader r = SafeTensors.openDirectory(checkpointDir)) {
      for (String name : r.names()) {
        w.put(name, r.floats(name));
      }
    }
  }

  /** Logits {@code [n][vocab]} of every position. */
  double[][] logits(int[] ids) {
    int n = ids.length;
    int h = c.hiddenSize();
    int d = c.headDim();
    int nh = c.numHeads();
    int nkv = c.numKvHeads();
    double[][] x = new double[n][h];
    float[] emb = w.get("model.embed_tokens.weight");
    for (int t = 0; t < n; t++) {
      for (int j = 0; j < h; j++) {
        x[t][j] = emb[ids[t] * h + j];
      }
    }
    for (int l = 0; l < c.numLayers(); l++) {
      String p = "model.layers." + l + ".";
      double[][] xn = norm(x, w.get(p + "input_layernorm.weight"));
      double[][] q = linear(xn, p + "self_attn.q_proj", nh * d);
      double[][] k = linear(xn, p + "self_attn.k_proj", nkv * d);
      double[][] v = linear(xn, p + "self_attn.v_proj", nkv * d);
      for (int t = 0; t < n; t++) {
        for (int hh = 0; hh < nh; hh++) {
          if (c.qkNorm()) {
            headNorm(q[t], hh * d, w.get(p + "self_attn.q_norm.weight"));
          }
          rope(q[t], hh * d, t);
        }
        for (int hh = 0; hh < nkv; hh++) {
          if (c.qkNorm()) {
            headNorm(k[t], hh * d, w.get(p + "self_attn.k_norm.weight"));
          }
          rope(k[t], hh * d, t);
        }
      }
      double[][] ctx = new double[n][nh * d];
      int groups = nh / nkv;
      for (int hh = 0; hh < nh; hh++) {
        int kvh = hh / groups;
        for (int t = 0; t < n; t++) {
          double[] s = new double[t + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int u = 0; u <= t; u++) {
            double dot = 0;
            for (int j = 0; j < d; j++) {
              dot += q[t][hh * d + j] * k[u][kvh * d + j];
            }
            s[u] = dot / Math.sqrt(d);
            max = Math.max(max, s[u]);
          }
          double z = 0;
          for (int u = 0; u <= t; u++) {
            s[u] = Math.exp(s[u] - max);
            z += s[u];
          }
          for (int u = 0; u <= t; u++) {
            for (int j = 0; j < d; j++) {
              ctx[t][hh * d + j] += s[u] / z * v[u][kvh * d + j];
            }
          }
        }
      }
      add(x, linear(ctx, p + "self_attn.o_proj", h));
      double[][] xn2 = norm(x, w.get(p + "post_attention_layernorm.weight"));
      double[][] gate = linear(xn2, p + "mlp.gate_proj", c.intermediateSize());
      double[][] up = linear(xn2, p + "mlp.up_proj", c.intermediateSize());
      for (int t = 0; t < n; t++) {
        for (int j = 0; j < gate[t].length; j++) {
          double gg = gate[t][j];
          gate[t][j] = gg / (1 + Math.exp(-gg)) * up[t][j];
        }
      }
      add(x, linear(gate, p + "mlp.down_proj", h));
    }
    double[][] xn = norm(x, w.get("model.norm.weight"));
    String head = c.tieWordEmbeddings() ? "model.embed_tokens" : "lm_head";
    return linear(xn, head, c.vocabSize());
  }

  private double[][] linear(double[][] x, String prefix, int out) {
    float[] wt = w.get(prefix + ".weight");
    float[] b = w.get(prefix + ".bias");
    int in = x[0].length;
    double[][] y = new double[x.length][out];
    for (int t = 0; t < x.length; t++) {
      for (int o = 0; o < out; o++) {
        double s = b == null ? 0 : b[o];
        for (int j = 0; j < in; j++) {
          s += wt[o * in + j] * x[t][j];
        }
        y[t][o] = s;
      }
    }
    return y;
  }

  private double[][] norm(double[][] x, float[] weight) {
    double[][] y = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      double ms = 0;
      for (double v : x[t]) {
        ms += v * v;
      }
      double r = 1 / Math.sqrt(ms / x[t].length + c.rmsNormEps());
      y[t] = new double[x[t].length];
      for (int j = 0; j < x[t].length; j++) {
        y[t][j] = weight[j] * x[t][j] * r;
      }
    }
    return y;
  }

  private void headNorm(double[] v, int off, float[] weight) {
    int d = c.headDim();
    double ms = 0;
    for (int j = 0; j < d; j++) {
      ms += v[off + j] * v[off + j];
    }
    double r = 1 / Math.sqrt(ms / d + c.rmsNormEps());
    for (int j = 0; j < d; j++) {
      v[off + j] = weight[j] * v[off + j] * r;
    }
  }

  /** HF rotate_half: out = x * cos + cat(-x2, x1) * sin, with angle pos * theta^(-2i/d). */
  private void rope(double[] v, int off, int pos) {
    int d = c.headDim();
    int half = d / 2;
    double[] out = new double[d];
    for (int j = 0; j < d; j++) {
      int i = j % half;
      double angle = pos / Math.pow(c.ropeTheta(), 2.0 * i / d);
      double rot = j < half ? -v[off + j + half] : v[off + j - half];
      out[j] = v[off + j] * Math.cos(angle) + rot * Math.sin(angle);
    }
    System.arraycopy(out, 0, v, off, d);
  }

  private static void add(double[][] x, double[][] y) {
    for (int t = 0; t < x.length; t++) {
      for (int j = 0; j < x[t].length; j++) {
        x[t][j] += y[t][j];
      }
    }
  }
}
