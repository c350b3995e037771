package dev.spice.djl;

import dev.spice.core.sampling.TokenSampler;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.spice.core.Completion;
import dev.spice.core.LossSettings;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.TrainingSample;
import dev.spice.core.UpdateStats;
import dev.spice.core.json.Json;
import dev.spice.core.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/** The {@link DjlPolicy} implementation. */
final class DjlPolicyImpl implements DjlPolicy {
  /** PyTorch allows one gradient collector per process. */
  private static final Object GRAD_LOCK = new Object();
  static final String CHECKPOINT_FORMAT = "spice-djl-checkpoint-1";

  private final TransformerConfig cfg;
  private final Tokenizer tokenizer;
  private final boolean ownsTokenizer;
  private final PromptTemplate template;
  final Model model;
  private final OptimizerSettings opt;
  private final int microBatchSize;
  private final int genBatch;
  private final boolean eosWhenConstrained;
  private final int[] stopIds;
  private final int padId;
  private final int bosId;
  private final NDArray decayMask;
  private NDArray adamM;
  private NDArray adamV;
  /** Buffers the next AdamW moments are computed into, then swapped with adamM / adamV (lazy). */
  private NDArray scratchM;
  private NDArray scratchV;
  /** {@code 1 - lr * weightDecay * decayMask} for learning rate {@link #decayFactorLr} (lazy). */
  private NDArray decayFactor;
  private double decayFactorLr = Double.NaN;
  private final NDArray reference;
  private long step;
  private boolean closed;
  private final Map<List<String>, int[]> allowedCache = new HashMap<>();

  private DjlPolicyImpl(TransformerConfig cfg, Tokenizer tokenizer, boolean ownsTokenizer, PromptTemplate template,
      Model model, DjlPolicy.Builder b) {
    this.cfg = cfg;
    this.tokenizer = tokenizer;
    this.ownsTokenizer = ownsTokenizer;
    this.template = template;
    this.model = model;
    this.opt = b.optimizer;
    this.microBatchSize = b.microBatchSize;
    this.genBatch = b.generationBatchSize;
    this.eosWhenConstrained = b.eosWhenConstrained;
    TreeSet<Integer> stops = new TreeSet<>(cfg.eosTokenIds());
    for (int e : tokenizer.eosIds()) {
      stops.add(e);
    }
    if (template == PromptTemplate.CHATML || b.template != null && b.template != PromptTemplate.RAW
        && b.template != PromptTemplate.PLAIN) {
      int imEnd = tokenizer.tokenId("<|im_end|>");
      if (imEnd >= 0) {
        stops.add(imEnd);
      }
    }
    stops.removeIf(id -> id < 0 || id >= cfg.vocabSize());
    this.stopIds = stops.stream().mapToInt(Integer::intValue).toArray();
    this.padId = tokenizer.padId() >= 0 ? tokenizer.padId() : 0;
    int bos = cfg.bosTokenId() >= 0 ? cfg.bosTokenId() : tokenizer.tokenId(WordTokenizer.BOS);
    if (b.addBos && bos < 0) {
      throw new SpiceException.ConfigurationException(
          "addBos(true) but neither config.json bos_token_id nor the tokenizer defines a beginning-of-sequence token");
    }
    this.bosId = b.addBos ? bos : -1;
    NDManager mm = model.manager;
    this.decayMask = mm.create(model.decayMask());
    this.adamM = mm.zeros(new Shape(model.size));
    this.adamV = mm.zeros(new Shape(model.size));
    // A host round trip: the copy shares neither storage nor autograd history with the weights.
    this.reference = b.keepReference ? mm.create(model.flat.toFloatArray(), new Shape(model.size)) : null;
  }

