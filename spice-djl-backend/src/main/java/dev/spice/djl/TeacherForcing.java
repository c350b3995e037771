package dev.spice.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.spice.core.Prompt;
import dev.spice.core.SpiceException;
import dev.spice.core.model.TransformerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Teacher forcing: the log-probs of given completion tokens after given prompts, in one forward
 * pass per micro-batch. Used without gradients by {@link DjlPolicy#scoreContinuations} and, on
 * trainable parameters, by the loss ({@link LossStep}), so sampling, scoring and training compute
 * the same numbers. Also groups rows into micro-batches ({@link #microBatches}).
 */
final class TeacherForcing {
  private final Model model;
  private final TransformerConfig cfg;
  private final PromptEncoder prompts;

  TeacherForcing(Model model, PromptEncoder prompts) {
    this.model = model;
    this.cfg = model.cfg;
    this.prompts = prompts;
  }

  /** One row of teacher forcing: prompt + completion tokens and the completion's allowed set. */
  record Row(int[] prompt, int[] completion, int[] allowed) {
    int inputLength() {
      return prompt.length + completion.length - 1;
    }
  }

  /** Per-token outputs of one teacher-forced micro-batch. */
  static final class Forward {
    NDArray tokenLogProbs; // [N]
    NDArray logProbs; // [N, V]
    int n;
  }

  /**
   * Masked log-probs of each row's completion tokens, in row order, flattened; the arrays are
   * attached to {@code m}. Rows with identical prompts share one prompt pass (gradients flow back
   * through the shared keys and values); the completion tokens then run as a second pass over the
   * cached prompt keys.
   */
  Forward teacherForce(NDManager m, Model.Params p, List<Row> rows) {
    int b = rows.size();
    List<int[]> rowPrompts = new ArrayList<>(b);
    int cs = 0;
    int n = 0;
    boolean constrained = false;
    for (int i = 0; i < b; i++) {
      Row r = rows.get(i);
      rowPrompts.add(r.prompt);
      cs = Math.max(cs, r.completion.length - 1);
      n += r.completion.length;
      constrained |= r.allowed != null;
    }
    SharedPrompts shared = SharedPrompts.of(rowPrompts, prompts.padId());
    int[] rowU = shared.rowToUnique;
    int nu = shared.count();
    int pmax = shared.length;
    SharedPrompts.LeftPadded lpad = shared.padded;
    Model.KvCache cache = new Model.KvCache(cfg.numLayers());
    // The prompt pass only needs each prompt's last position (it predicts the first completion
    // token) and the keys/values of all positions.
    NDArray xp = model.hidden(p, m.create(lpad.ids(), new Shape(nu, pmax)), model.rope(m, lpad.pos()),
        m.create(lpad.mask(), new Shape(nu, 1, pmax, pmax)), cs > 0 ? cache : null, true);
    NDArray all = xp.reshape(nu, cfg.hiddenSize());
    long sufBase = nu;
    if (cs > 0) {
      long[] sids = new long[b * cs];
      Arrays.fill(sids, prompts.padId());
      int[][] spos = new int[b][cs];
      int s = pmax + cs;
      float[] mask = new float[b * cs * s];
      for (int i = 0; i < b; i++) {
        Row r = rows.get(i);
        int pl = r.prompt.length;
        int pad = lpad.pad()[rowU[i]];
        for (int j = 0; j < cs; j++) {
          if (j < r.completion.length - 1) {
            sids[i * cs + j] = r.completion[j];
          }
          spos[i][j] = pl + j;
          int base = (i * cs + j) * s;
          for (int k = 0; k < pad; k++) {
            mask[base + k] = Model.NEG;
          }
          for (int k = j + 1; k < cs; k++) {
            mask[base + pmax + k] = Model.NEG;
          }
        }
      }
      if (!shared.oneToOne()) {
        // The prompt pass's keys/values stay attached to m: in training the backward runs through them.
        NDArray idx = m.create(Model.toLong(rowU));
        for (int l = 0; l < cfg.numLayers(); l++) {
          cache.k[l] = cache.k[l].get(new NDIndex("{}", idx));
          cache.v[l] = cache.v[l].get(new NDIndex("{}", idx));
        }
      }
      NDArray xs = model.hidden(p, m.create(sids, new Shape(b, cs)), model.rope(m, spos),
          m.create(mask, new Shape(b, 1, cs, s)), cache, false);
      all = all.concat(xs.reshape((long) b * cs, cfg.hiddenSize()), 0);
    }
    long[] idx = new long[n];
    long[] tgt = new long[n];
    Map<int[], Integer> setIndex = new LinkedHashMap<>();
    int[] tokSet = new int[n];
    int k = 0;
    for (int i = 0; i < b; i++) {
      Row r = rows.get(i);
      int set = 0;
      if (r.allowed != null) {
        set = setIndex.computeIfAbsent(r.allowed, a -> setIndex.size() + 1);
      }
      for (int j = 0; j < r.completion.length; j++) {
        idx[k] = j == 0 ? rowU[i] : sufBase + (long) i * cs + j - 1;
        tgt[k] = r.completion[j];
        tokSet[k] = set;
        k++;
      }
    }
    NDArray logits = model.logits(p, all.get(new NDIndex("{}", m.create(idx))));
    if (constrained) {
      int v = cfg.vocabSize();
      int u = setIndex.size() + 1;
      float[] table = new float[u * v];
      for (Map.Entry<int[], Integer> e : setIndex.entrySet()) {
        int base = e.getValue() * v;
        Arrays.fill(table, base, base + v, Model.NEG);
        for (int a : e.getKey()) {
          table[base + a] = 0f;
        }
      }
      long[] ts = new long[n];
      for (int i = 0; i < n; i++) {
        ts[i] = tokSet[i];
      }
      NDArray maskRows = m.create(table, new Shape(u, v)).get(new NDIndex("{}", m.create(ts)));
      logits = logits.add(maskRows);
    }
    Forward f = new Forward();
    f.logProbs = logits.logSoftmax(-1);
    f.tokenLogProbs = f.logProbs.gather(m.create(tgt, new Shape(n, 1)), 1).reshape(n);
    f.n = n;
    return f;
  }

  /**
   * {@link DjlPolicy#scoreContinuations}: validates, then teacher-forces micro-batches of at most
   * {@code maxRows} rows without gradients, each in its own {@link NDManager}.
   */
  List<float[]> score(List<Prompt> promptList, List<int[]> continuations, int maxRows) {
    if (promptList.size() != continuations.size()) {
      throw new SpiceException.BackendException("scoreContinuations: " + promptList.size() + " prompts but "
          + continuations.size() + " continuations");
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < promptList.size(); i++) {
      int[] c = continuations.get(i);
      int[] pt = prompts.encode(promptList.get(i), i);
      prompts.checkIds(c, "continuation " + i);
      if (pt.length + c.length > cfg.maxPositionEmbeddings()) {
        throw new SpiceException.BackendException("prompt " + i + " and its continuation have "
            + (pt.length + c.length) + " tokens, more than max_position_embeddings " + cfg.maxPositionEmbeddings());
      }
      rows.add(new Row(pt, c.clone(), prompts.allowed(promptList.get(i), i)));
    }
    return scoreRows(rows, maxRows);
  }

  /**
   * {@link DjlPolicy#scoreFromTokens}: the prompts are fed as they are (no template, no BOS) and
   * nothing is masked; otherwise as {@link #score}, so the same rows give the same numbers.
   */
  List<float[]> scoreTokens(List<int[]> promptTokens, List<int[]> continuations, int maxRows) {
    if (promptTokens.size() != continuations.size()) {
      throw new SpiceException.InvalidInputException("scoreFromTokens: " + promptTokens.size() + " prompts but "
          + continuations.size() + " continuations");
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < promptTokens.size(); i++) {
      int[] pt = promptTokens.get(i);
      int[] c = continuations.get(i);
      if (pt == null || pt.length == 0) {
        throw new SpiceException.InvalidInputException("scoreFromTokens: prompt " + i
            + " has no tokens; a decoder needs at least one");
      }
      if (c == null) {
        throw new SpiceException.InvalidInputException("scoreFromTokens: continuation " + i + " is null");
      }
      prompts.checkIds(pt, "prompt " + i);
      prompts.checkIds(c, "continuation " + i);
      if (pt.length + c.length > cfg.maxPositionEmbeddings()) {
        throw new SpiceException.InvalidInputException("prompt " + i + " and its continuation have "
            + (pt.length + c.length) + " tokens, more than max_position_embeddings " + cfg.maxPositionEmbeddings());
      }
      rows.add(new Row(pt.clone(), c.clone(), null));
    }
    return scoreRows(rows, maxRows);
  }

  /** Teacher-forces {@code rows} in micro-batches of at most {@code maxRows} rows, without gradients. */
  private List<float[]> scoreRows(List<Row> rows, int maxRows) {
    float[][] out = new float[rows.size()][];
    List<List<Integer>> batches = microBatches(rows, maxRows);
    try {
      for (List<Integer> mb : batches) {
        List<Row> sub = new ArrayList<>();
        for (int i : mb) {
          if (rows.get(i).completion.length > 0) {
            sub.add(rows.get(i));
          }
        }
        float[] lp = new float[0];
        if (!sub.isEmpty()) {
          try (NDManager m = model.manager.newSubManager()) {
            lp = teacherForce(m, model.params(m, model.trainable(), false), sub).tokenLogProbs.toFloatArray();
          }
        }
        int k = 0;
        for (int i : mb) {
          int len = rows.get(i).completion.length;
          out[i] = Arrays.copyOfRange(lp, k, k + len);
          k += len;
        }
      }
    } catch (SpiceException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new SpiceException.BackendException("scoring failed: " + e.getMessage(), e);
    }
    return List.of(out);
  }

  /**
   * Groups rows into micro-batches: sorted by length; a batch closes at {@code maxRows} rows (0 = no
   * limit) or when padding would exceed a third of its tokens. Independent of the loss: only
   * speed depends on it.
   */
  static List<List<Integer>> microBatches(List<Row> rows, int maxRows) {
    Integer[] order = new Integer[rows.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(rows.get(a).inputLength(), rows.get(b).inputLength()));
    List<List<Integer>> out = new ArrayList<>();
    List<Integer> cur = new ArrayList<>();
    long real = 0;
    for (int i : order) {
      int len = Math.max(1, rows.get(i).inputLength());
      boolean full = maxRows > 0 && cur.size() >= maxRows;
      boolean wasteful = !cur.isEmpty() && (long) len * (cur.size() + 1) > 1.5 * (real + len) && cur.size() >= 8;
      if (full || wasteful) {
        out.add(cur);
        cur = new ArrayList<>();
        real = 0;
      }
      cur.add(i);
      real += len;
    }
    if (!cur.isEmpty()) {
      out.add(cur);
    }
    return out;
  }
}
