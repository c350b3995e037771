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
import picocli.CommandLine.Option;

/**
 * The options of a training run, shared (as a picocli mixin) by {@code spice} without a subcommand
 * and by {@code spice train}, and the run itself: the layered configuration ({@link CliConfig}),
 * its checks, {@code --print-config}, the saved {@value SpiceCli#SAVED_CONFIG}, then the pointer
 * quickstart ({@link QuickstartRun}) or the {@code --model} run ({@link GeneralRun}).
 */
final class RunOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "YAML (.yaml/.yml) or JSON (.json) file of config keys")
  Path config;

  @Option(names = "--model", paramLabel = "DIR", description = "Hugging Face checkpoint directory (selects the --model run)")
  String model;

  @Option(names = "--corpus", paramLabel = "PATH",
      description = "corpus for the --model run: directory, .jsonl/.jsonl.gz, .parquet, .csv, or 'factbook'")
  String corpus;

  @Option(names = "--iterations", paramLabel = "N", description = "self-play iterations (may change on --resume)")
  String iterations;

  @Option(names = "--seed", paramLabel = "SEED", description = "seed of the run")
  String seed;

  @Option(names = "--out", paramLabel = "DIR", description = "run folder (default runs/spice-<date>-<time>)")
  String out;

  @Option(names = "--resume", paramLabel = "RUN_DIR",
      description = "continue the run in RUN_DIR from its newest checkpoint, with its saved settings (only "
          + "iterations, progress_every, report, tensorboard, log_completions_every, rollout_url, challenger_url "
          + "and rollout_concurrency may change)")
  Path resume;

  @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "set any config key (repeatable)")
  List<String> sets = new ArrayList<>();

  @Option(names = "--print-config",
      description = "print every setting of the run as JSON (defaults included) and exit; the run folder's "
          + SpiceCli.SAVED_CONFIG + " holds the same")
  boolean printConfig;

  /**
   * Checks the configuration and runs.
   *
   * @param requireModel true for {@code spice train}, which runs only the {@code --model} run
   * @param stdout where the effective configuration and run messages go
   * @return 0 on success
   * @throws SpiceException.ConfigurationException for a bad configuration (exit status 2)
   */
  int run(boolean requireModel, PrintWriter stdout) {
    CliConfig c = new CliConfig();
    CliConfig saved = null;
    Optional<Path> resumeFrom = Optional.empty();
    if (resume != null) {
      if (!Files.isDirectory(resume)) {
        throw new SpiceException.ConfigurationException("--resume " + resume + " is not a run folder (no such directory)");
      }
      Path savedFile = resume.resolve(SpiceCli.SAVED_CONFIG);
      if (Files.isRegularFile(savedFile)) {
        Map<String, Object> raw = CliConfig.readFile(savedFile);
        c.applyRaw(raw, "saved config " + savedFile);
        saved = new CliConfig();
        saved.applyRaw(raw, "saved config " + savedFile);
        saved.set("out", resume.toString(), "--resume");
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
    if (requireModel && !c.modelRun()) {
      throw new SpiceException.ConfigurationException("spice train needs --model DIR (a Hugging Face checkpoint "
          + "directory), given as an option, in --config or in a resumed run's saved config; the pointer-game "
          + "quickstart runs with 'spice' alone, the free-text quickstart with 'spice quickstart'");
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
    if (c.modelRun()) {
      AdapterKeys.check(effective, c); // LoRA, rollout server and remote Challenger combinations
    }
    if (resume != null) {
      // before anything is written: the saved config stays as it is when the resume is refused
      ResumeCheck.check(resume, saved == null ? null : EffectiveConfig.of(saved), effective, c);
    }
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
      Files.writeString(outDir.resolve(SpiceCli.SAVED_CONFIG), Json.write(m) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException(
          "cannot write " + outDir.resolve(SpiceCli.SAVED_CONFIG) + ": " + UserMessages.io(e), e);
    }
  }
}