  static DjlPolicyImpl create(DjlPolicy.Builder b) {
    if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    Engine engine;
    try {
      engine = Engine.getEngine("PyTorch");
    } catch (RuntimeException e) {
      throw new SpiceException.BackendException("the DJL PyTorch engine cannot start (native library missing? "
          + "with ai.djl.offline=true the pytorch-native-cpu jar must be on the class path): " + e.getMessage(), e);
    }
    Device device = device(b.device, engine);
    TransformerConfig cfg;
    float[] init;
    Tokenizer tok = b.tokenizer;
    boolean owns = false;
    PromptTemplate template = b.template;
    if (b.pretrained != null) {
      // Cheap checks first, model-sized work last: config.json, then the config against the
      // safetensors header (names, shapes, dtypes; nothing allocated), then the tokenizer file,
      // and only then the weights themselves.
      Path configJson = b.pretrained.resolve("config.json");
      cfg = TransformerConfig.read(configJson);
      try (SafeTensors.Reader r = SafeTensors.openDirectory(b.pretrained)) {
        cfg.checkTensors(r, configJson);
        if (tok == null) {
          tok = Tokenizer.huggingFace(b.pretrained);
          owns = true;
        }
        try {
          init = Model.fromHuggingFace(cfg, r, b.pretrained.toString(), b.allowNonFiniteWeights);
        } catch (RuntimeException e) {
          if (owns) {
            tok.close();
          }
          throw e;
        }
      }
      if (template == null) {
        template = PromptTemplate.PLAIN;
      }
    } else {
      cfg = b.config;
      init = Model.randomInit(cfg, b.seed);
      if (template == null) {
        template = PromptTemplate.RAW;
      }
    }
    if (tok.vocabSize() > cfg.vocabSize()) {
      if (owns) {
        tok.close();
      }
      throw new SpiceException.ConfigurationException("the tokenizer has " + tok.vocabSize()
          + " ids but the model's vocab_size is " + cfg.vocabSize() + "; make vocab_size >= the tokenizer size");
    }
    int threads = b.threads > 0 ? b.threads
        : cfg.parameterCount() < 5_000_000 ? 1 : Runtime.getRuntime().availableProcessors();
    JniUtils.setNumThreads(threads);
    NDManager mgr = NDManager.newBaseManager(device, "PyTorch");
    try {
      Model model = new Model(cfg, mgr, init);
      return new DjlPolicyImpl(cfg, tok, owns, template, model, b);
    } catch (RuntimeException e) {
      mgr.close();
      if (owns) {
        tok.close();
      }
      throw e;
    }
  }

  private static Device device(String spec, Engine engine) {
    String s = spec.toLowerCase(java.util.Locale.ROOT);
    int gpus = engine.getGpuCount();
    if (s.equals("cpu")) {
      return Device.cpu();
    }
    if (s.equals("auto")) {
      return gpus > 0 ? Device.gpu() : Device.cpu();
    }
    int id = s.equals("gpu") ? 0 : Integer.parseInt(s.substring(4));
    if (id >= gpus) {
      throw new SpiceException.ConfigurationException("device '" + spec + "' requested but " + gpus
          + " GPU(s) are visible to PyTorch; use cpu, or add the CUDA native artifact (see the module README, -Pcuda)");
    }
    return Device.gpu(id);
  }

  // ---------------------------------------------------------------- basic info

  @Override
  public String name() {
    return "djl-pytorch";
  }

  @Override
  public TransformerConfig config() {
    return cfg;
  }

  @Override
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public long parameterCount() {
    return model.size;
  }

  @Override
  public long updateCount() {
    return step;
  }

  @Override
  public int[] tokenize(String text) {
    open();
    return tokenizer.encode(text);
  }

  @Override
  public String detokenize(int[] tokens) {
    open();
    return tokenizer.decode(tokens);
  }

  private void open() {
    if (closed) {
      throw new SpiceException.BackendException("this DjlPolicy is closed");
    }
  }

  // ---------------------------------------------------------------- prompts

  int[] encodePrompt(Prompt p, int index) {
    int[] ids = tokenizer.encode(template.render(p));
    if (bosId >= 0) {
      int[] w = new int[ids.length + 1];
      w[0] = bosId;
      System.arraycopy(ids, 0, w, 1, ids.length);
      ids = w;
    }
    if (ids.length == 0) {
      throw new SpiceException.BackendException("prompt " + index + " (" + p.role()
          + ") renders to zero tokens; give it text or enable addBos");
    }
    checkIds(ids, "prompt " + index);
    return ids;
  }

