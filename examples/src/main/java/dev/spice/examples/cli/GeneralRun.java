package dev.spice.examples.cli;

import dev.spice.core.Recipe;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.engine.CompletionLogListener;
import dev.spice.core.engine.ProgressListener;
import dev.spice.core.engine.SelfPlay;
import dev.spice.core.engine.SelfPlayListeners;
import dev.spice.core.engine.TensorBoardListener;
import dev.spice.core.engine.ZeroVariancePolicy;
import dev.spice.core.roles.Roles;
import dev.spice.core.text.PromptTemplate;
import dev.spice.corpus.BadRecordPolicy;
import dev.spice.corpus.Corpora;
import dev.spice.corpus.Corpus;
import dev.spice.corpus.CorpusBuilder;
import dev.spice.corpus.CorpusStats;
import dev.spice.corpus.DirectoryCorpusBuilder;
import dev.spice.corpus.JsonlCorpusBuilder;
import dev.spice.corpus.Segmenter;
import dev.spice.corpus.TableCorpusBuilder;
import dev.spice.djl.DjlPolicy;
import dev.spice.djl.HfTokenizer;
import dev.spice.djl.OptimizerSettings;
import dev.spice.report.RunReport;
import dev.spice.rewards.verify.AnswerExtractors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code --model} run: a {@link DjlPolicy} from a Hugging Face checkpoint, a corpus from
 * spice-corpus, the paper-style JSON Challenger, a Reasoner with spice-rewards' extractor, a
 * spice-rewards preset recipe (with the overrides of {@link RecipeKeys}); checkpoints, metrics and the report in the run folder.
 * LoRA, a rollout server and a remote Challenger come from {@link AdapterRun}.
 */
final class GeneralRun {
  private GeneralRun() {}

  /** How a corpus failure names the CLI's setting for skipping bad records. */
  static final String BAD_RECORD_HINT = "to skip and count such records, use --set on_bad_record=skip";

