package dev.spice.examples.cli;

import dev.spice.core.PolicyBackend;
import dev.spice.core.Reasoner;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.eval.BenchmarkEvaluation;
import dev.spice.core.eval.BenchmarkFile;
import dev.spice.core.eval.BenchmarkResult;
import dev.spice.core.eval.BenchmarkSet;
import dev.spice.core.internal.json.Json;
import dev.spice.core.roles.Roles;
import dev.spice.core.text.PromptTemplate;
import dev.spice.djl.DjlPolicy;
import dev.spice.examples.report.EvalReportRenderer;
import dev.spice.onnx.OnnxPolicy;
import dev.spice.rewards.ReasonerRewards;
import dev.spice.rewards.verify.AnswerExtractors;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code spice eval} command (also a main of its own, {@code spice-eval}): scores a policy (a Hugging Face checkpoint through DJL, or
 * an ONNX export) on a benchmark file ({@link BenchmarkFile}) with {@link BenchmarkEvaluation}:
 * greedy pass@1 and, with {@code --samples K}, mean@K and pass@K, overall and per category. Prints
 * a Markdown table; with {@code --out DIR} also writes {@value #RESULT_FILE} (the result's
 * {@link BenchmarkResult#toMap()} plus a {@code settings} entry), {@value #TABLE_FILE} and
 * {@code eval.html} ({@link EvalReportRenderer}).
 *
 * <p>Exit status: 0 success, 2 bad command line, settings or benchmark file (the message names the
 * option), 1 the evaluation failed.
 */
@Command(name = "spice-eval", mixinStandardHelpOptions = true, version = "SPICE for Java 0.1.0", sortOptions = false,
    usageHelpWidth = 110,
    description = {"Scores a policy on a benchmark file (JSON Lines: question, answer, optional answer_type, "
        + "options, category, id): greedy pass@1 and, with --samples K, mean@K and pass@K per category.",
        "Use --benchmark sample for the bundled self-made Factbook-style set (40 items, 4 categories)."})
public final class EvalCommand implements Callable<Integer> {
  /** The result file written under {@code --out}. */
  public static final String RESULT_FILE = "eval.json";
  /** The Markdown table written under {@code --out}. */
  public static final String TABLE_FILE = "eval.md";
  /** The HTML page written under {@code --out}: tables and a bar chart per category. */
  public static final String HTML_FILE = EvalReportRenderer.HTML_FILE;
  /** The {@code --benchmark} value that selects the bundled sample set. */
  public static final String SAMPLE = "sample";

  private static final String SAMPLE_NAME = "factbook-sample.jsonl";
  private static final String SAMPLE_RESOURCE = "/dev/spice/examples/benchmarks/" + SAMPLE_NAME;

  @Option(names = "--model", paramLabel = "DIR", description = "Hugging Face checkpoint directory (DJL backend)")
  Path model;

  @Option(names = "--onnx", paramLabel = "DIR", description = "ONNX export: a directory with model.onnx, or the file")
  Path onnx;

  @Option(names = "--benchmark", paramLabel = "FILE", required = true,
      description = "benchmark JSON Lines file, or 'sample' for the bundled one")
  String benchmark;

  @Option(names = "--reasoner", paramLabel = "STYLE", defaultValue = "boxed",
      description = "boxed (paper-style prompt, answer in \\boxed{}) or text (compact 'question:' prompt, "
          + "'answer:' line); default ${DEFAULT-VALUE}")
  String reasoner;

  @Option(names = "--template", paramLabel = "NAME", defaultValue = "plain",
      description = "prompt template: raw, plain or chatml; default ${DEFAULT-VALUE}")
  String template;

  @Option(names = "--samples", paramLabel = "K", defaultValue = "4",
      description = "sampled answers per item for mean@K and pass@K, 0 for greedy only; default ${DEFAULT-VALUE}")
  int samples;

  @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "256",
      description = "token budget of each answer; default ${DEFAULT-VALUE}")
  int maxNewTokens;

  @Option(names = "--temperature", paramLabel = "T", defaultValue = "1.0",
      description = "temperature of the sampled answers (greedy answers use top-k 1); default ${DEFAULT-VALUE}")
  double temperature;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "seed; default ${DEFAULT-VALUE}")
  long seed;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
      description = "prompts per generation call; default ${DEFAULT-VALUE}")
  int batchSize;

  @Option(names = "--max-items", paramLabel = "N", description = "score only the first N items")
  Integer maxItems;

  @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu",
      description = "cpu, gpu, gpu:N or auto; default ${DEFAULT-VALUE}")
  String device;

  @Option(names = "--skip-bad-lines", description = "skip (and count) bad benchmark lines instead of failing")
  boolean skipBadLines;

  @Option(names = "--out", paramLabel = "DIR", description = "folder for " + RESULT_FILE + ", " + TABLE_FILE + " and eval.html")
  Path out;

  private final PrintWriter stdout;

  private EvalCommand(PrintWriter stdout) {
    this.stdout = stdout;
  }

  /** Runs the command line and exits the JVM with its status. */
  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
  }

  /**
   * Runs the command line without exiting.
   *
   * @param args the arguments
   * @param out where help and the result table go
   * @param err where errors go
   * @return 0 on success, 2 for a bad command line, setting or benchmark file, 1 if the evaluation
   *     failed
   */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = commandLine(out, "spice-eval");
    cl.setOut(out);
    cl.setErr(err);
    // messages only, never class names or stack traces (see UserMessages)
    cl.setExecutionExceptionHandler(UserMessages.handler(err, "evaluation failed: ", "Run 'spice-eval --help' for every option."));
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /**
   * The command with its examples, as {@code spice-eval} or as the {@code eval} subcommand of
   * {@code spice}.
   *
   * @param name the command as typed in the examples: {@code spice-eval} or {@code spice eval}
   */
  static CommandLine commandLine(PrintWriter out, String name) {
    CommandLine cl = new CommandLine(new EvalCommand(out));
    cl.getCommandSpec().name(name.substring(name.lastIndexOf(' ') + 1));
    cl.getCommandSpec().usageMessage().footer("%nExamples:"
        + "%n  " + name + " --model ~/models/Qwen3-0.6B-Base --benchmark sample --template chatml --out runs/eval"
        + "%n  " + name + " --onnx runs/onnx --benchmark bench.jsonl --reasoner text --template raw --samples 8%n");
    return cl;
  }

  @Override
  public Integer call() throws IOException {
    if ((model == null) == (onnx == null)) {
      throw bad("give exactly one of --model DIR (a Hugging Face checkpoint) and --onnx DIR (an ONNX export)");
    }
    Reasoner role = reasonerRole();
    PromptTemplate tpl;
    try {
      tpl = PromptTemplate.named(template);
    } catch (SpiceException.ConfigurationException e) {
      throw bad("--template: " + e.getMessage());
    }
    if (samples < 0) {
      throw bad("--samples must be >= 0 (0 = greedy answers only), got " + samples);
    }
    if (maxNewTokens < 1) {
      throw bad("--max-new-tokens must be >= 1, got " + maxNewTokens);
    }
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw bad("--temperature must be finite and > 0, got " + temperature);
    }
    if (batchSize < 1) {
      throw bad("--batch-size must be >= 1, got " + batchSize);
    }
    if (maxItems != null && maxItems < 1) {
      throw bad("--max-items must be >= 1, got " + maxItems);
    }
    if (model != null && !Files.isDirectory(model)) {
      throw bad("--model " + model + " is not a directory; give a Hugging Face checkpoint directory "
          + "(config.json, model.safetensors, tokenizer.json)");
    }
    if (onnx != null && !Files.exists(onnx)) {
      throw bad("--onnx " + onnx + " does not exist; give an ONNX export directory (model.onnx, tokenizer.json)");
    }
    BenchmarkSet set = readBenchmark();
    SamplingParams params = new SamplingParams(temperature, 1.0, 0, maxNewTokens, List.of(), seed);
    BenchmarkEvaluation.Builder eb = BenchmarkEvaluation.builder().reasoner(role)
        .reward(ReasonerRewards.correctness().async()).greedy(params).seed(seed).batchSize(batchSize);
    if (samples > 0) {
      eb.sampled(params, samples);
    }
    BenchmarkEvaluation evaluation = eb.build();
    stdout.println("Scoring " + (model != null ? model : onnx) + " on " + set.name() + " (" + set.items().size()
        + " items" + (set.skippedLines() > 0 ? ", " + set.skippedLines() + " bad lines skipped" : "") + ")");
    stdout.flush();
    BenchmarkResult result;
    try (PolicyBackend policy = open(tpl)) {
      result = evaluation.evaluate(policy, set);
    }
    String table = result.toMarkdown();
    if (out != null) {
      Files.createDirectories(out);
      Map<String, Object> m = new LinkedHashMap<>(result.toMap());
      m.put("settings", settings());
      Files.writeString(out.resolve(RESULT_FILE), Json.write(m) + "\n", StandardCharsets.UTF_8);
      EvalReportRenderer.render(m, out.resolve(HTML_FILE));
      Files.writeString(out.resolve(TABLE_FILE), table, StandardCharsets.UTF_8);
    }
    stdout.print(table);
    if (out != null) {
      stdout.println("\nWrote " + out.resolve(RESULT_FILE) + ", " + out.resolve(TABLE_FILE) + " and "
          + out.resolve(HTML_FILE));
    }
    return 0;
  }

  private Reasoner reasonerRole() {
    return switch (reasoner.toLowerCase(Locale.ROOT)) {
      case "boxed" -> Roles.reasoner(AnswerExtractors.defaults());
      case "text" -> Roles.textReasoner(AnswerExtractors.defaults());
      default -> throw bad("--reasoner '" + reasoner + "' is not a Reasoner style; valid: boxed, text");
    };
  }

  private BenchmarkSet readBenchmark() throws IOException {
    BenchmarkFile.Builder rb = BenchmarkFile.reader().skipBadLines(skipBadLines);
    if (maxItems != null) {
      rb.maxItems(maxItems);
    }
    BenchmarkFile reader = rb.build();
    try {
      if (SAMPLE.equalsIgnoreCase(benchmark)) {
        InputStream in = EvalCommand.class.getResourceAsStream(SAMPLE_RESOURCE);
        if (in == null) {
          throw new SpiceException("the bundled benchmark " + SAMPLE_RESOURCE + " is missing from the class path");
        }
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
          return reader.read(SAMPLE_NAME, r);
        }
      }
      Path file = Path.of(benchmark);
      if (!Files.isRegularFile(file)) {
        throw bad("--benchmark " + benchmark + (Files.isDirectory(file) ? " is a directory" : " does not exist")
            + "; give a JSON Lines file or '" + SAMPLE + "' for the bundled one");
      }
      return reader.read(file);
    } catch (SpiceException.CorpusException e) {
      String m = e.getMessage().replace(" (skip bad lines with skipBadLines(true))", "");
      throw bad("--benchmark: " + m + (skipBadLines ? "" : " (skip bad lines with --skip-bad-lines)"));
    }
  }

  private PolicyBackend open(PromptTemplate tpl) {
    try {
      if (model != null) {
        return DjlPolicy.builder().pretrained(model).template(tpl).device(device).build();
      }
      return OnnxPolicy.builder().model(onnx).template(tpl).device(device).build();
    } catch (SpiceException.ConfigurationException e) {
      throw bad((model != null ? "--model " + model : "--onnx " + onnx) + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw new SpiceException.BackendException("cannot load " + (model != null ? "--model " + model : "--onnx " + onnx)
          + ": " + UserMessages.message(e), e);
    }
  }

  private Map<String, Object> settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put(model != null ? "model" : "onnx", String.valueOf(model != null ? model : onnx));
    s.put("benchmark", benchmark);
    s.put("reasoner", reasoner.toLowerCase(Locale.ROOT));
    s.put("template", template.toLowerCase(Locale.ROOT));
    s.put("samples", samples);
    s.put("max_new_tokens", maxNewTokens);
    s.put("temperature", temperature);
    s.put("seed", seed);
    s.put("batch_size", batchSize);
    s.put("device", device);
    s.put("skip_bad_lines", skipBadLines);
    if (maxItems != null) {
      s.put("max_items", maxItems);
    }
    return s;
  }

  private static SpiceException.ConfigurationException bad(String message) {
    return new SpiceException.ConfigurationException(message);
  }
}
