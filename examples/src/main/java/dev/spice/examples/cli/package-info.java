/**
 * The {@code spice} command line: {@link dev.spice.examples.cli.SpiceCli}, launched as
 * {@code java -jar examples/target/spice.jar}. Subcommands {@code quickstart} (the free-text
 * quickstart), {@code train} (self-play on a Hugging Face checkpoint and a corpus), {@code eval}
 * ({@link dev.spice.examples.cli.EvalCommand}) and {@code export-onnx}; without one, the pointer-game
 * quickstart or, with {@code --model}, {@code train}. Runs are configured by options, a YAML/JSON
 * config file and {@code --set key=value}; every config key is listed by {@code --help}.
 */
package dev.spice.examples.cli;
