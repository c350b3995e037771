package dev.spice.benchmarks.corpus;

import dev.spice.core.Document;
import dev.spice.corpus.Corpora;
import dev.spice.corpus.Corpus;
import dev.spice.corpus.Segmenter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * spice-corpus throughput: JSONL indexing (ms per build of a generated file; MB/s = file size /
 * time) and sampling (ns per document) from a JSONL corpus, a segmented one and the bundled
 * Factbook.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar 'corpus.CorpusBenchmarks'}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class CorpusBenchmarks {

  /** Documents in the generated JSONL file (about 1 KB each). */
  @Param({"50000"})
  public int documents;

  private Path file;
  private Corpus jsonl;
  private Corpus segmented;
  private Corpus factbook;

  /** Writes {@code n} JSON lines of about 1 KB of ASCII words each; returns the file. */
  public static Path generate(Path file, long n, long seed) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    String[] words = {"river", "mountain", "capital", "export", "climate", "border", "island", "census",
        "harbour", "valley", "treaty", "currency", "plateau", "coast", "desert", "forest"};
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      StringBuilder sb = new StringBuilder(2048);
      for (long i = 0; i < n; i++) {
        sb.setLength(0);
        sb.append("{\"id\":\"doc-").append(i).append("\",\"meta\":{\"lang\":\"en\"},\"text\":\"");
        int len = 0;
        while (len < 950) {
          String word = words[r.nextInt(words.length)];
          sb.append(word);
          len += word.length() + 1;
          sb.append(r.nextInt(12) == 0 ? ". " : " ");
        }
        sb.append("\"}\n");
        w.append(sb);
      }
    }
    return file;
  }

  /** Generates the file and opens the corpora. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    file = generate(Files.createTempFile("spice-bench-", ".jsonl"), documents, 1);
    jsonl = Corpora.jsonl(file).idField("id").build();
    segmented = Corpora.jsonl(file).idField("id").segment(Segmenter.chars(256)).build();
    factbook = Corpora.factbook(1);
  }

  /** Closes the corpora and removes the file. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    jsonl.close();
    segmented.close();
    factbook.close();
    Files.deleteIfExists(file);
  }

  /** Full index build of the generated file (read, decode, parse, index). */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public long indexJsonl() {
    try (Corpus c = Corpora.jsonl(file).idField("id").build()) {
      return c.size().orElseThrow();
    }
  }

  /** One sampled document from the JSONL corpus (positional read + parse). */
  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Document sampleJsonl() {
    return jsonl.next();
  }

  /** One sampled 256-char segment from the JSONL corpus. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Document sampleSegmentedJsonl() {
    return segmented.next();
  }

  /** One sampled document from the bundled Factbook (in memory). */
  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Document sampleFactbook() {
    return factbook.next();
  }
}
