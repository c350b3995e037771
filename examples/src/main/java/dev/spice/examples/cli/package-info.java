/**
 * The {@code spice} command line: {@link dev.spice.examples.cli.SpiceCli}. Runs the embedded
 * quickstart, or self-play on a Hugging Face checkpoint and a corpus, configured by options, a
 * YAML/JSON config file and {@code --set key=value}; every config key is listed by {@code --help}.
 */
package dev.spice.examples.cli;
