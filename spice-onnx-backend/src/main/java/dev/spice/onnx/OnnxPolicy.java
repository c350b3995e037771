package dev.spice.onnx;

import dev.spice.core.sampling.TokenSampler;
import java.util.SplittableRandom;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.spice.core.Completion;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.json.Json;
import dev.spice.core.model.SafeTensors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A {@link PolicyBackend} on ONNX Runtime for decoder-only language models in the Hugging Face
 * Optimum layout: inputs {@code input_ids}, {@code attention_mask}, optional {@code position_ids},
 * {@code past_key_values.{i}.key/value}; outputs {@code logits}, {@code present.{i}.key/value}.
 * Layer count, key/value heads and head size come from the graph's own inputs; a graph with only
 * {@code logits} (no cache) also works, recomputing the whole sequence each step. Only float32
 * graphs are supported.
 *
 * <p>Generation left-pads the batch, runs one prefill and then one single-token step per new token
 * with the cache, and samples each row from its own random stream derived from
 * {@code (seed, row)} (see {@link SamplingParams#seed()}), so the same seed, prompts and weights
 * give the same tokens. Log-probabilities are those of temperature 1 with the prompt's
 * constrained-decoding mask applied, before top-k / top-p. Generated end-of-sequence tokens are
 * part of {@link Completion#tokens()} but not of its text.
 *
 * <p>Usable as a frozen Challenger or as the rollout engine of a policy trained elsewhere: after
 * each update, {@link #refreshWeights(Path)} swaps in the new weights without rebuilding the
 * graph.
 *
 * <p>Thread-safety: all public methods are synchronized; one call runs at a time. Errors are
 * {@link SpiceException.BackendException} (model files, inference) or
 * {@link SpiceException.ConfigurationException} (builder settings).
 */
public final class OnnxPolicy implements PolicyBackend {

  /** ONNX Runtime graph optimisation levels. */
  public enum Optimization {
    /** No graph optimisation. */
    NONE,
    /** Constant folding and redundant-node elimination. */
    BASIC,
    /** Basic plus operator fusions. */
    EXTENDED,
    /** Everything ONNX Runtime offers, layout optimisations included (the default). */
    ALL
  }

  /**
   * What the loaded graph looks like.
   *
   * @param model the graph file
   * @param kvCache whether the graph has past/present key-value I/O
   * @param layers decoder layers (0 without a cache)
   * @param kvHeads key/value heads (0 without a cache)
   * @param headDim per-head width (0 without a cache)
   * @param vocabSize logits width, or -1 if the graph leaves it symbolic
   * @param positionIds whether the graph takes {@code position_ids}
   * @param executionProviders the execution providers the session was created with, in priority
   */
  public record ModelInfo(Path model, boolean kvCache, int layers, int kvHeads, int headDim, int vocabSize,
      boolean positionIds, List<String> executionProviders) {
    /** Copies the list. */
    public ModelInfo {
      executionProviders = List.copyOf(executionProviders);
    }
  }

  /**
   * What one {@link #refreshWeights(Path)} cost.
   *
   * @param tensors initializers replaced
   * @param bytes float32 bytes of the new weights
   * @param read time to read and convert the checkpoint
   * @param session time to create the new session with the new weights
   * @param total wall time of the refresh
   * @param ignoredTensors checkpoint tensors the graph does not use (for example a tied
   *     {@code lm_head.weight})
   */
  public record RefreshStats(int tensors, long bytes, Duration read, Duration session, Duration total,
      List<String> ignoredTensors) {
    /** Copies the list. */
    public RefreshStats {
      ignoredTensors = List.copyOf(ignoredTensors);
    }
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Configures an {@link OnnxPolicy}. Only {@link #model(Path)} is required; the tokenizer defaults
   * to {@code tokenizer.json} and the end-of-sequence ids to {@code config.json}'s
   * {@code eos_token_id}, both next to the graph.
   */
  public static final class Builder {
    private Path model;
    private TokenCodec tokenizer;
    private int intraOpThreads;
    private int interOpThreads;
    private Optimization optimization = Optimization.ALL;
    private boolean cuda;
    private int cudaDevice;
    private List<Integer> eosTokenIds;
    private Function<Prompt, String> template = Prompt::text;

    private Builder() {}

    /** The graph file, or a directory holding {@value OnnxExporter#MODEL_FILE}. Required. */
    public Builder model(Path path) {
      this.model = Objects.requireNonNull(path, "model");
      return this;
    }

    /** The tokenizer; the policy does not close a tokenizer supplied here. */
    public Builder tokenizer(TokenCodec codec) {
      this.tokenizer = Objects.requireNonNull(codec, "tokenizer");
      return this;
    }

    /** Threads inside one operator, {@code >= 0}; 0 lets ONNX Runtime choose (the default). */
    public Builder intraOpThreads(int n) {
      this.intraOpThreads = n;
      return this;
    }

    /** Threads across independent operators, {@code >= 0}; 0 lets ONNX Runtime choose. */
    public Builder interOpThreads(int n) {
      this.interOpThreads = n;
      return this;
    }

    /** Graph optimisation level; default {@link Optimization#ALL}. */
    public Builder optimization(Optimization level) {
      this.optimization = Objects.requireNonNull(level, "optimization");
      return this;
    }

    /**
     * Whether to run on the CUDA execution provider (device 0 unless {@link #cudaDevice(int)});
     * default false. {@link #build()} fails if this ONNX Runtime build has no CUDA provider (use the
     * {@code onnxruntime_gpu} artifact).
     */
    public Builder cuda(boolean enabled) {
      this.cuda = enabled;
      return this;
    }

    /** CUDA device ordinal, {@code >= 0}; implies nothing unless {@link #cuda(boolean)} is set. */
    public Builder cudaDevice(int device) {
      this.cudaDevice = device;
      return this;
    }

    /** End-of-sequence ids; overrides {@code config.json}. May be empty (generation stops by length). */
    public Builder eosTokenIds(Collection<Integer> ids) {
      this.eosTokenIds = List.copyOf(ids);
      return this;
    }

    /** Renders a prompt to the text that is tokenized; default: the prompt's text unchanged. */
    public Builder promptTemplate(Function<Prompt, String> renderer) {
      this.template = Objects.requireNonNull(renderer, "promptTemplate");
      return this;
    }

    /**
     * Loads the graph and creates the session.
     *
     * @throws SpiceException.ConfigurationException on a bad setting (the message names valid
     *     values) or a missing tokenizer
     * @throws SpiceException.BackendException if the graph is missing, unreadable or not a decoder
     */
    public OnnxPolicy build() {
      if (model == null) {
        throw new SpiceException.ConfigurationException("OnnxPolicy.builder(): model(path) is required");
      }
      if (intraOpThreads < 0 || interOpThreads < 0) {
        throw new SpiceException.ConfigurationException("intraOpThreads and interOpThreads must be >= 0 (0 = ONNX Runtime "
            + "default), got " + intraOpThreads + " and " + interOpThreads);
      }
      if (cudaDevice < 0) {
        throw new SpiceException.ConfigurationException("cudaDevice must be >= 0, got " + cudaDevice);
      }
      Path file = Files.isDirectory(model) ? model.resolve(OnnxExporter.MODEL_FILE) : model;
      if (!Files.isRegularFile(file)) {
        throw new SpiceException.BackendException("ONNX model file " + file + " does not exist");
      }
      Path dir = file.toAbsolutePath().getParent();
      if (cuda) {
        var available = OrtEnvironment.getAvailableProviders();
        if (!available.contains(OrtProvider.CUDA)) {
          throw new SpiceException.ConfigurationException("cuda(true) but this ONNX Runtime has no CUDA execution "
              + "provider; available: " + available + ". Use com.microsoft.onnxruntime:onnxruntime_gpu, or cuda(false).");
        }
      }
      List<Integer> eos = eosTokenIds != null ? eosTokenIds : readEos(dir.resolve("config.json"));
      boolean ownTokenizer = tokenizer == null;
      TokenCodec codec = tokenizer;
      if (codec == null) {
        Path tj = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tj)) {
          throw new SpiceException.ConfigurationException("no tokenizer given and no tokenizer.json next to " + file
              + "; call tokenizer(TokenCodec.huggingFace(path)) or tokenizer(TokenCodec.wordLevel(words))");
        }
        codec = TokenCodec.huggingFace(tj);
      }
      try {
        return new OnnxPolicy(this, file, codec, ownTokenizer, eos);
      } catch (RuntimeException e) {
        if (ownTokenizer) {
          codec.close();
        }
        throw e;
      }
    }
  }

  private static List<Integer> readEos(Path configJson) {
    if (!Files.isRegularFile(configJson)) {
      return List.of();
    }
    try {
      Object e = Json.parseObject(Files.readString(configJson, StandardCharsets.UTF_8)).get("eos_token_id");
      if (e instanceof Number n) {
        return List.of(n.intValue());
      }
      List<Integer> out = new ArrayList<>();
      if (e instanceof List<?> l) {
        for (Object o : l) {
          if (!(o instanceof Number n)) {
            throw new SpiceException.ConfigurationException(configJson + ": field 'eos_token_id' must hold integers");
          }
          out.add(n.intValue());
        }
      }
      return out;
    } catch (IOException | Json.JsonException ex) {
      throw new SpiceException.ConfigurationException("cannot read " + configJson + ": " + ex.getMessage());
    }
  }

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final Path modelFile;
  private final TokenCodec tokenizer;
  private final boolean ownTokenizer;
  private final int[] eos;
  private final Function<Prompt, String> template;
  private final int intraOpThreads;
  private final int interOpThreads;
  private final Optimization optimization;
  private final boolean cuda;
  private final int cudaDevice;
  private OrtSession session;
  private OrtSession.SessionOptions sessionOptions;
  private List<OnnxTensor> sharedWeights = List.of();
  private GraphSignature sig;
  private Map<String, long[]> initializerShapes;
  private boolean closed;

  private OnnxPolicy(Builder b, Path file, TokenCodec codec, boolean ownTokenizer, List<Integer> eosIds) {
    this.modelFile = file;
    this.tokenizer = codec;
    this.ownTokenizer = ownTokenizer;
    this.eos = eosIds.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
    this.template = b.template;
    this.intraOpThreads = b.intraOpThreads;
    this.interOpThreads = b.interOpThreads;
    this.optimization = b.optimization;
    this.cuda = b.cuda;
    this.cudaDevice = b.cudaDevice;
    OrtSession.SessionOptions opts = newOptions(Map.of());
    try {
      this.session = env.createSession(file.toString(), opts);
    } catch (OrtException e) {
      opts.close();
      throw new SpiceException.BackendException("ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
    }
    this.sessionOptions = opts;
    try {
      this.sig = GraphSignature.of(session, file);
    } catch (RuntimeException e) {
      closeSession(session, opts, List.of());
      throw e;
    }
  }

  private OrtSession.SessionOptions newOptions(Map<String, OnnxTensorLike> initializers) {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    try {
      if (intraOpThreads > 0) {
        o.setIntraOpNumThreads(intraOpThreads);
      }
      if (interOpThreads > 0) {
        o.setInterOpNumThreads(interOpThreads);
      }
      o.setOptimizationLevel(switch (optimization) {
        case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
        case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
        case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
        case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
      });
      if (cuda) {
        o.addCUDA(cudaDevice);
      }
      if (!initializers.isEmpty()) {
        o.addExternalInitializers(initializers);
      }
      return o;
    } catch (OrtException e) {
      o.close();
      throw new SpiceException.BackendException("cannot configure the ONNX Runtime session: " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return "onnx-runtime";
  }

  /** What the loaded graph looks like. */
  public synchronized ModelInfo info() {
    ensureOpen();
    return new ModelInfo(modelFile, sig.cache(), sig.layers(), sig.kvHeads(), sig.headDim(), sig.vocabSize(),
        sig.positionIds(), cuda ? List.of("CUDA", "CPU") : List.of("CPU"));
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
    try (Decoder dec = sig.cache() ? new CachedDecoder(promptIds) : new FullDecoder(promptIds)) {
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
    if (batch == 0) {
      return List.of();
    }
    int[][] seqs = new int[batch][];
    int[] promptLen = new int[batch];
    int[][] allowed = new int[batch][];
    for (int b = 0; b < batch; b++) {
      int[] p = encodePrompt(prompts.get(b), b);
      int[] c = continuations.get(b);
      checkIds(c, "continuation " + b);
      allowed[b] = allowedIds(prompts.get(b), b);
      promptLen[b] = p.length;
      // the last continuation token is only predicted, never fed
      seqs[b] = new int[p.length + Math.max(0, c.length - 1)];
      System.arraycopy(p, 0, seqs[b], 0, p.length);
      System.arraycopy(c, 0, seqs[b], p.length, Math.max(0, c.length - 1));
    }
    List<float[]> out = new ArrayList<>(batch);
    try (Decoder dec = sig.cache() ? new CachedDecoder(seqs) : new FullDecoder(seqs)) {
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
    int[] ids = tokenizer.encode(template.apply(p));
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
        throw new SpiceException.BackendException(what + ": token id " + ids[i] + " at index " + i
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

  /** Logits of one forward pass, copied to the heap: {@code [batch, len, vocab]}. */
  private static final class Logits {
    final float[] data;
    final int len;
    final int vocab;

    Logits(OnnxTensor t) {
      long[] shape = t.getInfo().getShape();
      this.len = (int) shape[1];
      this.vocab = (int) shape[2];
      FloatBuffer fb = t.getFloatBuffer();
      this.data = new float[fb.remaining()];
      fb.get(data);
    }

    /** Offset of the last position of row {@code b}. */
    int offset(int b) {
      return ((b + 1) * len - 1) * vocab;
    }

    /** Offset of position {@code pos} of a row whose unpadded length is {@code rowLen}. */
    int offsetAt(int b, int pos, int rowLen) {
      return (b * len + (len - rowLen) + pos) * vocab;
    }
  }

  /** Runs one batch: a prefill over the left-padded prompts, then one token per row per step. */
  private abstract class Decoder implements AutoCloseable {
    final int batch;
    final int[][] rows;
    final int maxLen;
    int total;

    Decoder(int[][] rows) {
      this.rows = rows;
      this.batch = rows.length;
      int m = 0;
      for (int[] r : rows) {
        m = Math.max(m, r.length);
      }
      this.maxLen = m;
      this.total = m;
    }

    abstract Logits prefill();

    abstract Logits prefillAll();

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
        in.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape));
      } catch (OrtException e) {
        throw new SpiceException.BackendException("cannot create input '" + name + "': " + e.getMessage(), e);
      }
    }

    OrtSession.Result run(Map<String, ? extends OnnxTensorLike> in) {
      try {
        return session.run(in);
      } catch (OrtException e) {
        throw new SpiceException.BackendException("ONNX Runtime failed on " + modelFile + ": " + e.getMessage(), e);
      }
    }

    Logits logits(OrtSession.Result r) {
      OnnxValue v = r.get(DecoderGraph.LOGITS).orElseThrow();
      return new Logits((OnnxTensor) v);
    }
  }

  /** Uses the graph's key-value cache: each step feeds one token and the previous present tensors. */
  private final class CachedDecoder extends Decoder {
    private OrtSession.Result last;
    private final int[] lengths;

    CachedDecoder(int[][] rows) {
      super(rows);
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
          in.put(DecoderGraph.pastKey(l), OnnxTensor.createTensor(env, FloatBuffer.allocate(0), shape));
          in.put(DecoderGraph.pastValue(l), OnnxTensor.createTensor(env, FloatBuffer.allocate(0), shape));
        }
        if (sig.useCacheBranch()) {
          in.put("use_cache_branch", OnnxTensor.createTensor(env, new boolean[] {false}));
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
          owned.put("use_cache_branch", OnnxTensor.createTensor(env, new boolean[] {true}));
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

  /** A graph without a cache: every step recomputes the whole (growing) sequence. */
  private final class FullDecoder extends Decoder {
    private final List<int[]> generated = new ArrayList<>();

    FullDecoder(int[][] rows) {
      super(rows);
    }

    @Override
    Logits prefill() {
      return prefillAll();
    }

    @Override
    Logits prefillAll() {
      Map<String, OnnxTensor> in = promptInputs();
      try (OrtSession.Result r = run(in)) {
        return logits(r);
      } finally {
        in.values().forEach(OnnxTensor::close);
      }
    }

    @Override
    Logits step(int[] next) {
      generated.add(next.clone());
      total++;
      long[] ids = new long[batch * total];
      long[] mask = new long[batch * total];
      long[] pos = new long[batch * total];
      for (int b = 0; b < batch; b++) {
        int pad = maxLen - rows[b].length;
        int p = 0;
        for (int t = 0; t < rows[b].length; t++) {
          ids[b * total + pad + t] = rows[b][t];
          mask[b * total + pad + t] = 1;
          pos[b * total + pad + t] = p++;
        }
        for (int g = 0; g < generated.size(); g++) {
          ids[b * total + maxLen + g] = generated.get(g)[b];
          mask[b * total + maxLen + g] = 1;
          pos[b * total + maxLen + g] = p++;
        }
      }
      Map<String, OnnxTensor> in = new LinkedHashMap<>();
      long[] shape = {batch, total};
      put(in, DecoderGraph.INPUT_IDS, ids, shape);
      put(in, DecoderGraph.ATTENTION_MASK, mask, shape);
      if (sig.positionIds()) {
        put(in, DecoderGraph.POSITION_IDS, pos, shape);
      }
      try (OrtSession.Result r = run(in)) {
        return logits(r);
      } finally {
        in.values().forEach(OnnxTensor::close);
      }
    }

    @Override
    public void close() {}
  }

  // ---------------------------------------------------------------- weight refresh

  /**
   * Replaces the graph's weights with those of a Hugging Face checkpoint directory (the layout the
   * DJL backend saves), without rebuilding or rewriting the graph: the new tensors are handed to a
   * new ONNX Runtime session as external initializers overriding the same-named initializers, then
   * the sessions are swapped. Works for graphs written by {@link OnnxExporter} (initializers carry
   * the Hugging Face tensor names). On any error the current weights stay in use.
   *
   * @param checkpointDir directory with {@code model.safetensors} or its sharded index
   * @return what the refresh cost
   * @throws SpiceException.BackendException naming the tensor if one is missing or has another
   *     shape, or if the graph has no Hugging Face-named initializers
   */
  public synchronized RefreshStats refreshWeights(Path checkpointDir) {
    ensureOpen();
    long start = System.nanoTime();
    Map<String, long[]> wanted = initializerShapes();
    if (wanted.isEmpty()) {
      throw new SpiceException.BackendException(modelFile + " has no float initializers with Hugging Face tensor names "
          + "(model.* / lm_head.*); refreshWeights works on graphs written by OnnxExporter");
    }
    List<OnnxTensor> created = new ArrayList<>();
    Map<String, OnnxTensorLike> map = new LinkedHashMap<>();
    List<String> ignored = new ArrayList<>();
    long bytes = 0;
    try {
      try (SafeTensors.Reader reader = SafeTensors.openDirectory(checkpointDir)) {
        for (String n : reader.names()) {
          if (!wanted.containsKey(n)) {
            ignored.add(n);
          }
        }
        for (Map.Entry<String, long[]> e : wanted.entrySet()) {
          String name = e.getKey();
          if (!reader.names().contains(name)) {
            throw new SpiceException.BackendException("checkpoint " + checkpointDir + " lacks tensor '" + name
                + "' that the graph " + modelFile + " uses; weights not refreshed");
          }
          long[] have = reader.info(name).shape();
          if (!Arrays.equals(have, e.getValue())) {
            throw new SpiceException.BackendException("tensor '" + name + "' in " + checkpointDir + " has shape "
                + Arrays.toString(have) + " but the graph expects " + Arrays.toString(e.getValue())
                + "; weights not refreshed");
          }
          float[] data = reader.floats(name);
          FloatBuffer fb = ByteBuffer.allocateDirect(data.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
          fb.put(data).rewind();
          OnnxTensor t = OnnxTensor.createTensor(env, fb, have);
          created.add(t);
          map.put(name, t);
          bytes += 4L * data.length;
        }
      }
      long read = System.nanoTime();
      OrtSession.SessionOptions opts = newOptions(map);
      OrtSession fresh;
      try {
        fresh = env.createSession(modelFile.toString(), opts);
      } catch (OrtException e) {
        opts.close();
        throw new SpiceException.BackendException("ONNX Runtime rejected the refreshed weights for " + modelFile + ": "
            + e.getMessage(), e);
      }
      long made = System.nanoTime();
      closeSession(session, sessionOptions, sharedWeights);
      session = fresh;
      sessionOptions = opts;
      sharedWeights = List.copyOf(created);
      created = List.of();
      long end = System.nanoTime();
      return new RefreshStats(map.size(), bytes, Duration.ofNanos(read - start), Duration.ofNanos(made - read),
          Duration.ofNanos(end - start), ignored);
    } catch (OrtException e) {
      throw new SpiceException.BackendException("cannot create weight tensors: " + e.getMessage(), e);
    } finally {
      created.forEach(OnnxTensor::close);
    }
  }

  /** Float initializers of the graph that carry Hugging Face tensor names, read from the protobuf. */
  private Map<String, long[]> initializerShapes() {
    if (initializerShapes == null) {
      OnnxMl.ModelProto proto;
      try (InputStream in = Files.newInputStream(modelFile)) {
        proto = OnnxMl.ModelProto.parseFrom(in);
      } catch (IOException e) {
        throw new SpiceException.BackendException("cannot parse " + modelFile + " as an ONNX model: " + e.getMessage(), e);
      }
      Map<String, long[]> m = new LinkedHashMap<>();
      for (OnnxMl.TensorProto t : proto.getGraph().getInitializerList()) {
        if (t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT_VALUE
            && (t.getName().startsWith("model.") || t.getName().startsWith("lm_head."))) {
          m.put(t.getName(), t.getDimsList().stream().mapToLong(Long::longValue).toArray());
        }
      }
      initializerShapes = m;
    }
    return initializerShapes;
  }

  private void ensureOpen() {
    if (closed) {
      throw new SpiceException.BackendException("OnnxPolicy for " + modelFile + " is closed");
    }
  }

  private static void closeSession(OrtSession s, OrtSession.SessionOptions o, List<OnnxTensor> weights) {
    try {
      s.close();
    } catch (OrtException e) {
      // the session is unusable either way; nothing more to release
    }
    o.close();
    weights.forEach(OnnxTensor::close);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeSession(session, sessionOptions, sharedWeights);
    if (ownTokenizer) {
      tokenizer.close();
    }
  }
}
