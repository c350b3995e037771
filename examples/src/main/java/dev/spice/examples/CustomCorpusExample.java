package dev.spice.examples;

import dev.spice.core.CorpusCursor;
import dev.spice.core.Document;
import dev.spice.corpus.Corpora;
import dev.spice.corpus.Corpus;
import dev.spice.corpus.Segmenter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Example: a corpus of your own, from a JSON Lines file or a folder of text files, with
 * segmenting and seeded, resumable sampling.
 *
 * <pre>
 * java ... dev.spice.examples.CustomCorpusExample              # a tiny corpus made in a temp folder
 * java ... dev.spice.examples.CustomCorpusExample docs.jsonl   # one {"text": ...} object per line
 * java ... dev.spice.examples.CustomCorpusExample notes/       # every *.txt and *.md below notes/
 * </pre>
 */
public final class CustomCorpusExample {
  private CustomCorpusExample() {}

  /** Runs the example; the optional argument is a .jsonl(.gz) file or a folder. */
  public static void main(String[] args) throws IOException {
    Path input = args.length > 0 ? Path.of(args[0]) : tinyCorpus();
    String name = input.getFileName().toString();
    boolean jsonl = name.endsWith(".jsonl") || name.endsWith(".jsonl.gz");

    // 1. Build the corpus: documents are split into segments of at most 300 characters
    //    (with a real model, use Segmenter.builder().maxTokens(n, text -> policy.tokenize(text).length)).
    Segmenter segmenter = Segmenter.chars(300);
    Corpus corpus = jsonl
        ? Corpora.jsonl(input).textField("text").segment(segmenter).seed(7).build()
        : Corpora.directory(input).segment(segmenter).seed(7).build();
    try (corpus) {
      System.out.println("corpus " + corpus.name() + ": " + corpus.stats().documents() + " documents, "
          + corpus.size().orElse(-1) + " segments per epoch");

      // 2. Sample: uniform without replacement within an epoch, reproducible from the seed.
      for (Document d : corpus.next(4)) {
        System.out.printf("  %-32s %4d chars  %s%n", d.id(), d.text().length(), preview(d.text()));
      }

      // 3. Resume: a cursor (small, stored in every checkpoint) replays the same draws.
      CorpusCursor cursor = corpus.cursor();
      List<Document> next = corpus.next(3);
      corpus.restore(cursor);
      List<Document> again = corpus.next(3);
      System.out.println("same draws after restore: " + next.equals(again));
    }

    // 4. Segmenting on its own: where one long text is cut.
    String longText = "SPICE trains one model as Challenger and Reasoner. ".repeat(12);
    System.out.println("a " + longText.length() + "-char text splits into " + segmenter.spans(longText));
  }

  private static String preview(String text) {
    String t = text.replaceAll("\\s+", " ").strip();
    return t.length() <= 60 ? t : t.substring(0, 57) + "...";
  }

  /** Writes three short text files into a temporary folder. */
  static Path tinyCorpus() throws IOException {
    Path dir = Files.createTempDirectory("spice-corpus-example");
    Files.writeString(dir.resolve("rivers.txt"), "The Danube flows through ten countries, more than any other "
        + "river. It rises in the Black Forest of Germany and empties into the Black Sea in Romania and Ukraine. "
        + "Its length is about 2,850 kilometres. Vienna, Bratislava, Budapest and Belgrade stand on its banks. "
        + "The Rhine, by contrast, flows north-west into the North Sea.");
    Files.writeString(dir.resolve("elements.txt"), "Helium is the second element, with atomic number 2. It was "
        + "first detected in the spectrum of the Sun in 1868 by Pierre Janssen and Norman Lockyer.");
    Files.writeString(dir.resolve("maths.md"), "# Primes\n\nThe prime numbers below 20 are 2, 3, 5, 7, 11, 13, 17 "
        + "and 19. Their sum is 77.");
    dir.toFile().deleteOnExit();
    return dir;
  }
}
