package dev.spice.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.spice.core.model.TransformerConfig;

/**
 * Host-side cos/sin tables of the rotary embedding, grown on demand, from the config's inverse
 * frequencies ({@link TransformerConfig#ropeInverseFrequencies()}: rope_theta with any rope
 * scaling applied). Angles are computed in float, as Hugging Face does.
 */
final class RopeTables {
  private final int d;
  private final float[] invFreq;
  private float[] cosTab = new float[0];
  private float[] sinTab = new float[0];

  RopeTables(TransformerConfig cfg) {
    this.d = cfg.headDim();
    int half = d / 2;
    this.invFreq = new float[half];
    double[] inv = cfg.ropeInverseFrequencies();
    for (int j = 0; j < half; j++) {
      invFreq[j] = (float) inv[j];
    }
  }

  private void ensure(int maxPos) {
    int have = cosTab.length / d;
    if (maxPos < have) {
      return;
    }
    int n = Math.max(maxPos + 1, Math.max(64, have * 2));
    float[] c = new float[n * d];
    float[] s = new float[n * d];
    int half = d / 2;
    for (int pos = 0; pos < n; pos++) {
      for (int j = 0; j < d; j++) {
        float arg = pos * invFreq[j % half];
        c[pos * d + j] = (float) Math.cos(arg);
        s[pos * d + j] = (float) Math.sin(arg);
      }
    }
    cosTab = c;
    sinTab = s;
  }

  /** Rotary tables {@code [B, 1, T, D]} for per-row positions {@code positions[b][t]}. */
  NDArray[] rope(NDManager m, int[][] positions) {
    int b = positions.length;
    int t = positions[0].length;
    int max = 0;
    for (int[] row : positions) {
      for (int x : row) {
        max = Math.max(max, x);
      }
    }
    ensure(max);
    float[] c = new float[b * t * d];
    float[] s = new float[b * t * d];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        int dst = (i * t + j) * d;
        int src = positions[i][j] * d;
        System.arraycopy(cosTab, src, c, dst, d);
        System.arraycopy(sinTab, src, s, dst, d);
      }
    }
    Shape shape = new Shape(b, 1, t, d);
    return new NDArray[] {m.create(c, shape), m.create(s, shape)};
  }

  /** Rotary tables {@code [1, 1, T, D]} for positions {@code 0..T-1}. */
  NDArray[] rope(NDManager m, int t) {
    int[][] pos = new int[1][t];
    for (int j = 0; j < t; j++) {
      pos[0][j] = j;
    }
    return rope(m, pos);
  }
}