  private static final List<String> JSON_EXTENSIONS =
      List.of(".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".json", ".json.gz");

  /**
   * The corpus settings of a run.
   *
   * @param spec the {@code corpus} key: a path or {@code factbook}
   * @param include globs replacing the builder's defaults, or empty
   * @param exclude globs to leave out, or empty
   */
  record CorpusSpec(String spec, String textField, long seed, BadRecordPolicy policy, List<String> include,
      List<String> exclude) {

    static CorpusSpec of(CliConfig c) {
      return new CorpusSpec(c.get("corpus", "factbook"), c.get("text_field", "text"), c.get("seed", 0L),
          c.<String>get("on_bad_record", "fail").equals("skip") ? BadRecordPolicy.SKIP : BadRecordPolicy.FAIL,
          c.get("include", List.of()), c.get("exclude", List.of()));
    }

    boolean factbook() {
      return spec.equalsIgnoreCase("factbook");
    }
  }

  /**
   * The checks on the corpus settings that need no reading: the path exists, its kind is known,
   * include/exclude apply to it and are valid globs. Run before anything is written or loaded.
   *
   * @return the corpus kind: factbook, jsonl, parquet, csv or text
   * @throws SpiceException.ConfigurationException naming the key and the valid values
   */
  static String checkCorpus(CorpusSpec s) {
    if (s.factbook()) {
      if (!s.include().isEmpty() || !s.exclude().isEmpty()) {
        throw new SpiceException.ConfigurationException("keys 'include' and 'exclude' select files inside a corpus "
            + "directory; the corpus is 'factbook', the bundled Factbook, which has no files to select");
      }
      return "factbook";
    }
    Path p = Path.of(s.spec());
    if (!Files.exists(p)) {
      throw new SpiceException.ConfigurationException("corpus '" + s.spec() + "' does not exist; valid: a directory, a "
          + ".jsonl/.jsonl.gz/.json file, a .parquet or .csv file, or 'factbook'");
    }
    if (!Files.isDirectory(p) && (!s.include().isEmpty() || !s.exclude().isEmpty())) {
      throw new SpiceException.ConfigurationException("keys 'include' and 'exclude' select files inside a corpus "
          + "directory; corpus " + p + " is a file, which is read as it is");
    }
    Globs include = new Globs("include", s.include());
    Globs exclude = new Globs("exclude", s.exclude());
    String kind = kind(p, include, exclude);
    if (kind.equals("unknown")) {
      throw new SpiceException.ConfigurationException("corpus file " + p
          + " has an unknown kind; valid: .jsonl, .jsonl.gz, .ndjson, .json(.gz), .parquet, .csv, or a directory");
    }
    return kind;
  }

  /** Opens a corpus by its kind (see the {@code corpus} key), reading and indexing all of it. */
  static Corpus openCorpus(CorpusSpec s, Segmenter segmenter) {
    String kind = checkCorpus(s);
    if (kind.equals("factbook")) {
      return finish(Corpora.memory(dev.spice.corpus.Factbook.documents()).name(dev.spice.corpus.Factbook.SOURCE), s,
          segmenter);
    }
    Path p = Path.of(s.spec());
    String[] in = s.include().toArray(String[]::new);
    String[] ex = s.exclude().toArray(String[]::new);
    return switch (kind) {
      case "jsonl" -> {
        JsonlCorpusBuilder b = Corpora.jsonl(p).textField(s.textField()).exclude(ex);
        yield finish(in.length == 0 ? b : b.include(in), s, segmenter);
      }
      case "parquet", "csv" -> {
        TableCorpusBuilder b = (kind.equals("csv") ? Corpora.csv(p) : Corpora.parquet(p)).textColumn(s.textField())
            .exclude(ex);
        yield finish(in.length == 0 ? b : b.include(in), s, segmenter);
      }
      default -> {
        DirectoryCorpusBuilder b = Corpora.directory(p).exclude(ex);
        yield finish(in.length == 0 ? b : b.include(in), s, segmenter);
      }
    };
  }

  private static Corpus finish(CorpusBuilder<?> b, CorpusSpec s, Segmenter segmenter) {
    b.seed(s.seed()).onBadRecord(s.policy()).badRecordHint(BAD_RECORD_HINT);
    if (segmenter != null) {
      b.segment(segmenter);
    }
    return b.build();
  }

  /** jsonl, parquet, csv, text (a directory of text files) or unknown. */
  static String kind(Path p) {
    return kind(p, new Globs("include", List.of()), new Globs("exclude", List.of()));
  }

  /**
   * The kind of a corpus path. A directory's kind comes from its files (those matching include, if
   * given, and not exclude): JSON if any is a JSON file, else Parquet if any is, else CSV if any
   * is and none is .txt or .md, else text.
   */
  static String kind(Path p, Globs include, Globs exclude) {
    if (Files.isDirectory(p)) {
      List<String> names;
      try (Stream<Path> s = Files.walk(p)) {
        names = s.filter(Files::isRegularFile)
            .map(f -> p.relativize(f).toString().replace('\\', '/'))
            .filter(rel -> (include.isEmpty() || include.matches(rel)) && !exclude.matches(rel))
            .map(rel -> rel.toLowerCase(Locale.ROOT))
            .toList();
      } catch (IOException e) {
        throw new SpiceException.CorpusException("cannot list corpus directory " + p + ": " + UserMessages.io(e), e);
      } catch (java.io.UncheckedIOException e) {
        throw new SpiceException.CorpusException(
            "cannot list corpus directory " + p + ": " + UserMessages.io(e.getCause()), e);
      }
      if (names.stream().anyMatch(GeneralRun::isJson)) {
        return "jsonl";
      }
      if (names.stream().anyMatch(n -> n.endsWith(".parquet"))) {
        return "parquet";
      }
      if (names.stream().anyMatch(n -> n.endsWith(".csv"))
          && names.stream().noneMatch(n -> n.endsWith(".txt") || n.endsWith(".md"))) {
        return "csv";
      }
      return "text";
    }
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (isJson(n)) {
      return "jsonl";
    }
    if (n.endsWith(".parquet")) {
      return "parquet";
    }
    if (n.endsWith(".csv")) {
      return "csv";
    }
    return "unknown";
  }

  private static boolean isJson(String name) {
    return JSON_EXTENSIONS.stream().anyMatch(name::endsWith);
  }

  /**
   * Globs as spice-corpus matches them: a glob without '/' matches the file name anywhere, one
   * with '/' the path relative to the directory.
   */
  static final class Globs {
    private final List<PathMatcher> matchers = new ArrayList<>();
    private final List<Boolean> nameOnly = new ArrayList<>();

    Globs(String key, List<String> patterns) {
      for (String g : patterns) {
        try {
          matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
        } catch (IllegalArgumentException e) {
          String why = e instanceof java.util.regex.PatternSyntaxException x
              ? x.getDescription() + " at index " + x.getIndex() : UserMessages.message(e);
          throw new SpiceException.ConfigurationException("key '" + key + "': invalid glob '" + g + "': " + why
              + "; valid: globs such as *.txt or drafts/**");
        }
        nameOnly.add(g.indexOf('/') < 0);
      }
    }

    boolean isEmpty() {
      return matchers.isEmpty();
    }

    boolean matches(String relative) {
      Path rel = Path.of(relative);
      for (int i = 0; i < matchers.size(); i++) {
        if (matchers.get(i).matches(nameOnly.get(i) ? rel.getFileName() : rel)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * Drops the lines of iterations at or after a checkpoint's (done again after a resume), so that
   * the metrics file holds each iteration once. A checkpoint is named {@code checkpoint-N} after
   * the number of completed iterations N.
   */
  static void truncateMetrics(Path metrics, Path checkpoint) {
    if (!Files.isRegularFile(metrics)) {
      return;
    }
    String name = checkpoint.getFileName().toString();
    long done;
    try {
      done = Long.parseLong(name.substring(name.lastIndexOf('-') + 1));
    } catch (NumberFormatException e) {
      throw new SpiceException.CheckpointException("checkpoint directory " + checkpoint
          + " is not named checkpoint-<iterations>");
    }
    try {
      List<String> keep = new java.util.ArrayList<>();
      int lineNo = 0;
      for (String line : Files.readAllLines(metrics)) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        Object it;
        try {
          it = dev.spice.core.internal.json.Json.parseObject(line).get("iteration");
        } catch (RuntimeException e) {
          throw new SpiceException.CheckpointException(metrics + " line " + lineNo + " is malformed: " + e.getMessage());
        }
        if (!(it instanceof Long n)) {
          throw new SpiceException.CheckpointException(metrics + " line " + lineNo + " has no integer iteration");
        }
        if (n < done) {
          keep.add(line);
        }
      }
      Path tmp = metrics.resolveSibling(metrics.getFileName() + ".tmp");
      Files.write(tmp, keep);
      Files.move(tmp, metrics, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot truncate " + metrics + ": " + e, e);
    }
  }

  /**
   * Runs self-play. The corpus is read and checked before the model is loaded, so that a corpus
   * error costs no model loading: first the tokenizer file alone (when segmenting, since segments
   * are measured in model tokens), then the corpus, then the model's config and weights.
   */
  static int run(CliConfig c, Path out, Optional<Path> resumeFrom, PrintWriter log) {
    long seed = c.get("seed", 0L);
    int iterations = c.get("iterations", 640);
    Recipe recipe = RecipeKeys.recipe(c);
    String device = c.get("device", "auto");
    Path modelDir = (Path) c.get("model");
    OptimizerSettings opt = OptimizerSettings.adamW(c.get("learning_rate", 1e-6))
        .withGradClip(c.get("grad_clip", 1.0)).withWarmupSteps(c.get("warmup_steps", 0));
    CorpusSpec spec = CorpusSpec.of(c);
    int segTokens = c.get("segment_tokens", 5992);
    log.println("reading corpus " + spec.spec() + " ...");
    log.flush();
    try (HfTokenizer tok = segTokens == 0 ? null : HfTokenizer.load(modelDir);
        Corpus corpus = openCorpus(spec, tok == null ? null
            : Segmenter.builder().maxTokens(segTokens, t -> tok.encode(t).length).build())) {
      log.println(describe(corpus));
      log.println("loading " + modelDir + " on " + device + " ...");
      log.flush();
      PromptTemplate template = PromptTemplate.named(c.get("template", "plain"));
      DjlPolicy.Builder pb = DjlPolicy.builder().pretrained(modelDir).device(device)
          .template(template).optimizer(opt).threads(c.get("threads", 0))
          .microBatchSize(c.get("micro_batch_size", 0)).keepReference(recipe.loss().klBeta() > 0);
      if (tok != null) {
        pb.tokenizer(tok);
      }
      AdapterRun.lora(c, pb);
      try (AdapterRun servers = AdapterRun.connect(c, template, out, log);
          DjlPolicy policy = pb.build()) {
        log.println("model " + policy.name() + " (" + policy.parameterCount() + " parameters"
            + (policy.lora().isPresent() ? "; LoRA rank " + policy.lora().get().rank() + ", "
                + policy.adapterParameterCount() + " trained" : "") + ")");
        double temperature = c.get("temperature", 1.0);
        double topP = c.get("top_p", 1.0);
        SamplingParams cs = new SamplingParams(temperature, topP, 0, c.get("challenger_max_tokens", 1024), List.of(), 0);
        SamplingParams rs = new SamplingParams(temperature, topP, 0, c.get("reasoner_max_tokens", 1024), List.of(), 0);
        ProgressListener bar = ProgressListener.builder(iterations).output(System.out)
            .every(c.get("progress_every", 10)).build();
        Optional<Path> checkpoint = Optional.empty();
        if (resumeFrom.isPresent()) {
          checkpoint = Optional.of(SelfPlay.latestCheckpoint(resumeFrom.get()).orElseThrow(() ->
              new SpiceException.CheckpointException("no complete checkpoint under " + resumeFrom.get())));
          truncateMetrics(out.resolve("metrics.jsonl"), checkpoint.get());
        }
        int completionsEvery = c.get("log_completions_every", 10);
        try (SelfPlayListeners.JsonlMetricsListener metrics = SelfPlayListeners.jsonl(out.resolve("metrics.jsonl"));
            TensorBoardListener tensorBoard = c.get("tensorboard", Boolean.TRUE)
                ? SelfPlayListeners.tensorBoard(out.resolve("tensorboard")) : null;
            CompletionLogListener completions = completionsEvery > 0
                ? CompletionLogListener.builder(out.resolve("completions.jsonl")).every(completionsEvery).build() : null) {
          SelfPlay.Builder b = SelfPlay.builder().policy(policy).corpus(corpus).challenger(Roles.jsonChallenger())
              .reasoner(Roles.reasoner(AnswerExtractors.defaults())).recipe(recipe).batchSize(c.get("batch_size", 128))
              .seed(seed).zeroVariancePolicy(ZeroVariancePolicy.valueOf(
                  c.<String>get("zero_variance_policy", "keep").toUpperCase(Locale.ROOT)))
              .challengerSampling(cs).reasonerSampling(rs).listener(bar).listener(metrics);
          if (tensorBoard != null) {
            b.listener(tensorBoard);
          }
          if (completions != null) {
            b.listener(completions);
          }
          servers.configure(b, policy);
          if (c.has("max_challenger_attempts")) {
            b.maxChallengerAttempts((Integer) c.get("max_challenger_attempts"));
          }
          try (SelfPlay engine = b.build()) {
            if (checkpoint.isPresent()) {
              Path ck = checkpoint.get();
              engine.restore(ck);
              log.println("resumed from " + ck + " at iteration " + engine.iteration());
            }
            int every = c.get("checkpoint_every", 50);
            while (engine.iteration() < iterations) {
              engine.step();
              if (engine.iteration() % every == 0 && engine.iteration() < iterations) {
                engine.saveCheckpoint(out);
              }
            }
            Path ck = engine.saveCheckpoint(out);
            policy.savePretrained(out.resolve("final-model"));
            Path adapter = AdapterRun.saveFinalAdapter(policy, out);
            bar.close();
            log.println("done: " + engine.iteration() + " iterations; checkpoint " + ck + "; model in "
                + out.resolve("final-model") + (adapter == null ? "" : " (merged), adapter in " + adapter));
          }
        }
      }
    }
    if (c.get("report", Boolean.TRUE)) {
      log.println("report: " + RunReport.render(out));
    }
    return 0;
  }

  /** One line on an indexed corpus: entries per epoch, and what was read, skipped or passed over. */
  static String describe(Corpus corpus) {
    CorpusStats st = corpus.stats();
    StringBuilder sb = new StringBuilder("corpus " + corpus.name() + ": " + corpus.size().orElse(-1)
        + " entries per epoch from " + st.documents() + " documents; " + st.recordsRead() + " records read");
    if (st.skippedRecords() > 0) {
      sb.append(", ").append(st.skippedRecords()).append(" skipped (on_bad_record=skip; first: ")
          .append(st.skippedExamples().get(0)).append(')');
    }
    if (st.removedTotal() > 0) {
      sb.append(", removed ").append(st.removed());
    }
    if (st.blankLines() > 0) {
      sb.append(", ").append(st.blankLines()).append(" blank lines passed over");
    }
    return sb.toString();
  }
}
