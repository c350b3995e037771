package dev.spice.djl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The prompt side of a batch, used by both sampling ({@link Generator}) and teacher forcing
 * ({@link TeacherForcing}): rows with identical prompt tokens (SPICE's G samples per document or
 * task) share one prompt pass, and the unique prompts are left-padded to the longest one so every
 * prompt ends at position {@code length - 1}. Host arrays only; no NDArrays.
 */
final class SharedPrompts {
  /** Row {@code i}'s index into {@link #unique}. */
  final int[] rowToUnique;
  /** The distinct prompts, in order of first appearance. */
  final List<int[]> unique;
  /** The padded prompt length (the longest prompt). */
  final int length;
  /** The unique prompts, left-padded to {@link #length}. */
  final LeftPadded padded;

  private SharedPrompts(int[] rowToUnique, List<int[]> unique, int length, LeftPadded padded) {
    this.rowToUnique = rowToUnique;
    this.unique = unique;
    this.length = length;
    this.padded = padded;
  }

  /** Groups the rows' prompts ({@code rowPrompts.get(i)} is row {@code i}'s) and pads the unique ones. */
  static SharedPrompts of(List<int[]> rowPrompts, int padId) {
    int b = rowPrompts.size();
    Map<List<Integer>, Integer> uniq = new HashMap<>();
    List<int[]> uprompts = new ArrayList<>();
    int[] rowU = new int[b];
    int t = 0;
    for (int i = 0; i < b; i++) {
      int[] pt = rowPrompts.get(i);
      List<Integer> key = Arrays.stream(pt).boxed().toList();
      Integer u = uniq.get(key);
      if (u == null) {
        u = uprompts.size();
        uniq.put(key, u);
        uprompts.add(pt);
        t = Math.max(t, pt.length);
      }
      rowU[i] = u;
    }
    return new SharedPrompts(rowU, uprompts, t, leftPad(uprompts, t, padId));
  }

  /** Number of distinct prompts. */
  int count() {
    return unique.size();
  }

  /**
   * Whether row {@code i} is unique prompt {@code i} for every row, so per-row tensors of the
   * prompt pass need no gather. (Unique prompts are numbered in order of first appearance, so
   * as many unique prompts as rows means every row is its own, in order.)
   */
  boolean oneToOne() {
    return unique.size() == rowToUnique.length;
  }

  /** Left-padded prompt batch: ids {@code [n, t]}, positions, pad counts, mask {@code [n, t, t]}. */
  record LeftPadded(long[] ids, int[][] pos, int[] pad, float[] mask) {}

  /**
   * Left-pads prompts to {@code t} tokens so every prompt ends at position {@code t - 1}: pads get
   * position 0, the mask is causal and hides the pads from real tokens.
   */
  static LeftPadded leftPad(List<int[]> prompts, int t, int padId) {
    int n = prompts.size();
    int[] pad = new int[n];
    long[] ids = new long[n * t];
    int[][] pos = new int[n][t];
    float[] mask = new float[n * t * t];
    for (int i = 0; i < n; i++) {
      int[] p = prompts.get(i);
      pad[i] = t - p.length;
      Arrays.fill(ids, i * t, i * t + pad[i], padId);
      for (int j = 0; j < p.length; j++) {
        ids[i * t + pad[i] + j] = p[j];
      }
      for (int q = 0; q < t; q++) {
        pos[i][q] = Math.max(0, q - pad[i]);
        for (int k = 0; k < t; k++) {
          if (k > q || k < pad[i]) {
            mask[(i * t + q) * t + k] = Model.NEG;
          }
        }
      }
    }
    return new LeftPadded(ids, pos, pad, mask);
  }
}
