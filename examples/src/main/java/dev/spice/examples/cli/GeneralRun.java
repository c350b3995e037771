package dev.spice.examples.cli;

import dev.spice.core.Recipe;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.engine.SelfPlay;
import dev.spice.core.engine.SelfPlayListeners;
import dev.spice.core.engine.ZeroVariancePolicy;
import dev.spice.core.roles.Roles;
import dev.spice.corpus.Corpora;
import dev.spice.corpus.Corpus;
import dev.spice.corpus.CorpusBuilder;
import dev.spice.corpus.Segmenter;
import dev.spice.djl.DjlPolicy;
import dev.spice.djl.OptimizerSettings;
import dev.spice.djl.PromptTemplate;
import dev.spice.examples.progress.ProgressBar;
import dev.spice.examples.report.ReportRenderer;
import dev.spice.rewards.Presets;
import dev.spice.rewards.verify.AnswerExtractors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code --model} run: a {@link DjlPolicy} from a Hugging Face checkpoint, a corpus from
 * spice-corpus, the paper-style JSON Challenger, a Reasoner with spice-rewards' extractor, a
 * spice-rewards preset recipe; checkpoints, metrics and the report in the run folder.
 */
final class GeneralRun {
  private GeneralRun() {}

  /** Opens a corpus path by its kind (see the {@code corpus} key). */
  static Corpus openCorpus(String spec, String textField, long seed, Segmenter segmenter) {
    if (spec.equalsIgnoreCase("factbook")) {
      CorpusBuilder<?> b = Corpora.memory(dev.spice.corpus.Factbook.documents()).name(dev.spice.corpus.Factbook.SOURCE);
      return finish(b, seed, segmenter);
    }
    Path p = Path.of(spec);
    if (!Files.exists(p)) {
      throw new SpiceException.ConfigurationException("corpus '" + spec + "' does not exist; valid: a directory, a "
          + ".jsonl/.jsonl.gz/.json file, a .parquet or .csv file, or 'factbook'");
    }
    String kind = kind(p);
    return switch (kind) {
      case "jsonl" -> finish(Corpora.jsonl(p).textField(textField), seed, segmenter);
      case "parquet" -> finish(Corpora.parquet(p).textColumn(textField), seed, segmenter);
      case "csv" -> finish(Corpora.csv(p).textColumn(textField), seed, segmenter);
      case "text" -> finish(Corpora.directory(p), seed, segmenter);
      default -> throw new SpiceException.ConfigurationException("corpus file " + p
          + " has an unknown kind; valid: .jsonl, .jsonl.gz, .ndjson, .json(.gz), .parquet, .csv, or a directory");
    };
  }

  private static Corpus finish(CorpusBuilder<?> b, long seed, Segmenter segmenter) {
    b.seed(seed);
    if (segmenter != null) {
      b.segment(segmenter);
    }
    return b.build();
  }

