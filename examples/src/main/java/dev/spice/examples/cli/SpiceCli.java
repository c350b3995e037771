package dev.spice.examples.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code spice} command line ({@code java -jar examples/target/spice.jar}).
 *
 * <p>Subcommands: {@code quickstart} (the free-text quickstart, the main job), {@code train}
 * (SPICE self-play on a Hugging Face checkpoint and a corpus), {@code eval} (scores a policy on a
 * benchmark file, {@link EvalCommand}), {@code export-onnx} (a checkpoint folder to ONNX) and
 * {@code serve} (a policy over the OpenAI-compatible API, {@link ServeCommand}). Without
 * a subcommand it behaves as before subcommands existed: without {@code --model} it runs the
 * pointer-game quickstart (a tiny model trained from scratch on the bundled Factbook), with
 * {@code --model DIR} the same run as {@code spice train}. Settings come, later ones winning, from
 * a resumed run's saved {@code cli-config.json}, a {@code --config} file (YAML or JSON),
 * {@code --set key=value} pairs, and the dedicated options. Every key is listed by {@code --help}
 * and in {@code examples/README.md}, with its TRL and verl aliases ({@link ConfigAliases}); an
 * unknown key or a bad value is an error naming the valid ones. {@code --print-config} and the run
 * folder's saved config hold every setting, defaults included ({@link EffectiveConfig}).
 *
 * <p>Exit status: 0 success, 2 bad command line or configuration, 1 the run failed.
 */
@Command(name = "spice", mixinStandardHelpOptions = true, version = "SPICE for Java 0.1.0", sortOptions = false,
    usageHelpWidth = 110,
    description = {"SPICE self-play: one model plays Challenger (writes tasks from corpus documents) and Reasoner "
        + "(answers them without the document).",
        "Without a subcommand and without --model: the pointer-game quickstart on the bundled Factbook (CPU, fast "
            + "mode). With --model DIR: the same as 'spice train'. The options below are those of 'spice train'."})
public final class SpiceCli implements Callable<Integer> {
  /** Name of the effective configuration saved in a run folder (read back by --resume). */
  public static final String SAVED_CONFIG = "cli-config.json";

  /** The prefix of a failure message of each command (a configuration error is an "error: "). */
  private static final Map<String, String> FAILED = Map.of("eval", "evaluation failed: ",
      "export-onnx", "export failed: ");

  @Mixin RunOptions options = new RunOptions();

  private final PrintWriter stdout;

  private SpiceCli(PrintWriter stdout) {
    this.stdout = stdout;
  }

  /**
   * Runs the command line and exits the JVM with its status.
   *
   * @param args the arguments
   */
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
    CommandLine cl = new CommandLine(new SpiceCli(out));
    keysFooter(cl, "spice");
    cl.addSubcommand("quickstart", QuickstartCommand.commandLine(out));
    CommandLine train = new CommandLine(new TrainCommand(out));
    keysFooter(train, "spice train");
    cl.addSubcommand("train", train);
    cl.addSubcommand("eval", EvalCommand.commandLine(out, "spice eval"));
    cl.addSubcommand("export-onnx", new CommandLine(new ExportOnnxCommand(out)));
    cl.addSubcommand("serve", new CommandLine(new ServeSubcommand(out, err)));
    cl.setOut(out);
    cl.setErr(err);
    // messages only, never class names or stack traces (see UserMessages)
    cl.setExecutionExceptionHandler((e, sub, parsed) -> {
      String name = sub.getCommandSpec().qualifiedName(" ");
      boolean keys = sub.getCommandSpec().userObject() instanceof SpiceCli
          || sub.getCommandSpec().userObject() instanceof TrainCommand;
      return UserMessages.handler(err, FAILED.getOrDefault(sub.getCommandName(), "run failed: "),
          "Run '" + name + " --help' for every option" + (keys ? " and config key." : "."))
          .handleExecutionException(e, sub, parsed);
    });
    cl.setExecutionStrategy(parsed -> {
      if (parsed.hasSubcommand() && !parsed.matchedOptions().isEmpty()) {
        throw new CommandLine.ParameterException(cl, "options before the subcommand '"
            + parsed.subcommand().commandSpec().name() + "' belong to 'spice' without a subcommand ("
            + String.join(", ", parsed.matchedOptions().stream().map(o -> o.longestName()).toList())
            + "); put them after the subcommand");
      }
      return new CommandLine.RunLast().execute(parsed);
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** The config-keys table and examples under a training command's help. */
  private static void keysFooter(CommandLine cl, String name) {
    cl.getCommandSpec().usageMessage().footerHeading("%nConfig keys (in --config files or --set KEY=VALUE; "
        + "[quickstart], [--model] or [both] says which run a key configures; an alias of TRL or verl sets the "
        + "key it is listed under):%n");
    String examples = name.equals("spice")
        ? "%n  spice                                   # the pointer quickstart, report in runs/spice-<date>-<time>/"
            + "%n  spice --iterations 200 --set countries=12 --out runs/small"
            + "%n  spice --resume runs/small --iterations 600"
            + "%n  spice quickstart --out runs/free-text   # the free-text quickstart (the main job)"
            + "%n  spice train --model ~/models/Qwen3-0.6B-Base --corpus docs/ --set batch_size=16 --set device=gpu"
            + "%n  spice eval --model runs/x/final-model --benchmark sample"
            + "%n  spice export-onnx --model runs/x/final-model --out runs/x/onnx"
            + "%n  spice serve --model runs/x/final-model --port 8000 --enable-lora%n"
        : "%n  spice train --model ~/models/Qwen3-0.6B-Base --corpus docs/ --set batch_size=16 --set device=gpu"
            + "%n  spice train --model ~/models/Qwen3-0.6B-Base --corpus docs/ --config small-machine.yaml"
            + "%n  spice train --resume runs/qwen --iterations 800%n";
    cl.getCommandSpec().usageMessage().footer(ConfigKeys.table().replace("%", "%%") + "%nExamples:" + examples);
  }

  @Override
  public Integer call() {
    return options.run(false, stdout);
  }

  /** {@code spice train}: the {@code --model} run; the options and keys of {@code spice}. */
  @Command(name = "train", mixinStandardHelpOptions = true, version = "SPICE for Java 0.1.0", sortOptions = false,
      usageHelpWidth = 110,
      description = {"SPICE self-play on a Hugging Face checkpoint (--model DIR) and a corpus (--corpus): the "
          + "paper-style JSON Challenger, a Reasoner with spice-rewards' answer extractor, a spice-rewards recipe; "
          + "checkpoints, metrics.jsonl and report.html in the run folder.",
          "--model may also come from --config or from the saved config of a run given to --resume."})
  static final class TrainCommand implements Callable<Integer> {
    @Mixin RunOptions options = new RunOptions();

    private final PrintWriter stdout;

    TrainCommand(PrintWriter stdout) {
      this.stdout = stdout;
    }

    @Override
    public Integer call() {
      return options.run(true, stdout);
    }
  }
}
