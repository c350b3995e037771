package dev.spice.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.CorpusCursor;
import dev.spice.core.CorpusSource;
import dev.spice.core.Document;
import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.core.SpiceException.CorpusException;
import dev.spice.core.testing.CorpusSourceContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryAndMixtureTest {
  @TempDir Path dir;

  void tree() throws IOException {
    Files.createDirectories(dir.resolve("docs/sub"));
    Files.createDirectories(dir.resolve("docs/drafts"));
    Files.writeString(dir.resolve("docs/a.txt"), "\uFEFFAlpha text.");
    Files.writeString(dir.resolve("docs/sub/b.md"), "# Beta\n\nMarkdown body.");
    Files.writeString(dir.resolve("docs/drafts/c.txt"), "draft");
    Files.writeString(dir.resolve("docs/image.png"), "not text");
  }

  @Test
  void directoryIncludesExcludesAndIds() throws IOException {
    tree();
    try (Corpus c = Corpora.directory(dir.resolve("docs")).exclude("drafts/**").build()) {
      assertEquals("docs", c.name());
      Map<String, String> byId = new java.util.HashMap<>();
      c.next(2).forEach(d -> byId.put(d.id(), d.text()));
      assertEquals(Map.of("a.txt", "Alpha text.", "sub/b.md", "# Beta\n\nMarkdown body."), byId);
    }
    try (Corpus c = Corpora.directory(dir.resolve("docs")).include("*.txt").build()) {
      assertEquals(2, c.size().orElseThrow());
    }
  }

  @Test
  void directoryErrors() throws IOException {
    tree();
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.directory(dir.resolve("missing")).build());
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
    CorpusException e2 = assertThrows(CorpusException.class, () -> Corpora.directory(dir.resolve("docs")).include("*.rst").build());
    assertTrue(e2.getMessage().contains("no text files"), e2.getMessage());
    Files.write(dir.resolve("docs/sub/bad.txt"), new byte[] {'o', 'k', '\n', 'x', (byte) 0xFF, 'y'});
    CorpusException e3 = assertThrows(CorpusException.class, () -> Corpora.directory(dir.resolve("docs")).build());
    assertTrue(e3.getMessage().contains("bad.txt line 2 (byte offset 4)"), e3.getMessage());
  }

  static Corpus memory(String name, int n) {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      docs.add(Document.of(name + i, name + " text " + i, name));
    }
    return Corpora.memory(docs).name(name).build();
  }

  @Test
  void weightsAreHonouredChiSquare() {
    Corpus mix = Corpora.mix().add(memory("a", 10), 3).add(memory("b", 7), 1).seed(1).build();
    long[] counts = new long[2];
    for (int i = 0; i < 8000; i++) {
      counts[mix.next().source().equals("a") ? 0 : 1]++;
    }
    // 1 degree of freedom, p = 0.001 critical value 10.83
    double chi = Stats.chiSquare(counts, new double[] {0.75, 0.25});
    assertTrue(chi < 10.83, "chi2 " + chi + " counts " + counts[0] + "/" + counts[1]);
    assertEquals(17, mix.size().orElseThrow());
  }

  @Test
  void halfAndHalfMixtureResumesExactly() {
    List<Document> straight = Corpora.mix().add(memory("a", 5), 1).add(memory("b", 9), 1).build().next(60);
    Corpus first = Corpora.mix().add(memory("a", 5), 1).add(memory("b", 9), 1).build();
    List<Document> got = new ArrayList<>(first.next(23));
    CorpusCursor cur = first.cursor();
    assertTrue(cur.state().startsWith("draws=23;seed=42;w=1.00000,1.00000|a|epoch="), cur.state());
    assertTrue(cur.state().contains("|b|epoch="), cur.state());
    Corpus second = Corpora.mix().add(memory("a", 5), 1).add(memory("b", 9), 1).build();
    second.restore(cur);
    got.addAll(second.next(37));
    assertEquals(straight, got);
  }

  @Test
  void mixtureRejectsBadSettingsAndForeignCursorsAtomically() {
    assertThrows(ConfigurationException.class, () -> Corpora.mix().build());
    assertThrows(ConfigurationException.class, () -> Corpora.mix().add(memory("a", 3), 0).build());
    assertThrows(ConfigurationException.class, () -> Corpora.mix().add(memory("a", 3), Double.NaN).build());
    assertThrows(ConfigurationException.class, () -> Corpora.mix().add(memory("a", 3), 1).add(memory("a", 4), 1).build());
    Corpus m = Corpora.mix().add(memory("a", 5), 1).add(memory("b", 9), 1).build();
    m.next(7);
    CorpusCursor before = m.cursor();
    Corpus other = Corpora.mix().add(memory("a", 5), 1).add(memory("b", 10), 1).build();
    // child b rejects the cursor (different size); child a must be rolled back
    assertThrows(CorpusException.class, () -> m.restore(new CorpusCursor("mix", other.cursor().state())));
    assertEquals(before, m.cursor());
    Corpus otherWeights = Corpora.mix().add(memory("a", 5), 2).add(memory("b", 9), 1).build();
    assertThrows(CorpusException.class, () -> m.restore(otherWeights.cursor()));
    assertEquals(before, m.cursor());
  }

  @Test
  void nestedMixturesResumeExactly() {
    java.util.function.Supplier<Corpus> make = () -> Corpora.mix().name("outer")
        .add(Corpora.mix().name("inner").add(memory("a", 4), 1).add(memory("b", 5), 2).seed(3).build(), 1)
        .add(memory("c", 7), 1).build();
    List<Document> straight = make.get().next(50);
    Corpus first = make.get();
    List<Document> got = new ArrayList<>(first.next(21));
    CorpusCursor cur = first.cursor();
    Corpus second = make.get();
    second.restore(cur);
    got.addAll(second.next(29));
    assertEquals(straight, got);
  }

  @Nested
  class DirectoryContract extends CorpusSourceContract {
    @TempDir Path root;

    @Override
    protected CorpusSource createSource(long seed) {
      try {
        for (int i = 0; i < 12; i++) {
          Path p = root.resolve("f" + (i % 3) + "/doc" + i + ".txt");
          Files.createDirectories(p.getParent());
          Files.writeString(p, "Document " + i + " text.", StandardCharsets.UTF_8);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Corpora.directory(root).seed(seed).build();
    }
  }

  @Nested
  class MixtureContract extends CorpusSourceContract {
    @Override
    protected boolean epochsAreExact() {
      return false;
    }

    @Override
    protected CorpusSource createSource(long seed) {
      return Corpora.mix().add(memory("a", 6), 1).add(memory("b", 11), 1).seed(seed).build();
    }
  }

  @Test
  void mixtureDrawsFromEachChildWithoutReplacementWithinItsEpoch() {
    Corpus m = Corpora.mix().add(memory("a", 6), 1).add(memory("b", 6), 1).build();
    Set<String> fromA = new HashSet<>();
    int a = 0;
    while (a < 6) {
      Document d = m.next();
      if (d.source().equals("a")) {
        a++;
        assertTrue(fromA.add(d.id()), "repeated " + d.id());
      }
    }
  }
}
