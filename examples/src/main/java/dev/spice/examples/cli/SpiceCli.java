package dev.spice.examples.cli;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code spice} command line.
 *
 * <p>Without {@code --model} it runs the embedded quickstart (a tiny model trained from scratch on
 * the bundled Factbook); with {@code --model DIR} it runs SPICE self-play on a Hugging Face
 * checkpoint and a corpus ({@code --corpus}). Settings come, later ones winning, from a resumed
 * run's saved {@code cli-config.json}, a {@code --config} file (YAML or JSON), {@code --set
 * key=value} pairs, and the dedicated options. Every key is listed by {@code --help} and in
 * {@code examples/README.md}, with its TRL and verl aliases ({@link ConfigAliases}); an unknown key
 * or a bad value is an error naming the valid ones. {@code --print-config} and the run folder's
 * saved config hold every setting, defaults included ({@link EffectiveConfig}).
 *
 * <p>Exit status: 0 success, 2 bad command line or configuration, 1 the run failed.
 */
@Command(name = "spice", mixinStandardHelpOptions = true, version = "SPICE for Java 0.1.0", sortOptions = false,
    usageHelpWidth = 110,
    description = {"SPICE self-play: one model plays Challenger (writes tasks from corpus documents) and Reasoner "
        + "(answers them without the document).",
        "Without --model: the embedded quickstart on the bundled Factbook (CPU, about 10 minutes). "
            + "With --model DIR: a Hugging Face checkpoint trained on --corpus."})
public final class SpiceCli implements Callable<Integer> {
  /** Name of the effective configuration saved in a run folder (read back by --resume). */
  public static final String SAVED_CONFIG = "cli-config.json";

  @Option(names = "--config", paramLabel = "FILE", description = "YAML (.yaml/.yml) or JSON (.json) file of config keys")
  Path config;

  @Option(names = "--model", paramLabel = "DIR", description = "Hugging Face checkpoint directory (selects the --model run)")
  String model;

  @Option(names = "--corpus", paramLabel = "PATH",
      description = "corpus for the --model run: directory, .jsonl/.jsonl.gz, .parquet, .csv, or 'factbook'")
  String corpus;

  @Option(names = "--iterations", paramLabel = "N", description = "self-play iterations")
  String iterations;

  @Option(names = "--seed", paramLabel = "SEED", description = "seed of the run")
  String seed;

  @Option(names = "--out", paramLabel = "DIR", description = "run folder (default runs/spice-<date>-<time>)")
  String out;

  @Option(names = "--resume", paramLabel = "RUN_DIR",
      description = "continue the run in RUN_DIR from its newest checkpoint, with its saved settings")
  Path resume;