  private void checkIds(int[] ids, String what) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= cfg.vocabSize()) {
        throw new SpiceException.BackendException(what + ": token " + i + " has id " + ids[i]
            + ", outside the model vocabulary [0, " + cfg.vocabSize() + ")");
      }
    }
  }

  /** Sorted allowed ids of a constrained prompt, or null. */
  int[] allowed(Prompt p, int index) {
    if (p.allowedTokens().isEmpty()) {
      return null;
    }
    int[] cached = allowedCache.get(p.allowedTokens());
    if (cached != null) {
      return cached;
    }
    TreeSet<Integer> set = new TreeSet<>();
    for (String s : p.allowedTokens()) {
      int id = tokenizer.tokenId(s);
      if (id < 0 || id >= cfg.vocabSize()) {
        throw new SpiceException.BackendException("prompt " + index + ": allowed token '" + s
            + "' is not exactly one token of the vocabulary");
      }
      set.add(id);
    }
    if (eosWhenConstrained) {
      for (int e : stopIds) {
        set.add(e);
      }
    }
    int[] a = set.stream().mapToInt(Integer::intValue).toArray();
    if (allowedCache.size() > 4096) {
      allowedCache.clear();
    }
    allowedCache.put(p.allowedTokens(), a);
    return a;
  }

  private boolean isStop(int token) {
    for (int s : stopIds) {
      if (s == token) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- generation

  @Override
  public List<Completion> generate(List<Prompt> prompts, SamplingParams params) {
    open();
    int n = prompts.size();
    int[][] ptok = new int[n][];
    int[][] allow = new int[n][];
    for (int i = 0; i < n; i++) {
      ptok[i] = encodePrompt(prompts.get(i), i);
      allow[i] = allowed(prompts.get(i), i);
      if (ptok[i].length + params.maxNewTokens() > cfg.maxPositionEmbeddings()) {
        throw new SpiceException.BackendException("prompt " + i + " has " + ptok[i].length + " tokens; with maxNewTokens "
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

  private void generateChunk(int[] rows, int[][] ptok, int[][] allow, SamplingParams sp, Completion[] out) {
    int b = rows.length;
    // Identical prompts (a group of G samples of one prompt) share one prefill.
    Map<List<Integer>, Integer> uniq = new HashMap<>();
    List<int[]> uprompts = new ArrayList<>();
    int[] rowU = new int[b];
    for (int i = 0; i < b; i++) {
      int[] pt = ptok[rows[i]];
      List<Integer> key = Arrays.stream(pt).boxed().toList();
      Integer u = uniq.get(key);
      if (u == null) {
        u = uprompts.size();
        uniq.put(key, u);
        uprompts.add(pt);
      }
      rowU[i] = u;
    }
    int nu = uprompts.size();
    int t = 0;
    for (int[] pt : uprompts) {
      t = Math.max(t, pt.length);
    }
    int v = cfg.vocabSize();
    int maxNew = sp.maxNewTokens();
    LeftPadded lp0 = leftPad(uprompts, t);
    int[] upad = lp0.pad;
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
      Model.Params p = model.params(m, model.flat, false);
      Model.KvCache cache = new Model.KvCache(cfg.numLayers());
      NDArray x = model.hidden(p, m.create(lp0.ids, new Shape(nu, t)), model.rope(m, lp0.pos),
          m.create(lp0.mask, new Shape(nu, 1, t, t)), cache, true);
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
          if (isStop(tok) || !sp.stop().isEmpty() && endsWithStop(gen[i], len[i], sp.stop())) {
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
          expanded = true;
          if (nu != b || !isIdentity(rowU)) {
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
            next[i] = fin[i] == null ? gen[i][len[i] - 1] : padId;
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

  /** Left-padded prompt batch: ids {@code [n, t]}, positions, pad counts, mask {@code [n, t, t]}. */
  record LeftPadded(long[] ids, int[][] pos, int[] pad, float[] mask) {}

  /**
   * Left-pads prompts to {@code t} tokens so every prompt ends at position {@code t - 1}: pads get
   * position 0, the mask is causal and hides the pads from real tokens.
   */
  LeftPadded leftPad(List<int[]> prompts, int t) {
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

  private static boolean isIdentity(int[] a) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] != i) {
        return false;
      }
    }
    return true;
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

  // ---------------------------------------------------------------- teacher forcing

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
   * Masked log-probs of each row's completion tokens, in row order, flattened. Rows with identical
   * prompts share one prompt pass (gradients flow back through the shared keys and values); the
   * completion tokens then run as a second pass over the cached prompt keys.
   */
  Forward teacherForce(NDManager m, Model.Params p, List<Row> rows) {
    int b = rows.size();
    Map<List<Integer>, Integer> uniq = new HashMap<>();
    List<int[]> uprompts = new ArrayList<>();
    int[] rowU = new int[b];
    int pmax = 0;
    int cs = 0;
    int n = 0;
    boolean constrained = false;
    for (int i = 0; i < b; i++) {
      Row r = rows.get(i);
      List<Integer> key = Arrays.stream(r.prompt).boxed().toList();
      Integer u = uniq.get(key);
      if (u == null) {
        u = uprompts.size();
        uniq.put(key, u);
        uprompts.add(r.prompt);
        pmax = Math.max(pmax, r.prompt.length);
      }
      rowU[i] = u;
      cs = Math.max(cs, r.completion.length - 1);
      n += r.completion.length;
      constrained |= r.allowed != null;
    }
    int nu = uprompts.size();
    LeftPadded lpad = leftPad(uprompts, pmax);
    Model.KvCache cache = new Model.KvCache(cfg.numLayers());
    // The prompt pass only needs each prompt's last position (it predicts the first completion
    // token) and the keys/values of all positions.
    NDArray xp = model.hidden(p, m.create(lpad.ids, new Shape(nu, pmax)), model.rope(m, lpad.pos),
        m.create(lpad.mask, new Shape(nu, 1, pmax, pmax)), cs > 0 ? cache : null, true);
    NDArray all = xp.reshape(nu, cfg.hiddenSize());
    long sufBase = nu;
    if (cs > 0) {
      long[] sids = new long[b * cs];
      Arrays.fill(sids, padId);
      int[][] spos = new int[b][cs];
      int s = pmax + cs;
      float[] mask = new float[b * cs * s];
      for (int i = 0; i < b; i++) {
        Row r = rows.get(i);
        int pl = r.prompt.length;
        int pad = lpad.pad[rowU[i]];
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
      if (nu != b || !isIdentity(rowU)) {
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

  @Override
  public List<float[]> scoreContinuations(List<Prompt> prompts, List<int[]> continuations) {
    open();
    if (prompts.size() != continuations.size()) {
      throw new SpiceException.BackendException("scoreContinuations: " + prompts.size() + " prompts but "
          + continuations.size() + " continuations");
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      int[] c = continuations.get(i);
      int[] pt = encodePrompt(prompts.get(i), i);
      checkIds(c, "continuation " + i);
      if (pt.length + c.length > cfg.maxPositionEmbeddings()) {
        throw new SpiceException.BackendException("prompt " + i + " and its continuation have "
            + (pt.length + c.length) + " tokens, more than max_position_embeddings " + cfg.maxPositionEmbeddings());
      }
      rows.add(new Row(pt, c.clone(), allowed(prompts.get(i), i)));
    }
    float[][] out = new float[rows.size()][];
    List<List<Integer>> batches = microBatches(rows, genBatch);
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
            lp = teacherForce(m, model.params(m, model.flat, false), sub).tokenLogProbs.toFloatArray();
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

  // ---------------------------------------------------------------- training

  @Override
  public UpdateStats update(List<TrainingSample> samples, LossSettings loss) {
    open();
    if (samples.isEmpty()) {
      return UpdateStats.empty();
    }
    Batch batch = prepare(samples, loss);
    synchronized (GRAD_LOCK) {
      try (NDManager m = model.manager.newSubManager()) {
        LossGradient lg = lossGradient(m, batch, loss);
        if (lg.skipReason != null) {
          return skipped(lg.lossSum, Double.NaN, samples.size(), batch.totalTokens, lg.skipReason);
        }
        boolean prev = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
          return optimize(lg.flat, lg.lossSum, lg.entropySum, lg.klSum, lg.clipLow, lg.clipHigh, samples.size(),
              batch.totalTokens);
        } finally {
          JniUtils.setGradMode(prev);
        }
      } catch (SpiceException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new SpiceException.BackendException("update failed (weights and optimizer state unchanged): "
            + e.getMessage(), e);
      }
    }
  }

  /**
   * The gradient of {@link #update}'s loss with respect to every weight, in the flat layout
   * ({@link Model#toHuggingFace} names it), without changing weights or optimizer state. Used by
   * the gradient checks; the same code path as a real update up to the optimizer.
   */
  float[] lossGradient(List<TrainingSample> samples, LossSettings loss) {
    open();
    Batch batch = prepare(samples, loss);
    synchronized (GRAD_LOCK) {
      try (NDManager m = model.manager.newSubManager()) {
        LossGradient lg = lossGradient(m, batch, loss);
        if (lg.skipReason != null) {
          throw new SpiceException.BackendException(lg.skipReason);
        }
        return lg.flat.toFloatArray();
      }
    }
  }

  /** A validated training batch. */
  private record Batch(List<TrainingSample> samples, List<Row> rows, double[] weights, int totalTokens) {}

  /** Validates the samples and the aggregation's weights (before anything runs on the model). */
  private Batch prepare(List<TrainingSample> samples, LossSettings loss) {
    if (samples.isEmpty()) {
      throw new SpiceException.BackendException("no training samples");
    }
    if (loss.klBeta() > 0 && reference == null) {
      throw new SpiceException.ConfigurationException(
          "klBeta is " + loss.klBeta() + " but the policy keeps no reference model; build it with keepReference(true)");
    }
    int ns = samples.size();
    List<Row> rows = new ArrayList<>(ns);
    int[] lengths = new int[ns];
    int totalTokens = 0;
    for (int i = 0; i < ns; i++) {
      TrainingSample s = samples.get(i);
      if (s.completionTokens().length == 0) {
        throw new SpiceException.BackendException("training sample " + i + " has no completion tokens");
      }
      if (s.promptTokens().length == 0) {
        throw new SpiceException.BackendException("training sample " + i + " has no prompt tokens");
      }
      checkIds(s.promptTokens(), "training sample " + i + " prompt");
      checkIds(s.completionTokens(), "training sample " + i + " completion");
      int total = s.promptTokens().length + s.completionTokens().length;
      if (total > cfg.maxPositionEmbeddings()) {
        throw new SpiceException.BackendException("training sample " + i + " has " + total
            + " tokens, more than max_position_embeddings " + cfg.maxPositionEmbeddings());
      }
      int[] a = allowed(s.prompt(), i);
      if (a != null) {
        for (int tok : s.completionTokens()) {
          if (Arrays.binarySearch(a, tok) < 0) {
            throw new SpiceException.BackendException("training sample " + i + ": completion token " + tok
                + " is not among its prompt's allowed tokens " + s.prompt().allowedTokens());
          }
        }
      }
      rows.add(new Row(s.promptTokens(), s.completionTokens(), a));
      lengths[i] = s.completionTokens().length;
      totalTokens += lengths[i];
    }
    double[] w = loss.aggregation().sampleWeights(lengths.clone());
    if (w == null || w.length != ns) {
      throw new SpiceException.BackendException("loss aggregation " + loss.aggregation().name() + " returned "
          + (w == null ? "null" : w.length + " weights") + " for " + ns + " samples");
    }
    for (int i = 0; i < ns; i++) {
      if (!(w[i] >= 0) || Double.isInfinite(w[i])) {
        throw new SpiceException.BackendException("loss aggregation " + loss.aggregation().name()
            + " returned weight " + w[i] + " for sample " + i + "; weights must be finite and >= 0");
      }
    }
    return new Batch(samples, rows, w, totalTokens);
  }

  /**
   * Test seam: run between each forward pass and its backward (null in production). Tests use it
   * to collect garbage and reuse freed native memory there, where the autograd graph must not
   * depend on anything the JVM may free.
   */
  static volatile Runnable beforeBackward;

  /** The loss's flat gradient and the step's bookkeeping; {@code skipReason} set when the loss is not finite. */
  private static final class LossGradient {
    NDArray flat;
    double lossSum;
    double entropySum;
    double klSum;
    int clipLow;
    int clipHigh;
    String skipReason;
  }

  /**
   * Forward and backward passes of the clipped policy-gradient loss over all micro-batches; the
   * result's arrays are attached to {@code m}. Weights and optimizer state are not touched.
   */
  private LossGradient lossGradient(NDManager m, Batch batch, LossSettings ls) {
    List<TrainingSample> samples = batch.samples();
    List<Row> rows = batch.rows();
    double[] w = batch.weights();
    LossGradient out = new LossGradient();
    Engine engine = model.manager.getEngine();
    List<List<Integer>> batches = microBatches(rows, microBatchSize);
    // Without a micro-batch limit all micro-batches (split only to save padding) share one
    // backward; with a limit each runs its own, so only one micro-batch's graph is alive at a time.
    boolean oneBackward = microBatchSize <= 0;
    Model.Params leaves = model.params(m, model.flat, true);
    Model.Params ref = ls.klBeta() > 0 ? model.params(m, reference, false) : null;
    NDArray constOne = m.full(new Shape(), 1f);
    NDArray beta = m.full(new Shape(), (float) ls.klBeta());
    try (GradientCollector gc = engine.newGradientCollector()) {
      NDArray total = null;
      for (List<Integer> mb : batches) {
        NDManager sm = oneBackward ? m : m.newSubManager();
        try {
          List<Row> sub = new ArrayList<>(mb.size());
          int n = 0;
          for (int i : mb) {
            sub.add(rows.get(i));
            n += rows.get(i).completion.length;
          }
          float[] old = new float[n];
          float[] adv = new float[n];
          float[] wt = new float[n];
          int k = 0;
          for (int i : mb) {
            TrainingSample s = samples.get(i);
            float[] o = s.oldLogProbs();
            for (int j = 0; j < o.length; j++) {
              old[k] = o[j];
              adv[k] = (float) s.advantage();
              wt[k] = (float) w[i];
              k++;
            }
          }
          float[] refLp = null;
          if (ref != null) {
            boolean prev = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try {
              refLp = teacherForce(sm, ref, sub).tokenLogProbs.toFloatArray();
            } finally {
              JniUtils.setGradMode(prev);
            }
          }
          Forward f = teacherForce(sm, leaves, sub);
          NDArray lp = f.tokenLogProbs;
          NDArray advA = sm.create(adv);
          NDArray wA = sm.create(wt);
          NDArray ratio = lp.sub(sm.create(old)).exp();
          NDArray term = ratio.mul(advA).minimum(ratio.clip(lo(ls), hi(ls)).mul(advA));
          NDArray lossA = term.mul(wA).sum().neg();
          if (refLp != null) {
            NDArray dlt = sm.create(refLp).sub(lp);
            NDArray kl = dlt.exp().sub(dlt).sub(constOne);
            lossA = lossA.add(kl.mul(wA).sum().mul(beta));
            for (float x : kl.toFloatArray()) {
              out.klSum += x;
            }
          }
          float lv = lossA.getFloat();
          if (!Float.isFinite(lv)) {
            out.lossSum = Float.NaN;
            out.skipReason = "loss is " + lv;
            return out;
          }
          out.lossSum += lv;
          NDArray lpd = f.logProbs.stopGradient();
          out.entropySum -= lpd.exp().mul(lpd).sum().getFloat();
          float[] r = ratio.toFloatArray();
          for (int j = 0; j < n; j++) {
            if (r[j] < lo(ls) && adv[j] < 0) {
              out.clipLow++;
            } else if (r[j] > hi(ls) && adv[j] > 0) {
              out.clipHigh++;
            }
          }
          if (oneBackward) {
            total = total == null ? lossA : total.add(lossA);
          } else {
            backward(gc, lossA);
          }
        } finally {
          if (!oneBackward) {
            sm.close();
          }
        }
      }
      if (oneBackward) {
        backward(gc, total);
      }
    }
    out.flat = leaves.flatGradient();
    return out;
  }

  private static float lo(LossSettings ls) {
    return (float) (1 - ls.clipLow());
  }

  private static float hi(LossSettings ls) {
    return (float) (1 + ls.clipHigh());
  }

  private static void backward(GradientCollector gc, NDArray loss) {
    Runnable hook = beforeBackward;
    if (hook != null) {
      hook.run();
    }
    gc.backward(loss);
  }

  /** Clipping and AdamW; commits new weights and state only when everything has been computed. */
  private UpdateStats optimize(NDArray g, double lossSum, double entropySum, double klSum, int clipLow,
      int clipHigh, int numSamples, int totalTokens) {
    double gnorm = g.norm().getFloat();
    if (!Double.isFinite(gnorm)) {
      return skipped(lossSum, gnorm, numSamples, totalTokens, "gradient norm is " + gnorm);
    }
    long t = step + 1;
    double lr = opt.learningRateAt(t);
    double coef = opt.gradClip() > 0 && gnorm > opt.gradClip() ? opt.gradClip() / (gnorm + 1e-6) : 1.0;
    // Full-size passes without allocating model-sized tensors (fresh large allocations cost
    // page faults, about 10x an in-place pass): the new moments go into scratch buffers, the
    // Adam direction into g (our own concatenated copy); the state changes only at the commit.
    if (scratchM == null) {
      scratchM = model.manager.zeros(new Shape(model.size));
      scratchV = model.manager.zeros(new Shape(model.size));
    }
    double b1 = opt.beta1();
    double b2 = opt.beta2();
    NDArray mS = scratchM;
    NDArray vS = scratchV;
    mS.subi(mS).addi(adamM).muli((float) b1); // scratch values are finite, so x - x == 0
    vS.subi(vS).addi(adamV).muli((float) b2);
    g.muli((float) (coef * (1 - b1)));
    mS.addi(g); // m' = b1 m + (1 - b1) c g
    g.muli(g).muli((float) ((1 - b2) / ((1 - b1) * (1 - b1))));
    vS.addi(g); // v' = b2 v + (1 - b2) (c g)^2
    double bc1 = 1 - Math.pow(b1, t);
    double bc2 = 1 - Math.pow(b2, t);
    // g <- lr / bc1 * m' / (sqrt(v' / bc2) + eps)
    g.subi(g).addi(vS).powi(0.5f).muli((float) (1 / Math.sqrt(bc2))).addi((float) opt.epsilon()).powi(-1f);
    g.muli(mS).muli((float) (lr / bc1));
    if (!Double.isFinite(g.sum().getFloat())) {
      return skipped(lossSum, gnorm, numSamples, totalTokens, "the AdamW step is not finite");
    }
    NDArray factor = null;
    if (opt.weightDecay() > 0) {
      if (decayFactor == null || decayFactorLr != lr) {
        NDArray f = decayMask.mul((float) (-lr * opt.weightDecay()));
        f.addi(1f);
        if (decayFactor != null) {
          decayFactor.close();
        }
        decayFactor = f;
        decayFactorLr = lr;
      }
      factor = decayFactor;
    }
    // Commit: p <- p (1 - lr wd mask) - g (decoupled weight decay on the old weights).
    scratchM = adamM;
    scratchV = adamV;
    adamM = mS;
    adamV = vS;
    if (factor != null) {
      model.flat.muli(factor);
    }
    model.flat.subi(g);
    step = t;
    double n = Math.max(1, totalTokens);
    return new UpdateStats(lossSum, gnorm, clipLow / n, clipHigh / n, entropySum / n, klSum / n, numSamples,
        totalTokens, false, "");
  }

  private static UpdateStats skipped(double loss, double gnorm, int ns, int nt, String why) {
    return new UpdateStats(loss, gnorm, 0, 0, 0, 0, ns, nt, true, why + "; weights and optimizer state unchanged");
  }

  // ---------------------------------------------------------------- persistence

  /** NDArrays owned by this policy's native memory manager (tests check it stays flat). */
  int liveArrays() {
    return model.manager.getManagedArrays().size();
  }

  float[] weights() {
    return model.flat.toFloatArray();
  }

  /** Overwrites the weights (flat layout) in place; optimizer state is untouched. For tests. */
  void setWeights(float[] w) {
    if (w.length != model.size) {
      throw new IllegalArgumentException("expected " + model.size + " weights, got " + w.length);
    }
    model.flat.set(w);
  }

  @Override
  public void savePretrained(Path dir) {
    open();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    SafeTensors.write(dir.resolve("model.safetensors"), Model.toHuggingFace(cfg, weights()),
        Map.of("format", "pt", "producer", "spice-djl-backend"));
    cfg.write(dir.resolve("config.json"));
    writeTokenizer(dir.resolve("tokenizer.json"));
  }

  private void writeTokenizer(Path file) {
    try {
      if (tokenizer instanceof WordTokenizer wt) {
        wt.writeHuggingFaceJson(file);
      } else if (tokenizer instanceof HfTokenizer hf) {
        if (!Files.isSameFile(hf.file().getParent(), file.getParent())) {
          Files.copy(hf.file(), file, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void saveCheckpoint(Path dir) {
    open();
    savePretrained(dir);
    List<SafeTensors.Tensor> opt = new ArrayList<>();
    opt.add(new SafeTensors.Tensor("adam.m", new long[] {model.size}, adamM.toFloatArray()));
    opt.add(new SafeTensors.Tensor("adam.v", new long[] {model.size}, adamV.toFloatArray()));
    if (reference != null) {
      opt.add(new SafeTensors.Tensor("reference", new long[] {model.size}, reference.toFloatArray()));
    }
    SafeTensors.write(dir.resolve("optimizer.safetensors"), opt, Map.of("format", CHECKPOINT_FORMAT));
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("format", CHECKPOINT_FORMAT);
    state.put("step", step);
    state.put("parameters", model.size);
    state.put("optimizer", Map.of("learning_rate", this.opt.learningRate(), "beta1", this.opt.beta1(),
        "beta2", this.opt.beta2(), "epsilon", this.opt.epsilon(), "weight_decay", this.opt.weightDecay(),
        "grad_clip", this.opt.gradClip(), "warmup_steps", this.opt.warmupSteps()));
    state.put("rng", "none: sampling streams are derived from SamplingParams.seed per call");
    try {
      Files.writeString(dir.resolve("trainer_state.json"), Json.write(state), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write trainer_state.json in " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void loadCheckpoint(Path dir) {
    open();
    Path stateFile = dir.resolve("trainer_state.json");
    Map<String, Object> state;
    try {
      state = Json.parseObject(Files.readString(stateFile, StandardCharsets.UTF_8));
    } catch (IOException | Json.JsonException e) {
      throw new SpiceException.CheckpointException("cannot read " + stateFile + ": " + e.getMessage(), e);
    }
    if (!CHECKPOINT_FORMAT.equals(state.get("format"))) {
      throw new SpiceException.CheckpointException(stateFile + ": format is " + state.get("format") + ", expected "
          + CHECKPOINT_FORMAT);
    }
    if (!(state.get("step") instanceof Long savedStep) || savedStep < 0) {
      throw new SpiceException.CheckpointException(stateFile + ": field 'step' must be a non-negative integer");
    }
    TransformerConfig saved;
    try {
      saved = TransformerConfig.read(dir.resolve("config.json"));
    } catch (SpiceException e) {
      throw new SpiceException.CheckpointException(e.getMessage(), e);
    }
    if (!saved.equals(cfg)) {
      throw new SpiceException.CheckpointException(dir + "/config.json describes another architecture: " + saved
          + " vs this policy's " + cfg);
    }
    float[] w;
    float[] m;
    float[] v;
    float[] ref = null;
    try (SafeTensors.Reader r = SafeTensors.openDirectory(dir);
        SafeTensors.Reader o = SafeTensors.open(dir.resolve("optimizer.safetensors"))) {
      w = Model.fromHuggingFace(cfg, r, dir.toString());
      m = flatTensor(o, "adam.m", dir);
      v = flatTensor(o, "adam.v", dir);
      if (reference != null) {
        if (!o.names().contains("reference")) {
          throw new SpiceException.CheckpointException(dir + "/optimizer.safetensors has no 'reference' tensor "
              + "but this policy keeps a KL reference");
        }
        ref = flatTensor(o, "reference", dir);
      }
    } catch (SpiceException.CheckpointException e) {
      throw e;
    } catch (SpiceException e) {
      throw new SpiceException.CheckpointException("cannot load checkpoint " + dir + ": " + e.getMessage(), e);
    }
    // Commit only after everything was read and validated.
    model.flat.set(w);
    adamM.set(m);
    adamV.set(v);
    if (ref != null) {
      reference.set(ref);
    }
    step = savedStep;
  }

  private float[] flatTensor(SafeTensors.Reader o, String name, Path dir) {
    if (!o.names().contains(name)) {
      throw new SpiceException.CheckpointException(dir + "/optimizer.safetensors lacks tensor '" + name + "'");
    }
    long[] shape = o.info(name).shape();
    if (shape.length != 1 || shape[0] != model.size) {
      throw new SpiceException.CheckpointException(dir + "/optimizer.safetensors tensor '" + name + "' has shape "
          + Arrays.toString(shape) + ", expected [" + model.size + "]");
    }
    return o.floats(name);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    model.close();
    if (ownsTokenizer) {
      tokenizer.close();
    }
  }

  @Override
  public String toString() {
    return "DjlPolicy[" + cfg.modelType() + ", " + model.size + " parameters, " + model.device() + "]";
  }
}
