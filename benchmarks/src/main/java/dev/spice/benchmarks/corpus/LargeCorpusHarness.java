package dev.spice.benchmarks.corpus;

import dev.spice.core.Document;
import dev.spice.corpus.Corpora;
import dev.spice.corpus.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Indexes a generated JSONL file of a given size (default 2 GiB, larger than the heap it runs
 * in) and samples from it, printing MB/s, ns per document and the heap retained by the index.
 * Not part of any build; run by hand:
 *
 * <pre>{@code
 * java -Xmx512m -cp benchmarks/target/benchmarks.jar \
 *     dev.spice.benchmarks.corpus.LargeCorpusHarness [gib] [dir]
 * }</pre>
 */
public final class LargeCorpusHarness {
  private LargeCorpusHarness() {}

  /** Arguments: size in GiB (default 2), directory for the temporary file (default tmpdir). */
  public static void main(String[] args) throws IOException {
    double gib = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
    Path dir = args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir"));
    long docs = (long) (gib * (1L << 30) / 1000);
    Path file = Files.createTempFile(dir, "spice-large-", ".jsonl");
    try {
      long t0 = System.nanoTime();
      CorpusBenchmarks.generate(file, docs, 7);
      long bytes = Files.size(file);
      System.out.printf(Locale.ROOT, "generated %,d documents, %,d bytes in %.1f s%n",
          docs, bytes, (System.nanoTime() - t0) / 1e9);
      Runtime rt = Runtime.getRuntime();
      System.gc();
      long heapBefore = rt.totalMemory() - rt.freeMemory();
      long t1 = System.nanoTime();
      try (Corpus c = Corpora.jsonl(file).idField("id").build()) {
        double s = (System.nanoTime() - t1) / 1e9;
        System.gc();
        long heapAfter = rt.totalMemory() - rt.freeMemory();
        System.out.printf(Locale.ROOT, "indexed %,d documents in %.1f s: %.0f MB/s; heap retained %.1f MB"
            + " (%.1f bytes/document; max heap %d MB)%n", c.size().orElseThrow(), s, bytes / 1e6 / s,
            (heapAfter - heapBefore) / 1e6, (heapAfter - heapBefore) / (double) docs, rt.maxMemory() >> 20);
        int n = 200_000;
        long t2 = System.nanoTime();
        long chars = 0;
        for (int i = 0; i < n; i++) {
          Document d = c.next();
          chars += d.text().length();
        }
        double ns = (System.nanoTime() - t2) / (double) n;
        System.gc();
        long heapSampling = rt.totalMemory() - rt.freeMemory();
        System.out.printf(Locale.ROOT, "sampled %,d documents: %.0f ns/document (%,d chars);"
            + " heap with permutation %.1f MB%n", n, ns, chars, (heapSampling - heapBefore) / 1e6);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