  /** jsonl, parquet, csv, text (a directory of text files) or unknown. */
  static String kind(Path p) {
    if (Files.isDirectory(p)) {
      try (Stream<Path> s = Files.walk(p)) {
        List<String> names = s.filter(Files::isRegularFile).map(f -> f.getFileName().toString().toLowerCase(Locale.ROOT))
            .toList();
        if (names.stream().anyMatch(n -> n.endsWith(".jsonl") || n.endsWith(".jsonl.gz") || n.endsWith(".ndjson")
            || n.endsWith(".ndjson.gz") || n.endsWith(".json") || n.endsWith(".json.gz"))) {
          return "jsonl";
        }
        if (names.stream().anyMatch(n -> n.endsWith(".parquet"))) {
          return "parquet";
        }
        return "text";
      } catch (IOException e) {
        throw new SpiceException.CorpusException("cannot list corpus directory " + p + ": " + e, e);
      }
    }
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".jsonl") || n.endsWith(".jsonl.gz") || n.endsWith(".ndjson") || n.endsWith(".ndjson.gz")
        || n.endsWith(".json") || n.endsWith(".json.gz")) {
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

  /** The recipe of the config: a preset with optional group-size overrides. */
  static Recipe recipe(CliConfig c) {
    Recipe base = Presets.byName(c.get("recipe", "spice"));
    if (!c.has("challenger_group_size") && !c.has("reasoner_group_size")) {
      return base;
    }
    Presets.Builder b = Presets.builder(base);
    if (c.has("challenger_group_size")) {
      b.challengerGroupSize((Integer) c.get("challenger_group_size"));
    }
    if (c.has("reasoner_group_size")) {
      b.reasonerGroupSize((Integer) c.get("reasoner_group_size"));
    }
    return b.build();
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
          it = dev.spice.core.json.Json.parseObject(line).get("iteration");
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

  static int run(CliConfig c, Path out, Optional<Path> resumeFrom, PrintWriter log) {
    long seed = c.get("seed", 0L);
    int iterations = c.get("iterations", 640);
    Recipe recipe = recipe(c);
    String device = c.get("device", "auto");
    OptimizerSettings opt = OptimizerSettings.adamW(c.get("learning_rate", 1e-6))
        .withGradClip(c.get("grad_clip", 1.0)).withWarmupSteps(c.get("warmup_steps", 0));
    log.println("loading " + c.get("model") + " on " + device + " ...");
    log.flush();
    try (DjlPolicy policy = DjlPolicy.builder().pretrained((Path) c.get("model")).device(device)
        .template(PromptTemplate.named(c.get("template", "plain"))).optimizer(opt).threads(c.get("threads", 0))
        .microBatchSize(c.get("micro_batch_size", 0)).build()) {
      int segTokens = c.get("segment_tokens", 5992);
      Segmenter seg = segTokens == 0 ? null
          : Segmenter.builder().maxTokens(segTokens, t -> policy.tokenize(t).length).build();
      try (Corpus corpus = openCorpus(c.get("corpus", "factbook"), c.get("text_field", "text"), seed, seg)) {
        log.println("corpus " + corpus.name() + ": " + corpus.size().orElse(-1) + " documents per epoch; model "
            + policy.name() + " (" + policy.parameterCount() + " parameters)");
        double temperature = c.get("temperature", 1.0);
        double topP = c.get("top_p", 1.0);
        SamplingParams cs = new SamplingParams(temperature, topP, 0, c.get("challenger_max_tokens", 1024), List.of(), 0);
        SamplingParams rs = new SamplingParams(temperature, topP, 0, c.get("reasoner_max_tokens", 1024), List.of(), 0);
        ProgressBar bar = ProgressBar.builder(iterations, new java.io.PrintStream(System.out, true))
            .every(c.get("progress_every", 10)).build();
        Optional<Path> checkpoint = Optional.empty();
        if (resumeFrom.isPresent()) {
          checkpoint = Optional.of(SelfPlay.latestCheckpoint(resumeFrom.get()).orElseThrow(() ->
              new SpiceException.CheckpointException("no complete checkpoint under " + resumeFrom.get())));
          truncateMetrics(out.resolve("metrics.jsonl"), checkpoint.get());
        }
        try (SelfPlayListeners.JsonlMetricsListener metrics = SelfPlayListeners.jsonl(out.resolve("metrics.jsonl"))) {
          SelfPlay.Builder b = SelfPlay.builder().policy(policy).corpus(corpus).challenger(Roles.jsonChallenger())
              .reasoner(Roles.reasoner(AnswerExtractors.defaults())).recipe(recipe).batchSize(c.get("batch_size", 128))
              .seed(seed).zeroVariancePolicy(ZeroVariancePolicy.valueOf(
                  c.<String>get("zero_variance_policy", "keep").toUpperCase(Locale.ROOT)))
              .challengerSampling(cs).reasonerSampling(rs).listener(bar).listener(metrics);
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
            bar.close();
            log.println("done: " + engine.iteration() + " iterations; checkpoint " + ck + "; model in "
                + out.resolve("final-model"));
          }
        }
      }
    }
    if (c.get("report", Boolean.TRUE)) {
      log.println("report: " + ReportRenderer.render(out));
    }
    return 0;
  }
}
