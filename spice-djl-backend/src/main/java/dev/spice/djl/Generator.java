package dev.spice.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.internal.sampling.TokenSampler;
import dev.spice.core.text.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Sampling ({@link DjlPolicy#generate}): prompts sorted by length and run in chunks of
 * {@code generationBatchSize} rows; per chunk, one prefill of the unique prompts fills a KV cache,
 * then one single-token step per new token for all rows. Tokens are drawn on the host by
 * {@link TokenSampler} from a per-row stream derived from {@code (seed, row)}, so results do not
 * depend on the chunking. Runs without gradients in a per-call {@link NDManager}.
 */
final class Generator {
  private final Model model;
  private final TransformerConfig cfg;
  private final Tokenizer tokenizer;
  private final PromptEncoder prompts;
  private final int genBatch;

  Generator(Model model, Tokenizer tokenizer, PromptEncoder prompts, int genBatch) {
    this.model = model;
    this.cfg = model.cfg;
    this.tokenizer = tokenizer;
    this.prompts = prompts;
    this.genBatch = genBatch;
  }

  /** One completion per prompt, in prompt order. */
  List<Completion> generate(List<Prompt> promptList, SamplingParams params) {
    int n = promptList.size();
    int[][] ptok = new int[n][];
    int[][] allow = new int[n][];
    for (int i = 0; i < n; i++) {
      ptok[i] = prompts.encode(promptList.get(i), i);
      allow[i] = prompts.allowed(promptList.get(i), i);
    }
    return sample(ptok, allow, params);
  }

  /**
   * One completion per prompt given as token ids (fed as they are: no template, no BOS), in prompt
   * order; {@code allowedIds} (null or empty: unconstrained) constrains every row, with the stop ids
   * added when the policy adds them to constrained prompts.
   */
  List<Completion> generateFromTokens(List<int[]> promptTokens, int[] allowedIds, SamplingParams params) {
    int n = promptTokens.size();
    int[][] ptok = new int[n][];
    int[][] allow = new int[n][];
    int[] allowed = prompts.allowedIds(allowedIds);
    for (int i = 0; i < n; i++) {
      int[] ids = promptTokens.get(i);
      if (ids == null || ids.length == 0) {
        throw new SpiceException.InvalidInputException("prompt " + i + " has no tokens; a decoder needs at least one");
      }
      ptok[i] = ids.clone();
      prompts.checkIds(ptok[i], "prompt " + i);
      allow[i] = allowed;
    }
    return sample(ptok, allow, params);
  }

  /** Samples encoded prompts: checks their lengths, sorts them by length and runs the chunks. */
  private List<Completion> sample(int[][] ptok, int[][] allow, SamplingParams params) {
    int n = ptok.length;
    for (int i = 0; i < n; i++) {
      if (ptok[i].length + params.maxNewTokens() > cfg.maxPositionEmbeddings()) {
        throw new SpiceException.InvalidInputException("prompt " + i + " has " + ptok[i].length + " tokens; with maxNewTokens "
            + params.maxNewTokens() + " it exceeds max_position_embeddings " + cfg.maxPositionEmbeddings());
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(ptok[a].length, ptok[b].length));
    Completion[] out = new Completion[n];
    try {
      for (int s = 0; s < n; s += genBatch) {
        int[] rows = new int[Math.min(genBatch, n - s)];
        for (int j = 0; j < rows.length; j++) {
          rows[j] = order[s + j];
        }
        generateChunk(rows, ptok, allow, params, out);
      }
    } catch (SpiceException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new SpiceException.BackendException("generation failed: " + e.getMessage(), e);
    }
    return List.of(out);
  }

  /** Samples the rows {@code rows} (indices into {@code ptok}/{@code allow}/{@code out}) together. */
  private void generateChunk(int[] rows, int[][] ptok, int[][] allow, SamplingParams sp, Completion[] out) {
    int b = rows.length;
    // Identical prompts (a group of G samples of one prompt) share one prefill.
    List<int[]> rowPrompts = new ArrayList<>(b);
    for (int i = 0; i < b; i++) {
      rowPrompts.add(ptok[rows[i]]);
    }
    SharedPrompts shared = SharedPrompts.of(rowPrompts, prompts.padId());
    int[] rowU = shared.rowToUnique;
    int nu = shared.count();
    int t = shared.length;
    int v = cfg.vocabSize();
    int maxNew = sp.maxNewTokens();
    SharedPrompts.LeftPadded lp0 = shared.padded;
    int[] upad = lp0.pad();
    SplittableRandom[] rng = new SplittableRandom[b];
    int[][] gen = new int[b][maxNew];
    float[][] lps = new float[b][maxNew];
    int[] len = new int[b];
    Completion.FinishReason[] fin = new Completion.FinishReason[b];
    for (int i = 0; i < b; i++) {
      rng[i] = TokenSampler.rowStream(sp.seed(), rows[i]);
    }
    double[] lp = new double[1];
    try (NDManager m = model.manager.newSubManager()) {
      Model.Params p = model.params(m, model.trainable(), false);
      Model.KvCache cache = new Model.KvCache(cfg.numLayers());
      NDArray x = model.hidden(p, m.create(lp0.ids(), new Shape(nu, t)), model.rope(m, lp0.pos()),
          m.create(lp0.mask(), new Shape(nu, 1, t, t)), cache, true);
      float[] logits = model.logits(p, x.reshape(nu, cfg.hiddenSize())).toFloatArray();
      int[] rowOff = new int[b];
      for (int i = 0; i < b; i++) {
        rowOff[i] = rowU[i] * v;
      }
      boolean expanded = false;
      int active = b;
      for (int stepIdx = 0; stepIdx < maxNew; stepIdx++) {
        for (int i = 0; i < b; i++) {
          if (fin[i] != null) {
            continue;
          }
          int tok = TokenSampler.sample(logits, rowOff[i], v, allow[rows[i]], sp, rng[i], lp);
          gen[i][len[i]] = tok;
          lps[i][len[i]] = (float) lp[0];
          len[i]++;
          if (prompts.isStop(tok) || !sp.stop().isEmpty() && endsWithStop(gen[i], len[i], sp.stop())) {
            fin[i] = Completion.FinishReason.STOP;
          } else if (len[i] == maxNew) {
            fin[i] = Completion.FinishReason.LENGTH;
          }
          if (fin[i] != null) {
            active--;
          }
        }
        if (active == 0) {
          break;
        }
        if (!expanded) {
          // From the first decoding step on, the cache holds one entry per row, not per prompt.
          expanded = true;
          if (!shared.oneToOne()) {
            NDArray idx = m.create(Model.toLong(rowU));
            for (int l = 0; l < cfg.numLayers(); l++) {
              NDArray k = cache.k[l].get(new NDIndex("{}", idx));
              NDArray vv = cache.v[l].get(new NDIndex("{}", idx));
              cache.k[l].close();
              cache.v[l].close();
              cache.k[l] = k;
              cache.v[l] = vv;
            }
          }
          for (int i = 0; i < b; i++) {
            rowOff[i] = i * v;
          }
        }
        try (NDManager sm = m.newSubManager()) {
          long[] next = new long[b];
          int[][] npos = new int[b][1];
          int s = t + stepIdx + 1;
          float[] dm = new float[b * s];
          for (int i = 0; i < b; i++) {
            next[i] = fin[i] == null ? gen[i][len[i] - 1] : prompts.padId();
            npos[i][0] = ptok[rows[i]].length + stepIdx;
            Arrays.fill(dm, i * s, i * s + upad[rowU[i]], Model.NEG);
          }
          NDArray y = model.hidden(p, sm.create(next, new Shape(b, 1)), model.rope(sm, npos),
              sm.create(dm, new Shape(b, 1, 1, s)), cache, false);
          logits = model.logits(p, y.reshape(b, cfg.hiddenSize())).toFloatArray();
        }
      }
    }
    for (int i = 0; i < b; i++) {
      int[] toks = Arrays.copyOf(gen[i], len[i]);
      out[rows[i]] = new Completion(tokenizer.decode(toks), ptok[rows[i]], toks, Arrays.copyOf(lps[i], len[i]),
          fin[i] == null ? Completion.FinishReason.LENGTH : fin[i]);
    }
  }

  private boolean endsWithStop(int[] gen, int len, List<String> stops) {
    String text = tokenizer.decode(Arrays.copyOf(gen, len));
    for (String s : stops) {
      if (!s.isEmpty() && text.endsWith(s)) {
        return true;
      }
    }
    return false;
  }
}