  @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "set any config key (repeatable)")
  List<String> sets = new ArrayList<>();

  @Option(names = "--print-config",
      description = "print every setting of the run as JSON (defaults included) and exit; the run folder's "
          + SAVED_CONFIG + " holds the same")
  boolean printConfig;

  private final PrintWriter stdout;
  private final PrintWriter stderr;

  private SpiceCli(PrintWriter stdout, PrintWriter stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Runs the command line and exits the JVM with its status. */
  public static void main(String[] args) {
    int code = execute(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8));
    System.exit(code);
  }

  /**
   * Runs the command line without exiting.
   *
   * @param args the arguments
   * @param out where help, the effective configuration and run messages go
   * @param err where errors go
   * @return 0 on success, 2 for a bad command line or configuration, 1 if the run failed
   */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new SpiceCli(out, err));
    cl.setOut(out);
    cl.setErr(err);
    cl.getCommandSpec().usageMessage().footerHeading("%nConfig keys (in --config files or --set KEY=VALUE; "
        + "[quickstart], [--model] or [both] says which run a key configures; an alias of TRL or verl sets the "
        + "key it is listed under):%n");
    cl.getCommandSpec().usageMessage().footer(ConfigKeys.table().replace("%", "%%")
        + "%nExamples:%n  spice                                   # the quickstart, report in runs/spice-<date>-<time>/"
        + "%n  spice --iterations 200 --set countries=12 --out runs/small"
        + "%n  spice --model ~/models/Qwen3-0.6B-Base --corpus docs/ --set batch_size=16 --set device=gpu"
        + "%n  spice --resume runs/small --iterations 400%n");
    // messages only, never class names or stack traces (see UserMessages)
    cl.setExecutionExceptionHandler(UserMessages.handler(err, "run failed: ", "Run 'spice --help' for every option and config key."));
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public Integer call() {
    CliConfig c = new CliConfig();
    Optional<Path> resumeFrom = Optional.empty();
    if (resume != null) {
      if (!Files.isDirectory(resume)) {
        throw new SpiceException.ConfigurationException("--resume " + resume + " is not a run folder (no such directory)");
      }
      Path saved = resume.resolve(SAVED_CONFIG);
      if (Files.isRegularFile(saved)) {
        c.applyRaw(CliConfig.readFile(saved), "saved config " + saved);
      }
      resumeFrom = Optional.of(resume);
    }
    if (config != null) {
      c.applyRaw(CliConfig.readFile(config), "config file " + config);
    }
    c.beginLayer();
    for (String s : sets) {
      c.setPair(s);
    }
    c.beginLayer();
    option(c, "model", model);
    option(c, "corpus", corpus);
    option(c, "iterations", iterations);
    option(c, "seed", seed);
    option(c, "out", out);
    if (resume != null) {
      String from = c.origin("out");
      if (from != null && !from.startsWith("saved config") && !c.get("out").equals(resume)) {
        throw new SpiceException.ConfigurationException((from.equals("--out") ? "--out " : from + ": ") + c.get("out")
            + " and --resume " + resume + " name different folders; a resumed run continues in its own folder, "
            + "give only --resume");
      }
      c.set("out", resume.toString(), "--resume");
    }
    if (c.has("corpus") && !c.modelRun()) {
      throw new SpiceException.ConfigurationException("--corpus (key 'corpus') needs --model DIR, a Hugging Face "
          + "checkpoint to train; without --model the quickstart uses its bundled Factbook world");
    }
    c.checkModes();
    if (c.modelRun() && !Files.isDirectory((Path) c.get("model"))) {
      throw new SpiceException.ConfigurationException("--model " + c.get("model")
          + " is not a directory; give a Hugging Face checkpoint directory (config.json, model.safetensors, tokenizer.json)");
    }
    if (c.modelRun()) {
      GeneralRun.checkCorpus(GeneralRun.CorpusSpec.of(c)); // path, kind, include/exclude: before anything runs
    } else {
      QuickstartBridge.checkFields(c);
      QuickstartBridge.settings(c.values()); // validates the quickstart settings before anything runs
    }
    if (!c.has("out")) {
      c.set("out", "runs/spice-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")),
          "default");
    }
    Map<String, Object> effective = EffectiveConfig.of(c); // checks the recipe keys too
    if (printConfig) {
      stdout.println(Json.write(effective));
      return 0;
    }
    Path outDir = (Path) c.get("out");
    saveConfig(effective, outDir);
    stdout.println((c.modelRun() ? "SPICE on " + c.get("model") : "SPICE quickstart") + ", run folder " + outDir);
    stdout.flush();
    return c.modelRun() ? GeneralRun.run(c, outDir, resumeFrom, stdout) : QuickstartRun.run(c, outDir, resumeFrom, stdout);
  }

  private static void option(CliConfig c, String key, String value) {
    if (value != null) {
      c.set(key, value, "--" + key);
    }
  }

  private static void saveConfig(Map<String, Object> m, Path outDir) {
    try {
      Files.createDirectories(outDir);
      Files.writeString(outDir.resolve(SAVED_CONFIG), Json.write(m) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException(
          "cannot write " + outDir.resolve(SAVED_CONFIG) + ": " + UserMessages.io(e), e);
    }
  }
}
