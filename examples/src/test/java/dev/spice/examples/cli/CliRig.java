package dev.spice.examples.cli;

import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.WordTokenizer;
import dev.spice.djl.DjlPolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A tiny random checkpoint, a three-document corpus and the small-run flags of the LoRA and server CLI tests. */
final class CliRig {
  private CliRig() {}

  /** A command's exit status and what it printed. */
  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
    }
  }

  static Result spice(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = SpiceCli.execute(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  /** Writes a tiny random word-level checkpoint (config, weights, tokenizer) into {@code dir}. */
  static Path tinyModel(Path dir) {
    WordTokenizer tok = WordTokenizer.withSpecialTokens(List.of("the", "river", "is", "long", "{", "}", "question"));
    try (DjlPolicy p = DjlPolicy.builder().randomInit(TransformerConfig.tiny(tok.vocabSize(), 16, 1, 2, 2), 3)
        .tokenizer(tok).build()) {
      p.savePretrained(dir);
    }
    return dir;
  }

  static Path corpus(Path dir) throws IOException {
    Path corpus = dir.resolve("docs.jsonl");
    Files.writeString(corpus, "{\"text\": \"the river is long\"}\n{\"text\": \"the long river\"}\n"
        + "{\"text\": \"river is the long\"}\n");
    return corpus;
  }

  /** {@code spice train} on the model and corpus for a few iterations with small settings, then the extra arguments. */
  static List<String> train(Path model, Path corpus, Path out, int iterations, String... sets) {
    List<String> a = new ArrayList<>(List.of("train", "--model", model.toString(), "--corpus", corpus.toString(),
        "--iterations", Integer.toString(iterations), "--out", out.toString()));
    for (String s : List.of("batch_size=2", "challenger_max_tokens=4", "reasoner_max_tokens=4", "device=cpu",
        "template=raw", "checkpoint_every=1", "segment_tokens=16", "threads=1", "report=false", "tensorboard=false",
        "log_completions_every=0")) {
      a.add("--set");
      a.add(s);
    }
    for (String s : sets) {
      a.add("--set");
      a.add(s);
    }
    return a;
  }
}
