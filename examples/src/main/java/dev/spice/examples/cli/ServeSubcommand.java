package dev.spice.examples.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code spice serve ...}: hands every argument after {@code serve} to {@link ServeCommand} (the
 * {@code spice-serve} command), which parses them, prints its own help ({@code spice serve --help})
 * and serves until the JVM shuts down.
 */
@Command(name = "serve", description = {"Serve a policy over the OpenAI-compatible API of vLLM (completions, "
    + "tokenize, LoRA adapters): a Hugging Face checkpoint (--model DIR) or an ONNX export (--onnx DIR).",
    "Every option: spice serve --help"})
final class ServeSubcommand implements Callable<Integer> {
  @Unmatched
  List<String> args = new ArrayList<>();

  private final PrintWriter out;
  private final PrintWriter err;

  ServeSubcommand(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    return ServeCommand.execute(args.toArray(String[]::new), out, err);
  }
}
