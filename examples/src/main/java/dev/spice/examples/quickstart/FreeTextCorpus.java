package dev.spice.examples.quickstart;

import dev.spice.core.CorpusSource;
import dev.spice.core.Document;
import dev.spice.core.SpiceException;
import dev.spice.corpus.Corpora;
import dev.spice.corpus.Elements;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The free-text pipeline on a corpus other than the quickstart's Factbook world: {@code elements}
 * (the bundled chemical elements), {@code factbook-facts} (the quickstart's world), a JSONL file or
 * a folder of text files (read by {@link Corpora}). Documents are read in corpus order up to a cap;
 * documents longer than a word limit are skipped, counted and reported (the Challenger reads the
 * whole document, and a small model's context is short). The demonstration / held-out split is by
 * document id. Works best on short factual sentences, one fact per line, the form the cloze
 * demonstrations teach.
 */
final class FreeTextCorpus {
  private FreeTextCorpus() {}

  /**
   * The world of {@code settings} on {@code corpus}.
   *
   * @throws SpiceException.ConfigurationException for an unknown corpus name or path, or too few documents
   */
  static FreeTextWorld world(FreeTextSettings settings, String corpus, int maxDocuments, int maxWords,
      PrintStream out) {
    if (corpus.equals("factbook-facts")) {
      return new FreeTextWorld(settings);
    }
    List<Document> all;
    String name;
    if (corpus.equals("elements")) {
      all = Elements.documents();
      name = "elements";
    } else {
      Path p = Path.of(corpus);
      if (!Files.exists(p)) {
        throw new SpiceException.ConfigurationException("--corpus " + corpus + ": no such file or folder (or use "
            + "elements or factbook-facts)");
      }
      try (CorpusSource src = Files.isDirectory(p) ? Corpora.directory(p).build() : Corpora.jsonl(p).build()) {
        long n = src.size().orElseThrow(() -> new SpiceException.ConfigurationException("--corpus " + corpus
            + ": the corpus does not know its size; give a JSONL file or a folder"));
        all = src.next((int) Math.min(n, maxDocuments));
      }
      name = p.getFileName().toString();
    }
    List<Document> kept = new ArrayList<>();
    int tooLong = 0;
    for (Document d : all) {
      if (kept.size() == maxDocuments) {
        break;
      }
      if (d.text().isBlank()) {
        continue;
      }
      if (d.text().strip().split("\\s+").length > maxWords) {
        tooLong++;
        continue;
      }
      kept.add(d);
    }
    out.printf(Locale.ROOT, "Corpus %s: %d documents read, %d kept, %d skipped as longer than %d words "
        + "(--max-document-words), %d blank or over --max-documents%n", name, all.size(), kept.size(), tooLong,
        maxWords, all.size() - kept.size() - tooLong);
    return new FreeTextWorld(settings, kept, name, Document::id);
  }
}
