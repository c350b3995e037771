package dev.spice.core.engine;

import dev.spice.core.ChallengerAttempt;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Task;
import dev.spice.core.internal.json.Json;
import dev.spice.core.roles.InvalidReasons;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the completions of every {@code k}-th iteration as JSON lines, like TRL's
 * {@code log_completions}: one line per kept Challenger attempt and one per Reasoner answer to the
 * task that trained the Reasoner, for reading what the model actually wrote. Made by
 * {@link SelfPlayListeners#completions(Path)} (iterations 0, 10, 20, ...; at most 50 MB) or
 * {@link #builder(Path)}.
 *
 * <p>Lines, in document order, each document's Challenger lines before its Reasoner lines (NaN and
 * absent values are {@code null}):
 * <ul>
 *   <li>{@code {"iteration", "role": "challenger", "document", "prompt", "completion", "valid",
 *       "invalid_code", "invalid_detail", "task": {"question", "format", "options", "gold"},
 *       "pass_rate", "reward", "advantage"}}: a kept attempt ({@link DocumentRollout#kept()}; the
 *       attempts dropped by subsampling are not in the result and not logged). For an invalid one
 *       {@code task} and {@code pass_rate} are null, {@code invalid_code} is the
 *       {@link InvalidReasons#code} and {@code invalid_detail} the rest of the reason; for a valid
 *       one both are null. {@code pass_rate} is the Reasoner's mean pass indicator on the task.</li>
 *   <li>{@code {"iteration", "role": "reasoner", "document", "question", "gold", "completion",
 *       "answer", "correct", "reward", "advantage"}}: an answer to the document's trained task
 *       ({@link DocumentRollout#reasonerAnswers()}); {@code answer} is the extracted answer (null if
 *       none), {@code correct} its pass indicator in [0, 1].</li>
 * </ul>
 *
 * <p>Never throws from an event and never fails the run: an I/O error is logged once as a WARN
 * (logger {@code dev.spice.core.engine.CompletionLogListener}) and writing stops. The file never
 * grows past {@code maxBytes}: an iteration whose lines would take it past the bound is not
 * written, nor is any later one, and one WARN says so (iterations are written whole or not at all).
 * Each iteration's lines are flushed together, so a crash loses at most the iteration being
 * written; a line torn by a crash is dropped at the next restore. Appends to an existing file
 * (resume); when the engine is restored to iteration {@code k} the lines of iterations {@code k}
 * and later (and lines that do not parse) are dropped, as {@link SelfPlayListeners#jsonl} does, so
 * a resumed run logs each iteration once. Not thread-safe beyond the engine's one thread; close it
 * at the end of the run.
 */
public final class CompletionLogListener implements SelfPlayListener, AutoCloseable {
  /** Iterations between logged ones by default: 0, 10, 20, ... */
  public static final int DEFAULT_EVERY = 10;
  /** Size bound of the file by default: 50 MB ({@code 50 * 1024 * 1024} bytes). */
  public static final long DEFAULT_MAX_BYTES = 50L * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(CompletionLogListener.class);

  private final Path file;
  private final int every;
  private final long maxBytes;
  private BufferedWriter out;
  /** Bytes in the file, known once it is open. */
  private long bytes;
  private boolean full;
  private boolean failed;

  private CompletionLogListener(Builder b) {
    this.file = b.file;
    this.every = b.every;
    this.maxBytes = b.maxBytes;
  }

  /**
   * A builder for a completion log at {@code file}, with the defaults.
   *
   * @param file the file
   * @return this builder
   */
  public static Builder builder(Path file) {
    return new Builder(file);
  }

  /**
   * The file written.
   *
   * @return the file written
   */
  public Path file() {
    return file;
  }

  /**
   * Logs iterations {@code 0, every, 2 every, ...}.
   *
   * @return the logging interval in iterations
   */
  public int every() {
    return every;
  }

  /**
   * The bound on the file's size, bytes.
   *
   * @return the bound on the file's size, bytes
   */
  public long maxBytes() {
    return maxBytes;
  }

  /** Writes the iteration's lines if it is one of every {@link #every()}; never throws. */
  @Override
  public synchronized void onIterationEnd(IterationResult r) {
    if (failed || full || r.iteration() % every != 0) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    for (DocumentRollout d : r.documents()) {
      challengerLines(r.iteration(), d, sb);
      reasonerLines(r.iteration(), d, sb);
    }
    String text = sb.toString();
    try {
      open();
      long size = text.getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > maxBytes) {
        full = true;
        LOG.warn("completion log {} would pass its bound of {} bytes with iteration {} ({} + {} bytes);"
            + " no more completions are written", file, maxBytes, r.iteration(), bytes, size);
        return;
      }
      out.write(text);
      out.flush();
      bytes += size;
    } catch (IOException | RuntimeException e) {
      fail("cannot write completion log " + file + "; no more completions are written", e);
    }
  }

  private static void challengerLines(long it, DocumentRollout d, StringBuilder sb) {
    double[] rewards = d.challengerRewards();
    double[] adv = d.challengerAdvantages();
    for (int k = 0; k < d.kept().size(); k++) {
      ChallengerOutcome o = d.kept().get(k);
      ChallengerAttempt a = o.attempt();
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("iteration", it);
      line.put("role", "challenger");
      line.put("document", d.document().id());
      line.put("prompt", a.prompt().text());
      line.put("completion", a.completion().text());
      line.put("valid", a.isValid());
      String reason = a.invalidReason();
      String code = reason == null ? null : InvalidReasons.code(reason);
      line.put("invalid_code", code);
      line.put("invalid_detail", reason == null ? null
          : reason.startsWith(code + ":") ? reason.substring(code.length() + 1).strip() : reason);
      line.put("task", a.isValid() ? task(a.task()) : null);
      line.put("pass_rate", o.passRate());
      line.put("reward", at(rewards, k));
      line.put("advantage", at(adv, k));
      Json.write(line, sb);
      sb.append('\n');
    }
  }

  private static void reasonerLines(long it, DocumentRollout d, StringBuilder sb) {
    if (d.reasonerTask() < 0) {
      return;
    }
    ChallengerOutcome trained = d.kept().get(d.reasonerTask());
    Task task = trained.attempt().task();
    double[] correct = trained.reasonerCorrect();
    double[] rewards = d.reasonerRewards();
    double[] adv = d.reasonerAdvantages();
    List<ReasonerAttempt> answers = d.reasonerAnswers();
    for (int i = 0; i < answers.size(); i++) {
      ReasonerAttempt a = answers.get(i);
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("iteration", it);
      line.put("role", "reasoner");
      line.put("document", d.document().id());
      line.put("question", task.question());
      line.put("gold", task.goldAnswer());
      line.put("completion", a.completion().text());
      line.put("answer", a.answer());
      line.put("correct", at(correct, i));
      line.put("reward", at(rewards, i));
      line.put("advantage", at(adv, i));
      Json.write(line, sb);
      sb.append('\n');
    }
  }

  private static Map<String, Object> task(Task t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("question", t.question());
    m.put("format", t.format());
    m.put("options", t.options());
    m.put("gold", t.goldAnswer());
    return m;
  }

  private static double at(double[] a, int i) {
    return i < a.length ? a[i] : Double.NaN;
  }

  /**
   * Drops the lines of iterations {@code iteration} and later, and lines that do not parse (a
   * write torn by a crash); never throws.
   */
  @Override
  public synchronized void onRestore(long iteration, Path checkpoint) {
    if (failed) {
      return;
    }
    try {
      closeWriter();
      if (!Files.exists(file)) {
        return;
      }
      List<String> kept = new ArrayList<>();
      int dropped = 0;
      for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (l.isBlank()) {
          continue;
        }
        Object it;
        try {
          it = Json.parseObject(l).get("iteration");
        } catch (Json.JsonException e) {
          it = null;
        }
        if (!(it instanceof Long n)) {
          dropped++;
        } else if (n < iteration) {
          kept.add(l);
        }
      }
      if (dropped > 0) {
        LOG.warn("completion log {}: dropped {} lines that do not parse (torn by a crash?)", file, dropped);
      }
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, kept, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      full = false;
    } catch (IOException | RuntimeException e) {
      fail("cannot rewrite completion log " + file + " after restore to iteration " + iteration
          + "; no more completions are written", e);
    }
  }

  /** Opens the file for appending if it is not open, learning its size. */
  private void open() throws IOException {
    if (out != null) {
      return;
    }
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    bytes = Files.size(file);
  }

  private void closeWriter() throws IOException {
    if (out != null) {
      BufferedWriter w = out;
      out = null;
      w.close();
    }
  }

  private void fail(String message, Exception e) {
    failed = true;
    LOG.warn("{}: {}", message, e.toString());
    try {
      closeWriter();
    } catch (IOException | RuntimeException ignored) {
      // already failed and reported
    }
  }

  /** Closes the file; never throws (an error is logged as a WARN). */
  @Override
  public synchronized void close() {
    try {
      closeWriter();
    } catch (IOException e) {
      LOG.warn("cannot close completion log {}: {}", file, e.toString());
    }
  }

  /** Settings of a {@link CompletionLogListener}; {@link #build()} validates them. Opens nothing. */
  public static final class Builder {
    private final Path file;
    private int every = DEFAULT_EVERY;
    private long maxBytes = DEFAULT_MAX_BYTES;

    private Builder(Path file) {
      this.file = Objects.requireNonNull(file, "file");
    }

    /**
     * Logs iterations {@code 0, k, 2k, ...}; {@code k >= 1} (1: every iteration). Default 10.
     *
     * @param k the interval in iterations
     * @return this builder
     */
    public Builder every(int k) {
      this.every = k;
      return this;
    }

    /**
     * The bound on the file's size in bytes, {@code >= 1}. Default 50 MB.
     *
     * @param bytes the bytes
     * @return this builder
     */
    public Builder maxBytes(long bytes) {
      this.maxBytes = bytes;
      return this;
    }

    /**
     * The listener. Opens nothing yet: the file is created (with its folders) at the first logged
     * iteration.
     *
     *
     * @return the listener
     * @throws dev.spice.core.SpiceException.ConfigurationException if a setting is out of range
     */
    public CompletionLogListener build() {
      if (every < 1) {
        throw new dev.spice.core.SpiceException.ConfigurationException(
            "completion log setting every must be >= 1, got " + every);
      }
      if (maxBytes < 1) {
        throw new dev.spice.core.SpiceException.ConfigurationException(
            "completion log setting maxBytes must be >= 1, got " + maxBytes);
      }
      return new CompletionLogListener(this);
    }
  }
}
