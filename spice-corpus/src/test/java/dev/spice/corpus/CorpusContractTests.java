package dev.spice.corpus;

import dev.spice.core.CorpusSource;
import dev.spice.core.Document;
import dev.spice.core.testing.CorpusSourceContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The core contract run against every source of this module. */
class CorpusContractTests {

  static List<Document> docs(int n) {
    List<Document> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Document.of("d" + i, "Document number " + i + ". It has a sentence.", "t"));
    }
    return out;
  }

  @Nested
  class Memory extends CorpusSourceContract {
    @Override
    protected CorpusSource createSource(long seed) {
      return Corpora.memory(docs(23)).seed(seed).build();
    }
  }

  @Nested
  class FactbookCorpus extends CorpusSourceContract {
    @Override
    protected CorpusSource createSource(long seed) {
      return Corpora.factbook(seed);
    }
  }

  @Nested
  class ElementsCorpus extends CorpusSourceContract {
    @Override
    protected CorpusSource createSource(long seed) {
      return Corpora.elements(seed);
    }
  }

  @Nested
  class Jsonl extends CorpusSourceContract {
    @TempDir Path dir;

    @Override
    protected CorpusSource createSource(long seed) {
      Path p = dir.resolve("c.jsonl.gz");
      try {
        if (!Files.exists(p)) {
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < 31; i++) {
            sb.append("{\"id\":").append(i).append(",\"text\":\"line ").append(i).append("\"}\n");
          }
          try (var os = new java.util.zip.GZIPOutputStream(Files.newOutputStream(p))) {
            os.write(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Corpora.jsonl(p).idField("id").seed(seed).build();
    }
  }

  @Nested
  class Segmented extends CorpusSourceContract {
    @Override
    protected CorpusSource createSource(long seed) {
      return Corpora.memory(docs(9)).segment(Segmenter.chars(20)).seed(seed).build();
    }
  }
}
