package dev.spice.onnx;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.internal.sampling.TokenSampler;
import dev.spice.core.text.PromptTemplate;
import dev.spice.core.text.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The {@link OnnxPolicy} implementation: prompt encoding, the sampling loop of {@link #generate},
 * {@link #scoreContinuations}, and the open/closed state. The parts that do the rest, one job each:
 *
 * <ul>
 *   <li>{@link RuntimeSession}: the ONNX Runtime session, running the graph, {@link #refreshWeights};
 *   <li>{@link Decoder}: one batch's forward passes, {@link CachedDecoder} with the graph's
 *       key-value cache or {@link FullDecoder} without one;
 *   <li>{@link Logits}: the logits of one forward pass on the heap.
 * </ul>
 *
 * <p>All methods are synchronized.
 */
final class OnnxPolicyImpl implements OnnxPolicy {
  private final RuntimeSession rt;
  private final GraphSignature sig;
  private final Tokenizer tokenizer;
  private final boolean ownTokenizer;
  private final int[] eos;
  private final PromptTemplate template;
  private boolean closed;

  private OnnxPolicyImpl(RuntimeSession rt, Tokenizer codec, boolean ownTokenizer, List<Integer> eosIds,
      PromptTemplate template) {
    this.rt = rt;
    this.sig = rt.sig();
    this.tokenizer = codec;
    this.ownTokenizer = ownTokenizer;
    this.eos = eosIds.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
    this.template = template;
  }

  /**
   * Creates the policy from validated builder settings: resolves the device, reads the
   * end-of-sequence ids and the tokenizer, loads the graph.
   *
   * @param file the existing graph file
   */
  static OnnxPolicy create(OnnxPolicy.Builder b, Path file) {
    Path dir = file.toAbsolutePath().getParent();
    int cudaDevice = RuntimeSession.cudaDevice(b.device);
    List<Integer> eos = b.eosTokenIds != null ? b.eosTokenIds : readEos(dir.resolve("config.json"));
    boolean ownTokenizer = b.tokenizer == null;
    Tokenizer codec = b.tokenizer;
    if (codec == null) {
      Path tj = dir.resolve("tokenizer.json");
      if (!Files.isRegularFile(tj)) {
        throw new SpiceException.ConfigurationException("no tokenizer given and no tokenizer.json next to " + file
            + "; call tokenizer(HfTokenizer.load(path)) or tokenizer(WordTokenizer.of(words))");
      }
      codec = HfTokenizer.load(tj);
    }
    try {
      RuntimeSession rt = new RuntimeSession(file, b.threads, b.interOpThreads, b.optimization, cudaDevice,
          b.allowNonFiniteWeights);
      return new OnnxPolicyImpl(rt, codec, ownTokenizer, eos, b.template);
    } catch (RuntimeException e) {
      if (ownTokenizer) {
        codec.close();
      }
      throw e;
    }
  }

  private static List<Integer> readEos(Path configJson) {
    if (!Files.isRegularFile(configJson)) {
      return List.of();
    }
    java.util.Map<String, Object> cfg;
    try {
      cfg = Json.parseObject(Files.readString(configJson, StandardCharsets.UTF_8));
    } catch (IOException | Json.JsonException ex) {
      throw new SpiceException.ConfigurationException("cannot read " + configJson + ": " + ex.getMessage());
    }
    Object e = cfg.get("eos_token_id");
    long vocab = cfg.get("vocab_size") instanceof Long v ? v : Long.MAX_VALUE;
    List<Integer> out = new ArrayList<>();
    if (e == null) {
      return out;
    }
    List<?> values = e instanceof List<?> l ? l : List.of(e);
    for (Object o : values) {
      // a float or a string would be truncated or ignored: refuse it, like the DJL loader does
      if (!(o instanceof Long id)) {
        throw new SpiceException.ConfigurationException(configJson + ": field 'eos_token_id' must be an integer or "
            + "a list of integers, got " + (o instanceof String str ? "the string \"" + str + "\"" : String.valueOf(o)));
      }
      if (id < 0 || id >= vocab) {
        throw new SpiceException.ConfigurationException(configJson + ": field 'eos_token_id' holds " + id
            + ", outside the vocabulary [0, " + vocab + ") of vocab_size");
      }
      out.add((int) (long) id);
    }
    return out;
  }

  @Override
  public String name() {
    return "onnx-runtime";
  }

  @Override
  public synchronized ModelInfo info() {
    ensureOpen();
    return new ModelInfo(rt.modelFile(), sig.cache(), sig.layers(), sig.kvHeads(), sig.headDim(), sig.vocabSize(),
        sig.positionIds(), rt.executionProviders());
  }

  @Override
  public synchronized int[] tokenize(String text) {
    ensureOpen();
    return tokenizer.encode(text);
  }

  @Override
  public synchronized String detokenize(int[] tokens) {
    ensureOpen();
    return tokenizer.decode(tokens);
  }

  // ---------------------------------------------------------------- generation

  @Override
  public synchronized List<Completion> generate(List<Prompt> prompts, SamplingParams params) {
    ensureOpen();
    Objects.requireNonNull(params, "params");
    int batch = prompts.size();
    if (batch == 0) {
      return List.of();
    }
    int[][] promptIds = new int[batch][];
    int[][] allowed = new int[batch][];
    for (int b = 0; b < batch; b++) {
      promptIds[b] = encodePrompt(prompts.get(b), b);
      allowed[b] = allowedIds(prompts.get(b), b);
    }
    return sample(promptIds, allowed, params);
  }

  /** {@inheritDoc} The ids are fed as they are, with no template. */
  @Override
  public synchronized List<Completion> generateFromTokens(List<int[]> promptTokens, int[] allowedTokenIds,
      SamplingParams params) {
    ensureOpen();
    Objects.requireNonNull(params, "params");
    int batch = promptTokens.size();
    if (batch == 0) {
      return List.of();
    }
    int[] allow = null;
    if (allowedTokenIds != null && allowedTokenIds.length > 0) {
      checkIds(allowedTokenIds, "allowed token ids");
      TreeSet<Integer> ids = new TreeSet<>();
      for (int id : allowedTokenIds) {
        ids.add(id);
      }
      for (int e : eos) {
        ids.add(e);
      }
      allow = ids.stream().mapToInt(Integer::intValue).toArray();
    }
    int[][] promptIds = new int[batch][];
    int[][] allowed = new int[batch][];
    for (int b = 0; b < batch; b++) {
      int[] ids = promptTokens.get(b);
      if (ids == null || ids.length == 0) {
        throw new SpiceException.InvalidInputException("prompt " + b + " has no tokens; a decoder needs at least one");
      }
      promptIds[b] = ids.clone();
      checkIds(promptIds[b], "prompt " + b);
      allowed[b] = allow;
    }
    return sample(promptIds, allowed, params);
  }

  /** The sampling loop over encoded prompts, one stream per row derived from {@code (seed, row)}. */
  private List<Completion> sample(int[][] promptIds, int[][] allowed, SamplingParams params) {
    int batch = promptIds.length;
    SplittableRandom[] rng = new SplittableRandom[batch];
    for (int b = 0; b < batch; b++) {
      rng[b] = TokenSampler.rowStream(params.seed(), b);
    }
    double[] lp = new double[1];
    int[][] tokens = new int[batch][params.maxNewTokens()];
    float[][] logps = new float[batch][params.maxNewTokens()];
    int[] count = new int[batch];
    Completion.FinishReason[] finish = new Completion.FinishReason[batch];
    int active = batch;
    try (Decoder dec = Decoder.open(rt, promptIds)) {
      Logits logits = dec.prefill();
      for (int step = 0; step < params.maxNewTokens() && active > 0; step++) {
        int[] next = new int[batch];
        for (int b = 0; b < batch; b++) {
          if (finish[b] != null) {
            continue;
          }
          int off = logits.offset(b);
          int tok = TokenSampler.sample(logits.data, off, logits.vocab, allowed[b], params, rng[b], lp);
          tokens[b][count[b]] = tok;
          logps[b][count[b]] = (float) lp[0];
          count[b]++;
          next[b] = tok;
          if (Arrays.binarySearch(eos, tok) >= 0 || stopMatched(tokens[b], count[b], params.stop())) {
            finish[b] = Completion.FinishReason.STOP;
          } else if (count[b] == params.maxNewTokens()) {
            finish[b] = Completion.FinishReason.LENGTH;
          }
          if (finish[b] != null) {
            active--;
          }
        }
        if (active > 0) {
          logits = dec.step(next);
        }
      }
    }
    List<Completion> out = new ArrayList<>(batch);
    for (int b = 0; b < batch; b++) {
      int[] toks = Arrays.copyOf(tokens[b], count[b]);
      int textLen = count[b] > 0 && Arrays.binarySearch(eos, toks[count[b] - 1]) >= 0 ? count[b] - 1 : count[b];
      String text = tokenizer.decode(Arrays.copyOf(toks, textLen));
      out.add(new Completion(text, promptIds[b], toks, Arrays.copyOf(logps[b], count[b]), finish[b]));
    }
    return out;
  }

  private boolean stopMatched(int[] toks, int n, List<String> stops) {
    if (stops.isEmpty()) {
      return false;
    }
    String text = tokenizer.decode(Arrays.copyOf(toks, n));
    String prev = n > 1 ? tokenizer.decode(Arrays.copyOf(toks, n - 1)) : "";
    for (String s : stops) {
      int from = Math.max(0, Math.min(prev.length(), text.length()) - s.length() + 1);
      if (!s.isEmpty() && text.indexOf(s, from) >= 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  public synchronized List<float[]> scoreContinuations(List<Prompt> prompts, List<int[]> continuations) {
    ensureOpen();
    if (prompts.size() != continuations.size()) {
      throw new IllegalArgumentException("prompts and continuations differ in size: " + prompts.size() + " vs "
          + continuations.size());
    }
    int batch = prompts.size();
    int[][] promptIds = new int[batch][];
    int[][] allowed = new int[batch][];
    for (int b = 0; b < batch; b++) {
      promptIds[b] = encodePrompt(prompts.get(b), b);
      checkIds(continuations.get(b), "continuation " + b);
      allowed[b] = allowedIds(prompts.get(b), b);
    }
    return score(promptIds, continuations, allowed);
  }

  /** {@inheritDoc} The ids are fed as they are, with no template, and nothing is masked. */
  @Override
  public synchronized List<float[]> scoreFromTokens(List<int[]> promptTokens, List<int[]> continuations) {
    ensureOpen();
    if (promptTokens.size() != continuations.size()) {
      throw new SpiceException.InvalidInputException("scoreFromTokens: " + promptTokens.size() + " prompts but "
          + continuations.size() + " continuations");
    }
    int batch = promptTokens.size();
    int[][] promptIds = new int[batch][];
    for (int b = 0; b < batch; b++) {
      int[] ids = promptTokens.get(b);
      if (ids == null || ids.length == 0) {
        throw new SpiceException.InvalidInputException("scoreFromTokens: prompt " + b
            + " has no tokens; a decoder needs at least one");
      }
      if (continuations.get(b) == null) {
        throw new SpiceException.InvalidInputException("scoreFromTokens: continuation " + b + " is null");
      }
      promptIds[b] = ids.clone();
      checkIds(promptIds[b], "prompt " + b);
      checkIds(continuations.get(b), "continuation " + b);
    }
    return score(promptIds, continuations, new int[batch][]);
  }

  /** Teacher-forced log-probs of each continuation after its encoded prompt, in one full pass. */
  private List<float[]> score(int[][] promptIds, List<int[]> continuations, int[][] allowed) {
    int batch = promptIds.length;
    if (batch == 0) {
      return List.of();
    }
    int[][] seqs = new int[batch][];
    int[] promptLen = new int[batch];
    for (int b = 0; b < batch; b++) {
      int[] p = promptIds[b];
      int[] c = continuations.get(b);
      promptLen[b] = p.length;
      // the last continuation token is only predicted, never fed
      seqs[b] = new int[p.length + Math.max(0, c.length - 1)];
      System.arraycopy(p, 0, seqs[b], 0, p.length);
      System.arraycopy(c, 0, seqs[b], p.length, Math.max(0, c.length - 1));
    }
    List<float[]> out = new ArrayList<>(batch);
    try (Decoder dec = Decoder.open(rt, seqs)) {
      Logits all = dec.prefillAll();
      for (int b = 0; b < batch; b++) {
        int[] c = continuations.get(b);
        float[] lp = new float[c.length];
        for (int j = 0; j < c.length; j++) {
          int off = all.offsetAt(b, promptLen[b] - 1 + j, seqs[b].length);
          lp[j] = TokenSampler.logProb(all.data, off, all.vocab, allowed[b], c[j]);
        }
        out.add(lp);
      }
    }
    return out;
  }

  private int[] encodePrompt(Prompt p, int row) {
    Objects.requireNonNull(p, "prompt " + row);
    int[] ids = tokenizer.encode(template.render(p));
    if (ids.length == 0) {
      throw new SpiceException.BackendException("prompt " + row + " tokenizes to no tokens; a decoder needs at least one");
    }
    checkIds(ids, "prompt " + row);
    return ids;
  }

  private void checkIds(int[] ids, String what) {
    int v = sig.vocabSize();
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || (v > 0 && ids[i] >= v)) {
        throw new SpiceException.InvalidInputException(what + ": token id " + ids[i] + " at index " + i
            + " is outside the model's vocabulary [0, " + v + ")");
      }
    }
  }

  private int[] allowedIds(Prompt p, int row) {
    if (p.allowedTokens().isEmpty()) {
      return null;
    }
    TreeSet<Integer> ids = new TreeSet<>();
    for (String s : p.allowedTokens()) {
      int[] t = tokenizer.encode(s);
      if (t.length != 1) {
        throw new SpiceException.BackendException("prompt " + row + ": allowed token '" + s + "' is " + t.length
            + " tokens " + Arrays.toString(t) + ", must be exactly one token of the vocabulary");
      }
      ids.add(t[0]);
    }
    for (int e : eos) {
      ids.add(e);
    }
    int[] out = ids.stream().mapToInt(Integer::intValue).toArray();
    checkIds(out, "prompt " + row + " allowed tokens");
    return out;
  }

  // ---------------------------------------------------------------- weights and lifecycle

  @Override
  public synchronized RefreshStats refreshWeights(Path checkpointDir) {
    ensureOpen();
    return rt.refresh(checkpointDir);
  }

  private void ensureOpen() {
    if (closed) {
      throw new SpiceException.BackendException("OnnxPolicy for " + rt.modelFile() + " is closed");
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    rt.close();
    if (ownTokenizer) {
      tokenizer.close();
    }
  }
}
