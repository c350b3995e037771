package dev.spice.remote;

import dev.spice.core.Completion;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.text.PromptTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PolicyBackend} served by an inference server over the OpenAI-compatible completions API
 * (vLLM, SGLang, {@code spice serve}): rollouts run on the server's GPU while training runs
 * elsewhere. Inference only: it cannot be trained (use it as a fixed Challenger, an evaluation
 * policy, a reference, or the rollout backend of hybrid training, kept current by a
 * {@link RemoteAdapterSync}).
 *
 * <p>Each prompt is rendered with the {@linkplain RemotePolicyBuilder#template template}, tokenized (by the
 * server's {@code /tokenize} or a local tokenizer) and sent as token ids, up to {@link
 * RemotePolicyBuilder#maxConcurrentRequests} requests in flight. A run of consecutive identical prompts
 * (the engine's group of samples of one prompt) is sent as one request with {@code n} = the run's
 * length, at most {@link RemotePolicyBuilder#maxSamplesPerRequest} (see {@link
 * RemotePolicyBuilder#collapseIdenticalPrompts}); every other prompt as a request of its own ({@code n = 1}).
 * The request for rows {@code [r, r + n)} of a batch sampled with seed {@code s} is sent {@code seed =
 * Seeds.mix(s, r) >>> 11} (below 2^53), its first row's seed; with {@code n > 1} the server derives
 * the samples' randomness from that one seed its own way. So the same seed, prompts, settings and
 * served weights give the same completions (as far as the server's sampling is deterministic for a
 * fixed seed).
 *
 * <p>With {@link RemotePolicyBuilder#batchPrompts batchPrompts(true)} consecutive runs of the same
 * length {@code n} and the same allowed tokens go out together as one request whose {@code prompt}
 * is the list of their token-id lists, at most {@link RemotePolicyBuilder#maxPromptsPerRequest}
 * prompts and {@link RemotePolicyBuilder#maxSamplesPerRequest} rows; its choices come back
 * prompt-major ({@code index = promptIndex * n + sampleIndex}) and are matched to rows by index.
 * Such a request for rows {@code [r, ...)} carries {@code seed =}
 * {@link dev.spice.core.internal.sampling.TokenSampler#seedForRowOffset TokenSampler.seedForRowOffset(s, r)}
 * (a full 64-bit integer; {@code s} itself for {@code r = 0}). {@code spice serve} runs the request
 * as one batch of its rows in prompt-major order with that seed, so row {@code r + j} draws from
 * the stream row {@code r + j} draws from in-process: a batch sampled over {@code spice serve}
 * equals the served backend's in-process {@code generate} of the same prompts and seed (bit for bit
 * as one request; split, the same tokens with log-probs equal to float rounding). vLLM
 * instead gives every prompt of the request the same seed ({@code n} samples of one prompt from
 * the one generator it starts), so the distinct prompts of one request share one random stream.
 * Completions carry the server's token ids and the
 * raw log-probs of the sampled tokens; every reply is checked (see the module README) and a reply
 * that cannot be trusted fails with a {@link RemoteServerException} rather than giving a wrong
 * rollout.
 *
 * <p>Thread-safe: several threads may call it at once; the concurrency bound is shared.
 */
public final class RemotePolicy implements PolicyBackend {
  private static final Logger LOG = LoggerFactory.getLogger(RemotePolicy.class);

  private final HttpTransport http;
  private final String model;
  private final PromptTemplate template;
  private final Tokenization tokenization;
  private final boolean addSpecialTokens;
  private final int[] stopTokenIds;
  private final boolean maskedLogProbs;
  private final ReplyParser parser;
  private final ExecutorService pool;
  private final boolean collapse;
  private final int maxSamplesPerRequest;
  private final AllowedTokens allowedTokens;
  private final boolean batch;
  private final int maxPromptsPerRequest;
  private final AtomicLong completions = new AtomicLong();
  private final AtomicLong fallbacks = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The model name requests carry: the builder's, or a LoRA adapter's (see {@link #useModel}). */
  private volatile String servedModel;

  RemotePolicy(HttpTransport http, String model, PromptTemplate template, Tokenization tokenization,
      boolean addSpecialTokens, int[] stopTokenIds, boolean maskedLogProbs, int vocabularySize,
      ExecutorService pool, boolean collapse, int maxSamplesPerRequest, boolean batch, int maxPromptsPerRequest) {
    this.http = http;
    this.batch = batch;
    this.maxPromptsPerRequest = maxPromptsPerRequest;
    this.allowedTokens = new AllowedTokens(tokenization, stopTokenIds);
    this.collapse = collapse;
    this.maxSamplesPerRequest = maxSamplesPerRequest;
    this.model = model;
    this.servedModel = model;
    this.template = template;
    this.tokenization = tokenization;
    this.addSpecialTokens = addSpecialTokens;
    this.stopTokenIds = stopTokenIds.clone();
    this.maskedLogProbs = maskedLogProbs;
    this.parser = new ReplyParser(vocabularySize);
    this.pool = pool;
  }

  /**
   * A new builder.
   *
   * @return a new builder; {@link RemotePolicyBuilder#baseUrl} and {@link RemotePolicyBuilder#model} are required
   */
  public static RemotePolicyBuilder builder() {
    return new RemotePolicyBuilder();
  }

  /**
   * {@code remote:} followed by the builder's model name, for example {@code remote:Qwen/Qwen3-0.6B}
   * (it stays the same after {@link #useModel}, so run settings do not change with adapters).
   *
   * @return {@code remote:} followed by the builder's model name
   */
  @Override
  public String name() {
    return "remote:" + model;
  }

  /**
   * The model name completion requests carry now: the builder's {@link RemotePolicyBuilder#model},
   * or the one last given to {@link #useModel}.
   *
   * @return the model name of the next completion requests
   */
  public String model() {
    return servedModel;
  }

  /**
   * Sends later completion and scoring requests to {@code model}: a LoRA adapter the server has
   * loaded (vLLM serves each adapter under its own model name), or the base model again. Batches
   * already started finish with the model they started with; {@link #name()}, tokenization and
   * the other settings do not change. Hybrid training's {@link RemoteAdapterSync} calls it after
   * loading each new adapter. Thread-safe.
   *
   * @param model the served model name, not blank
   * @throws IllegalArgumentException if {@code model} is null or blank
   */
  public void useModel(String model) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank, got " + (model == null ? "null" : "'" + model + "'"));
    }
    this.servedModel = model;
  }

  /** A POST to the server, with this policy's retries and API key (for {@link RemoteAdapterSync}). */
  HttpTransport.Reply post(String path, String json) {
    checkOpen();
    return http.post(path, json);
  }

  /** A GET from the server, with this policy's retries and API key (for {@link RemoteAdapterSync}). */
  HttpTransport.Reply get(String path) {
    checkOpen();
    return http.get(path);
  }

  /**
   * The server's root URL, as given to the builder (without a trailing slash).
   *
   * @return the server's root URL
   */
  public String baseUrl() {
    return http.url("");
  }

  /**
   * Whether requests carry several prompts ({@link RemotePolicyBuilder#batchPrompts}, or what
   * {@link RemotePolicyBuilder#batchPromptsOnSpiceServe} decided from the server).
   *
   * @return true when batches go as batched requests
   */
  public boolean batchesPrompts() {
    return batch;
  }

  /**
   * Counters since this policy was built.
   *
   * @return an immutable snapshot of the counters
   */
  public RemoteStats stats() {
    return new RemoteStats(http.requests(), http.retries(), completions.get(), fallbacks.get());
  }

  /**
   * Generates one completion per prompt, concurrently: one request per run of identical prompts
   * (with {@code n} = its length) or per prompt, or, with batching on, one request per group of
   * consecutive runs of the same length, as the class comment describes.
   *
   * @param prompts the batch; may be empty (no request is sent)
   * @param params sampling settings; each request is sent the seed described in the class comment
   * @return completions in prompt order
   * @throws RemoteServerException when a request fails after its retries or a reply is malformed
   *     (for an {@code n > 1} request also: a number of choices other than {@code n}, or choices
   *     out of index order; for a batched request: a number of choices other than its prompts
   *     times {@code n}, or an index missing, given twice or out of range)
   * @throws SpiceException.BackendException when a prompt is constrained and {@link
   *     RemotePolicyBuilder#maskedLogProbs} is off, an allowed token is not exactly one token, a prompt renders
   *     to no tokens, or the policy is closed
   */
  @Override
  public List<Completion> generate(List<Prompt> prompts, SamplingParams params) {
    checkOpen();
    if (prompts.isEmpty()) {
      return List.of();
    }
    for (int i = 0; i < prompts.size(); i++) {
      if (!prompts.get(i).allowedTokens().isEmpty() && !maskedLogProbs) {
        throw new SpiceException.BackendException("prompt " + i + " is constrained (allowedTokens "
            + prompts.get(i).allowedTokens() + "), but vLLM reports raw log-probs taken before the"
            + " allowed_token_ids mask, not the renormalised ones Prompt.allowedTokens requires; set"
            + " RemotePolicy.builder().maskedLogProbs(true) only for a server that reports masked log-probs");
      }
    }
    String m = servedModel;
    List<PromptRuns.Run> runs = PromptRuns.of(prompts, template, collapse, maxSamplesPerRequest);
    List<Callable<List<Completion>>> tasks = new ArrayList<>(runs.size());
    if (batch) {
      List<PromptRuns.Batch> batches = PromptRuns.batches(runs, prompts, maxPromptsPerRequest, maxSamplesPerRequest);
      int[][] ids = runIds(runs, prompts);
      int next = 0;
      for (PromptRuns.Batch b : batches) {
        List<int[]> batchIds = List.of(java.util.Arrays.copyOfRange(ids, next, next + b.runs().size()));
        next += b.runs().size();
        tasks.add(() -> generateBatch(m, b, batchIds, prompts.get(b.first()), params));
      }
    } else {
      for (PromptRuns.Run run : runs) {
        Prompt prompt = prompts.get(run.first());
        tasks.add(() -> generateRun(m, run, prompt, params));
      }
    }
    List<Completion> out = new ArrayList<>(prompts.size());
    for (List<Completion> part : runAll(tasks)) {
      out.addAll(part);
    }
    completions.addAndGet(out.size());
    return out;
  }

  /** One request for the rows of {@code run}, all of them samples of {@code prompt}. */
  private List<Completion> generateRun(String m, PromptRuns.Run run, Prompt prompt, SamplingParams params) {
    int row = run.first();
    int[] ids = promptIds(row, prompt);
    int[] allowed = prompt.allowedTokens().isEmpty() ? null : allowedTokens.ids(row, prompt.allowedTokens());
    HttpTransport.Reply r = http.post("/v1/completions",
        WireRequests.generate(m, ids, params, row, run.count(), allowed, stopTokenIds));
    return collect(r, row, allowed, parser.completions(r, row, run.count(), ids, params.maxNewTokens(),
        text -> tokenization.encode(text, false)));
  }

  /**
   * The token ids of each run's prompt: through the server's {@code /tokenize} concurrently (up to
   * the concurrency bound) before any batched request is sent, or with a local tokenizer here.
   */
  private int[][] runIds(List<PromptRuns.Run> runs, List<Prompt> prompts) {
    if (!(tokenization instanceof Tokenization.Server)) {
      int[][] ids = new int[runs.size()][];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = promptIds(runs.get(i).first(), prompts.get(runs.get(i).first()));
      }
      return ids;
    }
    List<Callable<int[]>> tasks = new ArrayList<>(runs.size());
    for (PromptRuns.Run run : runs) {
      tasks.add(() -> promptIds(run.first(), prompts.get(run.first())));
    }
    return runAll(tasks).toArray(new int[0][]);
  }

  /** One batched request for the rows of {@code b}: its runs' prompts ({@code ids}), {@code b.n()} samples each. */
  private List<Completion> generateBatch(String m, PromptRuns.Batch b, List<int[]> ids, Prompt head,
      SamplingParams params) {
    int row = b.first();
    int[] allowed = head.allowedTokens().isEmpty() ? null : allowedTokens.ids(row, head.allowedTokens());
    HttpTransport.Reply r = http.post("/v1/completions",
        WireRequests.generateBatch(m, ids, params, row, b.n(), allowed, stopTokenIds));
    return collect(r, row, allowed, parser.batch(r, row, ids, b.n(), params.maxNewTokens(),
        text -> tokenization.encode(text, false)));
  }

  /** The parsed completions of rows {@code [row, ...)}: fallbacks counted, allowed tokens checked. */
  private List<Completion> collect(HttpTransport.Reply r, int row, int[] allowed, List<ReplyParser.Parsed> parsed) {
    List<Completion> out = new ArrayList<>(parsed.size());
    for (int k = 0; k < parsed.size(); k++) {
      ReplyParser.Parsed p = parsed.get(k);
      if (p.source() != ReplyParser.TokenSource.TOKEN_IDS) {
        long n = fallbacks.incrementAndGet();
        LOG.debug("row {}: the reply from {} had no token_ids; recovered them from {} ({} such completions so far)",
            row + k, r.url(), p.source(), n);
      }
      if (allowed != null) {
        AllowedTokens.check(row + k, p.completion().tokens(), allowed, r.url());
      }
      out.add(p.completion());
    }
    return out;
  }

  /**
   * Log-probs of given continuations, through vLLM's prompt log-probs: the prompt and its
   * continuation are sent as one prompt with {@code echo: true}, {@code max_tokens: 0} and {@code
   * logprobs: 0}, and the last {@code continuation.length} entries of the echoed {@code
   * logprobs.token_logprobs} are returned (see the module README, "Scoring").
   *
   * @param prompts the prompts; constrained ones are rejected (a server's prompt log-probs are
   *     never masked)
   * @param continuations token ids to score after each prompt, same size as {@code prompts}
   * @return one array per prompt, same length as its continuation
   * @throws RemoteServerException when a request fails or the echo lacks log-probs
   * @throws SpiceException.BackendException for a constrained prompt or mismatched sizes
   */
  @Override
  public List<float[]> scoreContinuations(List<Prompt> prompts, List<int[]> continuations) {
    checkOpen();
    if (prompts.size() != continuations.size()) {
      throw new SpiceException.BackendException("scoreContinuations: " + prompts.size() + " prompts but "
          + continuations.size() + " continuations");
    }
    for (int i = 0; i < prompts.size(); i++) {
      if (!prompts.get(i).allowedTokens().isEmpty()) {
        throw new SpiceException.BackendException("scoreContinuations: prompt " + i
            + " is constrained (allowedTokens); remote scoring cannot apply the allowed-token mask"
            + " (prompt log-probs are the model's unmasked ones)");
      }
      parser.checkVocabulary(new JsonReader("scoreContinuations", RemoteServerException.NO_STATUS),
          continuations.get(i), "continuation " + i + ": token");
    }
    String m = servedModel;
    List<Callable<float[]>> tasks = new ArrayList<>(prompts.size());
    for (int i = 0; i < prompts.size(); i++) {
      int row = i;
      Prompt prompt = prompts.get(i);
      int[] cont = continuations.get(i).clone();
      tasks.add(() -> scoreOne(m, row, prompt, cont));
    }
    return runAll(tasks);
  }

  private float[] scoreOne(String m, int row, Prompt prompt, int[] continuation) {
    if (continuation.length == 0) {
      return new float[0];
    }
    int[] ids = promptIds(row, prompt);
    HttpTransport.Reply r = http.post("/v1/completions", WireRequests.score(m, ids, continuation));
    return parser.scores(r, row, ids, continuation);
  }

  /**
   * Log-probs of given continuations after prompts given as token ids: the same request as
   * {@link #scoreContinuations} ({@code echo: true}, {@code max_tokens: 0}, {@code logprobs: 0},
   * the prompt and its continuation as one list of ids), but the ids are sent exactly as given: no
   * template, no tokenization, no special tokens. One request per non-empty continuation, up to
   * {@link RemotePolicyBuilder#maxConcurrentRequests} in flight; an empty continuation gets an empty
   * array without a request.
   *
   * @param promptTokens the prompts as token ids, each non-empty; the arrays are not modified
   * @param continuations token ids to score after each prompt, same size as {@code promptTokens},
   *     possibly empty; the arrays are not modified
   * @return one array per prompt, same length as its continuation
   * @throws SpiceException.InvalidInputException before any request when the sizes differ, a prompt
   *     is empty or null, a continuation is null, or an id is negative or (with
   *     {@link RemotePolicyBuilder#vocabularySize}) outside the vocabulary
   * @throws RemoteServerException when a request fails, the echo is of other ids, or it lacks
   *     log-probs
   */
  @Override
  public List<float[]> scoreFromTokens(List<int[]> promptTokens, List<int[]> continuations) {
    checkOpen();
    if (promptTokens.size() != continuations.size()) {
      throw new SpiceException.InvalidInputException("scoreFromTokens: " + promptTokens.size() + " prompts but "
          + continuations.size() + " continuations");
    }
    List<int[]> prompts = new ArrayList<>(promptTokens.size());
    List<int[]> conts = new ArrayList<>(promptTokens.size());
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
      parser.checkInputIds(pt, "scoreFromTokens: prompt " + i);
      parser.checkInputIds(c, "scoreFromTokens: continuation " + i);
      prompts.add(pt.clone());
      conts.add(c.clone());
    }
    String m = servedModel;
    List<Callable<float[]>> tasks = new ArrayList<>(prompts.size());
    for (int i = 0; i < prompts.size(); i++) {
      int row = i;
      int[] ids = prompts.get(i);
      int[] cont = conts.get(i);
      tasks.add(() -> cont.length == 0 ? new float[0]
          : parser.scores(http.post("/v1/completions", WireRequests.score(m, ids, cont)), row, ids, cont));
    }
    return runAll(tasks);
  }

  /**
   * Token ids of a text, without special tokens.
   *
   * @param text the text
   * @return the token ids
   * @throws RemoteServerException when the server's /tokenize fails
   */
  @Override
  public int[] tokenize(String text) {
    checkOpen();
    return tokenization.encode(text, false);
  }

  /**
   * Text of token ids.
   *
   * @param tokens the tokens
   * @return the decoded text
   * @throws RemoteServerException when the server's /detokenize fails
   */
  @Override
  public String detokenize(int[] tokens) {
    checkOpen();
    return tokenization.decode(tokens);
  }

  /** Stops the request threads; the policy is unusable afterwards. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      pool.shutdownNow();
      http.close();
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new SpiceException.BackendException("RemotePolicy for " + baseUrl() + " is closed");
    }
  }

  private int[] promptIds(int row, Prompt prompt) {
    int[] ids = tokenization.encode(template.render(prompt), addSpecialTokens);
    if (ids.length == 0) {
      throw new SpiceException.BackendException("prompt " + row + " renders to no tokens; the server needs"
          + " at least one prompt token");
    }
    parser.checkVocabulary(new JsonReader("tokenize", RemoteServerException.NO_STATUS), ids,
        "prompt " + row + ": token");
    return ids;
  }

  private <T> List<T> runAll(List<Callable<T>> tasks) {
    List<Future<T>> futures = new ArrayList<>(tasks.size());
    try {
      for (Callable<T> t : tasks) {
        futures.add(pool.submit(t));
      }
      List<T> out = new ArrayList<>(tasks.size());
      for (Future<T> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpiceException.BackendException("interrupted while waiting for " + baseUrl(), e);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      throw new SpiceException.BackendException("RemotePolicy for " + baseUrl() + " is closed", e);
    } finally {
      for (Future<T> f : futures) {
        f.cancel(true);
      }
    }
  }

  private static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof SpiceException s) {
      return s;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new SpiceException.BackendException("remote request failed: " + cause, cause);
  }
}
