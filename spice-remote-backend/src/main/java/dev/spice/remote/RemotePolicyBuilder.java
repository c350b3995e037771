package dev.spice.remote;

import dev.spice.core.PolicyBackend;
import dev.spice.core.SpiceException;
import dev.spice.core.text.PromptTemplate;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Configures and connects a {@link RemotePolicy}. Required: {@link #baseUrl} and {@link #model}.
 * {@link #build()} validates every setting, then checks that the server answers {@code GET
 * /health} and that {@code GET /v1/models} lists the model; any failure is raised there, not at the
 * first rollout. Not thread-safe; a builder may build several policies.
 */
public final class RemotePolicyBuilder {
  private URI baseUrl;
  private String model;
  private String apiKey;
  private PromptTemplate template = PromptTemplate.PLAIN;
  private Function<String, int[]> encoder;
  private Function<int[], String> decoder;
  private boolean addSpecialTokens;
  private final List<String> stopTokens = new ArrayList<>();
  private boolean maskedLogProbs;
  private int vocabularySize;
  private int maxConcurrentRequests = 8;
  private boolean collapseIdenticalPrompts = true;
  private int maxSamplesPerRequest = 64;
  private boolean batchPrompts;
  /** {@link #batchPromptsOnSpiceServe}: decide {@code batchPrompts} from the server's {@code /v1/models}. */
  private boolean batchPromptsAuto;
  private int maxPromptsPerRequest = 64;
  private boolean maxPromptsPerRequestSet;
  private int maxAttempts = 4;
  private Duration initialBackoff = Duration.ofMillis(250);
  private Duration maxBackoff = Duration.ofSeconds(10);
  private long retrySeed;
  private Duration requestTimeout = Duration.ofMinutes(5);
  private Duration connectTimeout = Duration.ofSeconds(10);
  private HttpTransport.Sleeper sleeper = d -> Thread.sleep(d.toMillis());

  RemotePolicyBuilder() {}

  /**
   * The server's root URL, for example {@code http://localhost:8000} (vLLM's default port); paths
   * such as {@code /v1/completions} and {@code /tokenize} are appended. Required.
   *
   * @param url an {@code http} or {@code https} URL without query, not ending in {@code /v1}
   * @return this builder
   */
  public RemotePolicyBuilder baseUrl(URI url) {
    this.baseUrl = Objects.requireNonNull(url, "url");
    return this;
  }

  /**
   * The served model name, as {@code GET /v1/models} lists it (vLLM: the {@code --served-model-name},
   * by default the model path). Required.
   *
   * @param name the model name
   * @return this builder
   */
  public RemotePolicyBuilder model(String name) {
    this.model = Objects.requireNonNull(name, "name");
    return this;
  }

  /**
   * Sent as {@code Authorization: Bearer <key>} (vLLM's {@code --api-key}); default none.
   *
   * @param key the API key, or {@code null} for none
   * @return this builder
   */
  public RemotePolicyBuilder apiKey(String key) {
    this.apiKey = key;
    return this;
  }

  /**
   * How a prompt becomes the text the model reads; default {@link PromptTemplate#PLAIN}.
   *
   * @param template the prompt template
   * @return this builder
   */
  public RemotePolicyBuilder template(PromptTemplate template) {
    this.template = Objects.requireNonNull(template, "template");
    return this;
  }

  /**
   * Tokenizes in this JVM with another backend that has the served model's vocabulary (for example
   * a DJL or ONNX policy of the same checkpoint) instead of the server's {@code /tokenize} and
   * {@code /detokenize}: saves one request per prompt.
   *
   * @param local a backend whose {@code tokenize}/{@code detokenize} match the served model
   * @return this builder
   */
  public RemotePolicyBuilder tokenizer(PolicyBackend local) {
    Objects.requireNonNull(local, "local");
    return tokenizer(local::tokenize, local::detokenize);
  }

  /**
   * Tokenizes in this JVM with the given functions instead of the server's {@code /tokenize} and
   * {@code /detokenize}. The prompt's special tokens are the template's business then ({@link
   * #addSpecialTokens} applies to the server's tokenizer only).
   *
   * @param encode text to token ids, without special tokens added
   * @param decode token ids to text
   * @return this builder
   */
  public RemotePolicyBuilder tokenizer(Function<String, int[]> encode, Function<int[], String> decode) {
    this.encoder = Objects.requireNonNull(encode, "encode");
    this.decoder = Objects.requireNonNull(decode, "decode");
    return this;
  }

  /**
   * Whether the server's tokenizer adds its special tokens (a beginning-of-sequence token, as Llama
   * base models want) to the rendered prompt; default false (Qwen adds none either way).
   *
   * @param add whether to add special tokens to prompts
   * @return this builder
   */
  public RemotePolicyBuilder addSpecialTokens(boolean add) {
    this.addSpecialTokens = add;
    return this;
  }

  /**
   * End-of-sequence tokens, each exactly one token of the vocabulary (for example {@code
   * <|im_end|>} under ChatML): sent as {@code stop_token_ids} and kept allowed under constrained
   * decoding. Default none: the server stops at the model's own end-of-sequence token, and
   * constrained rows end by length only.
   *
   * @param tokens the token strings
   * @return this builder
   */
  public RemotePolicyBuilder stopTokens(String... tokens) {
    for (String t : tokens) {
      stopTokens.add(Objects.requireNonNull(t, "stop token"));
    }
    return this;
  }

  /**
   * Allows constrained prompts ({@link dev.spice.core.Prompt#allowedTokens()}), sent as {@code
   * allowed_token_ids}. Off by default, and then a constrained prompt fails: vLLM reports log-probs
   * of the raw distribution, before the allowed-token mask, while a {@code Completion} must carry
   * those of the renormalised one. Turn it on only for a server that reports masked log-probs.
   *
   * @param masked whether the server's log-probs under {@code allowed_token_ids} are renormalised
   * @return this builder
   */
  public RemotePolicyBuilder maskedLogProbs(boolean masked) {
    this.maskedLogProbs = masked;
    return this;
  }

  /**
   * The vocabulary size, when known (the served model's {@code config.json} {@code vocab_size}):
   * every token id received or sent is then checked to be below it. Default 0, unknown: the server
   * exposes no vocabulary size, so ids are only checked to be non-negative.
   *
   * @param size the vocabulary size, {@code >= 1}, or 0 for unknown
   * @return this builder
   */
  public RemotePolicyBuilder vocabularySize(int size) {
    this.vocabularySize = size;
    return this;
  }

  /**
   * The most requests in flight at once (a request is one prompt, or one run of identical prompts,
   * see {@link #collapseIdenticalPrompts}, or several runs, see {@link #batchPrompts}); default 8. vLLM batches
   * concurrent requests itself, so a value near its {@code --max-num-seqs} keeps it busy.
   *
   * @param n at least 1
   * @return this builder
   */
  public RemotePolicyBuilder maxConcurrentRequests(int n) {
    this.maxConcurrentRequests = n;
    return this;
  }

  /**
   * Whether {@link RemotePolicy#generate} sends each run of consecutive identical prompts (same
   * rendered text, hence same token ids, and same allowed tokens; the engine asks for a group's
   * samples of one prompt that way) as one request with {@code n} = the run's length, at most
   * {@link #maxSamplesPerRequest}; default true. The server then reads the prompt once (vLLM: one
   * prefill; {@code spice serve}: one batched {@code generateFromTokens} call instead of one call
   * per sample).
   *
   * <p>Seeds: the request for rows {@code [r, r + n)} carries {@code Seeds.mix(seed, r) >>> 11},
   * row {@code r}'s own seed, and its {@code n} samples follow the server's seeding of one
   * request: vLLM draws them from the one generator the request's seed starts; {@code spice serve}
   * runs one {@code generateFromTokens} call of {@code n} copies of the prompt with that seed, so
   * sample {@code k} draws from the backend's stream of row {@code k} under it. Either way the
   * completions are deterministic for a fixed seed but not those that {@code n} requests with
   * {@code n = 1} and per-row seeds would give. Turn it off to keep one request per row with
   * row {@code i} seeded {@code Seeds.mix(seed, i) >>> 11}.
   *
   * @param collapse whether to send runs of identical prompts as one request with {@code n > 1}
   * @return this builder
   */
  public RemotePolicyBuilder collapseIdenticalPrompts(boolean collapse) {
    this.collapseIdenticalPrompts = collapse;
    return this;
  }

  /**
   * The largest {@code n} of one request when {@link #collapseIdenticalPrompts} is on, and the most
   * rows (prompts times {@code n}) of one request when {@link #batchPrompts} is on; default 64.
   * A longer run of identical prompts is split into requests of at most this many rows, each seeded
   * by its own first row. Keep it within the server's limit ({@code spice serve}: 1024 completions
   * per request).
   *
   * @param n at least 1 (1 sends one request per row, as collapsing off does)
   * @return this builder
   */
  public RemotePolicyBuilder maxSamplesPerRequest(int n) {
    this.maxSamplesPerRequest = n;
    return this;
  }

  /**
   * Whether {@link RemotePolicy#generate} sends consecutive runs of the same length {@code n} (see
   * {@link #collapseIdenticalPrompts}; with it off every run is one row, {@code n = 1}) and the
   * same allowed tokens as ONE request whose {@code prompt} is the list of their token-id lists,
   * at most {@link #maxPromptsPerRequest} prompts and {@link #maxSamplesPerRequest} rows each; the
   * requests still run concurrently, up to {@link #maxConcurrentRequests}. The reply's choices are
   * matched to rows by their {@code index} (prompt-major: {@code promptIndex * n + sampleIndex});
   * a missing, duplicated or out-of-range index fails the batch. Retries, timeouts and the token-id
   * fallbacks apply to each batched request as to any other.
   *
   * <p>Default false, because the safe default is one request per prompt (or run): the distinct
   * prompts of a batched request are not independent on every server. vLLM gives every prompt of
   * the request the same {@code seed}, so they share one random stream; a batched request is
   * also all or nothing (one bad prompt, a 400, fails and a retry resends every row), and vLLM
   * batches concurrent requests itself, so it gains little. Turn it on for {@code spice serve},
   * which runs one request at a time: there one batched request of B prompts costs about one
   * in-process {@code generate} of B prompts, where B requests cost about B calls.
   *
   * <p>Seeds: the request for rows {@code [r, ...)} of a batch sampled with seed {@code s} carries
   * {@code seed = TokenSampler.seedForRowOffset(s, r)}, a full signed 64-bit integer (vLLM accepts
   * the int64 range; a proxy that reads JSON numbers as doubles would round it), so that over
   * {@code spice serve} row {@code r + j} draws from the stream it draws from in-process: the batch
   * equals the served backend's in-process {@code generate} of the same prompts and seed (bit for
   * bit when it is one request; split, with the same tokens and log-probs equal to float rounding,
   * as another batch layout gives). Without
   * batching a request carries its first row's {@code Seeds.mix(s, r) >>> 11} instead, so turning
   * batching on changes the samples (not their distribution).
   *
   * @param batch whether to send several prompts per completions request
   * @return this builder
   */
  public RemotePolicyBuilder batchPrompts(boolean batch) {
    this.batchPrompts = batch;
    this.batchPromptsAuto = false;
    return this;
  }

  /**
   * Lets {@link #build()} decide {@link #batchPrompts}: on when the server's {@code GET /v1/models}
   * (read at build anyway) lists the model with {@code owned_by "spice"}, i.e. {@code spice serve},
   * which runs one request at a time; off otherwise (vLLM says {@code "vllm"}, SGLang
   * {@code "sglang"}: they batch concurrent requests themselves). {@link RemotePolicy#batchesPrompts()}
   * tells what was decided. A later {@link #batchPrompts(boolean)} overrides it.
   *
   * @return this builder
   */
  public RemotePolicyBuilder batchPromptsOnSpiceServe() {
    this.batchPromptsAuto = true;
    return this;
  }

  /**
   * The most prompts (runs) of one batched request when {@link #batchPrompts} is on; default 64.
   * A request also stays within {@link #maxSamplesPerRequest} rows (prompts times {@code n}); more
   * prompts go into further requests, each seeded by its first row. Setting it with batching off
   * is an error at {@link #build()}.
   *
   * @param n at least 1 (1 sends one prompt per request, as batching off does, but seeded as batched)
   * @return this builder
   */
  public RemotePolicyBuilder maxPromptsPerRequest(int n) {
    this.maxPromptsPerRequest = n;
    this.maxPromptsPerRequestSet = true;
    return this;
  }

  /**
   * Retries of transient failures: connection errors, timeouts, HTTP 429 and 5xx. Attempt {@code
   * k} (1-based) that fails waits {@code min(maxBackoff, initialBackoff * 2^(k-1))} times a jitter
   * factor in [0.5, 1) drawn from a {@link java.util.Random} seeded by {@link #retrySeed}, or the
   * server's {@code Retry-After} seconds when longer, before the next. Default {@code (4, 250 ms,
   * 10 s)}. Other 4xx replies are never retried.
   *
   * @param maxAttempts attempts in all, {@code >= 1} (1: no retry)
   * @param initialBackoff the first wait, {@code >= 0}
   * @param maxBackoff the longest computed wait, {@code >= initialBackoff}
   * @return this builder
   */
  public RemotePolicyBuilder retries(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    this.maxAttempts = maxAttempts;
    this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
    this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
    return this;
  }

  /**
   * Seed of the retry jitter; default 0.
   *
   * @param seed the seed
   * @return this builder
   */
  public RemotePolicyBuilder retrySeed(long seed) {
    this.retrySeed = seed;
    return this;
  }

  /**
   * How long one request may wait for its reply; default 5 minutes. A timeout is retried.
   *
   * @param timeout positive
   * @return this builder
   */
  public RemotePolicyBuilder requestTimeout(Duration timeout) {
    this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /**
   * How long opening a connection may take; default 10 seconds.
   *
   * @param timeout positive
   * @return this builder
   */
  public RemotePolicyBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /** Tests replace the real sleep to see the waits. */
  RemotePolicyBuilder sleeper(HttpTransport.Sleeper s) {
    this.sleeper = Objects.requireNonNull(s, "sleeper");
    return this;
  }

  /**
   * Validates the settings and connects: {@code GET /health}, then {@code GET /v1/models}, then
   * the stop tokens' ids.
   *
   * @return the policy; close it to stop its request threads
   * @throws SpiceException.ConfigurationException for a missing or invalid setting, a model the
   *     server does not serve (naming the served ones), or a stop token that is not one token
   * @throws RemoteServerException when no server answers at the URL or it reports itself unhealthy
   */
  public RemotePolicy build() {
    URI base = validatedBase();
    if (model == null || model.isBlank()) {
      throw new SpiceException.ConfigurationException("RemotePolicy: model is required (the served model name)");
    }
    check(maxConcurrentRequests >= 1, "maxConcurrentRequests must be >= 1, got " + maxConcurrentRequests);
    check(maxSamplesPerRequest >= 1, "maxSamplesPerRequest must be >= 1, got " + maxSamplesPerRequest);
    check(maxPromptsPerRequest >= 1, "maxPromptsPerRequest must be >= 1, got " + maxPromptsPerRequest);
    check(batchPrompts || batchPromptsAuto || !maxPromptsPerRequestSet, "maxPromptsPerRequest(" + maxPromptsPerRequest
        + ") only applies to batched requests; set batchPrompts(true) too, or leave maxPromptsPerRequest out");
    check(maxAttempts >= 1, "retries: maxAttempts must be >= 1 (1 = no retry), got " + maxAttempts);
    check(!initialBackoff.isNegative() && maxBackoff.compareTo(initialBackoff) >= 0,
        "retries: need 0 <= initialBackoff <= maxBackoff, got " + initialBackoff + " and " + maxBackoff);
    check(!requestTimeout.isNegative() && !requestTimeout.isZero(), "requestTimeout must be positive, got "
        + requestTimeout);
    check(!connectTimeout.isNegative() && !connectTimeout.isZero(), "connectTimeout must be positive, got "
        + connectTimeout);
    check(vocabularySize >= 0, "vocabularySize must be >= 1, or 0 for unknown; got " + vocabularySize);
    check(apiKey == null || !apiKey.isBlank(), "apiKey must not be blank (pass null for none)");
    HttpTransport http = new HttpTransport(base, apiKey, connectTimeout, requestTimeout,
        new HttpTransport.Retry(maxAttempts, initialBackoff, maxBackoff, retrySeed), sleeper);
    try {
      http.get("/health");
    } catch (RemoteServerException e) {
      throw new RemoteServerException("no healthy inference server at " + base + ": " + e.getMessage(),
          e.endpoint(), e.status(), e);
    }
    String owner = checkModelServed(http, base);
    boolean batch = batchPromptsAuto ? "spice".equals(owner) : batchPrompts;
    Tokenization tok = encoder == null ? new Tokenization.Server(http, model) : new Tokenization.Local(encoder, decoder);
    int[] stopIds = new int[stopTokens.size()];
    for (int i = 0; i < stopIds.length; i++) {
      int[] ids = tok.encode(stopTokens.get(i), false);
      if (ids.length != 1) {
        throw new SpiceException.ConfigurationException("stopTokens: '" + stopTokens.get(i)
            + "' is not exactly one token of the served model's vocabulary (it tokenizes to "
            + java.util.Arrays.toString(ids) + ")");
      }
      if (vocabularySize > 0 && ids[0] >= vocabularySize) {
        throw new SpiceException.ConfigurationException("stopTokens: '" + stopTokens.get(i) + "' has id " + ids[0]
            + ", outside the vocabulary [0, " + vocabularySize + ")");
      }
      stopIds[i] = ids[0];
    }
    return new RemotePolicy(http, model, template, tok, addSpecialTokens, stopIds, maskedLogProbs,
        vocabularySize, pool(maxConcurrentRequests), collapseIdenticalPrompts, maxSamplesPerRequest, batch,
        maxPromptsPerRequest);
  }

  private URI validatedBase() {
    if (baseUrl == null) {
      throw new SpiceException.ConfigurationException(
          "RemotePolicy: baseUrl is required, for example http://localhost:8000");
    }
    String s = baseUrl.toString();
    String scheme = baseUrl.getScheme();
    check(("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && baseUrl.getHost() != null,
        "baseUrl must be an http:// or https:// URL with a host, got '" + s + "'");
    check(baseUrl.getRawQuery() == null && baseUrl.getRawFragment() == null,
        "baseUrl must have no query or fragment, got '" + s + "'");
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    check(!s.endsWith("/v1"), "baseUrl must be the server root, without /v1 (it is appended): got '"
        + baseUrl + "', use '" + s.substring(0, s.length() - 3) + "'");
    return URI.create(s);
  }

  /** Checks {@code /v1/models} lists the model; returns its {@code owned_by}, or null when absent. */
  private String checkModelServed(HttpTransport http, URI base) {
    HttpTransport.Reply r = http.get("/v1/models");
    JsonReader j = new JsonReader(r.url(), r.status());
    Map<String, Object> o = j.parseObject(r.body());
    List<Object> data = j.list(j.required(o, "data", ""), "data");
    List<String> ids = new ArrayList<>();
    String owner = null;
    for (int i = 0; i < data.size(); i++) {
      Map<String, Object> m = j.object(data.get(i), "data[" + i + "]");
      String id = j.string(j.required(m, "id", "data[" + i + "]."), "data[" + i + "].id");
      ids.add(id);
      if (id.equals(model) && m.get("owned_by") instanceof String ownedBy) {
        owner = ownedBy;
      }
    }
    if (!ids.contains(model)) {
      throw new SpiceException.ConfigurationException("model '" + model + "' is not served at " + base
          + "; served models: " + ids + " (pass one of them to model(...))");
    }
    return owner;
  }

  private static ExecutorService pool(int threads) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "spice-remote-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new SpiceException.ConfigurationException("RemotePolicy: " + message);
    }
  }
}
