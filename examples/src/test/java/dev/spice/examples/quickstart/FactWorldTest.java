package dev.spice.examples.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.Prompt;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.TaskCodec;
import dev.spice.core.TaskFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FactWorldTest {
  static final FactWorld WORLD = FactWorld.fromFactbook(24, QuickstartSettings.DEFAULT_FIELDS, 16, 1);

  @Test
  void worldHasOneTokenValuesAndTheRequestedSize() {
    assertEquals(24, WORLD.countries().size());
    assertEquals(144, WORLD.facts().size());
    for (FactWorld.Fact f : WORLD.facts()) {
      assertFalse(f.value().contains(" "), f.toString());
      assertFalse(f.country().contains(" "), f.toString());
    }
    Set<String> vocab = new HashSet<>(WORLD.vocabulary());
    assertEquals(WORLD.vocabulary().size(), vocab.size());
    for (String f : WORLD.fields()) {
      assertTrue(WORLD.values(f).size() >= 4, f + " has " + WORLD.values(f));
    }
  }

  @Test
  void documentsAreShuffledSubsetsOfFactLines() {
    List<Document> docs = WORLD.documents(3, 4, 6, 5);
    assertEquals(72, docs.size());
    for (Document d : docs) {
      String[] lines = d.text().split("\n");
      assertTrue(lines.length >= 4 && lines.length <= 6, d.text());
      Set<String> fields = new HashSet<>();
      for (String l : lines) {
        FactWorld.Fact f = WORLD.parseLine(l).orElseThrow();
        assertEquals(d.metadata().get("country"), f.country());
        assertTrue(fields.add(f.field()), "repeated field in " + d.text());
      }
    }
    assertEquals(docs, WORLD.documents(3, 4, 6, 5));
    assertNotEquals(docs, WORLD.documents(3, 4, 6, 6));
    assertThrows(SpiceException.ConfigurationException.class, () -> WORLD.documents(3, 4, 7, 5));
  }

  @Test
  void codecDecodesValidActionsAndRejectsEverythingElse() {
    FactTaskCodec codec = new FactTaskCodec(WORLD);
    Document d = WORLD.documents(1, 4, 4, 3).get(0);
    String[] lines = d.text().split("\n");
    TaskCodec.Decoded ok = codec.decode("FREE@L2", d, 1);
    assertNotNull(ok.task());
    FactWorld.Fact f = WORLD.parseLine(lines[2]).orElseThrow();
    assertEquals(f.value(), ok.task().goldAnswer());
    assertEquals("FREE " + f.country() + " " + f.field() + " ?", ok.task().question());
    Task mcq = codec.decode("MCQ@L0", d, 1).task();
    assertEquals(TaskFormat.MULTIPLE_CHOICE, mcq.format());
    assertEquals(WORLD.parseLine(lines[0]).orElseThrow().value(), mcq.goldText());
    assertEquals(4, new HashSet<>(mcq.options()).size());
    for (String bad : List.of("", "FREE", "<L1>", "FREE <L1>", "FREE@L4", "MCQ@L15", "MCQ@", "MCQ@Lx", "FREE@L1 MCQ@L2", "xyz@L1", "@L1")) {
      TaskCodec.Decoded dec = codec.decode(bad, d, 1);
      assertNull(dec.task(), bad);
      assertNotNull(dec.invalidReason(), bad);
    }
  }

  @Test
  void everyActionIsValidExactlyWhenItsLineExists() {
    FactWorld w = FactWorld.fromFactbook(24, QuickstartSettings.DEFAULT_FIELDS, 6, 1);
    FactTaskCodec codec = new FactTaskCodec(w);
    assertEquals(12, w.actionTokens().size());
    for (Document d : w.documents(3, 4, 6, 2)) {
      int lines = d.text().split("\n").length;
      int valid = 0;
      for (String a : w.actionTokens()) {
        Task t = codec.decode(a, d, 5).task();
        if (t != null) {
          valid++;
          assertEquals(a.startsWith(FactWorld.MCQ + "@") ? TaskFormat.MULTIPLE_CHOICE : TaskFormat.FREE_FORM, t.format(), a);
        }
      }
      // a uniformly random action is valid with probability lines / pointers (>= 4/6 here)
      assertEquals(2 * lines, valid, d.text());
    }
  }

  @Test
  void multipleChoiceOrderIsFreshPerInstanceButDeterministic() {
    FactTaskCodec codec = new FactTaskCodec(WORLD);
    Document d = WORLD.documents(1, 4, 4, 3).get(0);
    Set<String> golds = new HashSet<>();
    Random r = new Random(3);
    for (int i = 0; i < 40; i++) {
      long seed = r.nextLong();
      Task t = codec.decode("MCQ@L1", d, seed).task();
      assertEquals(t, codec.decode("MCQ@L1", d, seed).task());
      golds.add(t.goldAnswer());
    }
    assertEquals(4, golds.size(), "the gold letter should vary across instances");
  }

  @Test
  void rolesConstrainAnswersAndChallengerDrawsFreshOrders() {
    FactRoles.FactChallenger ch = FactRoles.challenger(WORLD, new FactTaskCodec(WORLD), 9);
    Document d = WORLD.documents(1, 5, 5, 3).get(0);
    Prompt cp = ch.prompt(d);
    assertTrue(cp.text().startsWith(FactWorld.CHALLENGER_TOKEN + " <L0> "), cp.text());
    assertEquals(WORLD.actionTokens(), cp.allowedTokens());
    assertEquals(2 * 16, cp.allowedTokens().size());
    assertTrue(cp.allowedTokens().contains("MCQ@L0") && cp.allowedTokens().contains("FREE@L15"), cp.allowedTokens().toString());
    Completion c = new Completion("MCQ@L3", new int[0], new int[] {1}, new float[] {0}, Completion.FinishReason.LENGTH);
    ch.onIterationStart(0);
    Set<String> golds = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      golds.add(ch.parse(d, cp, c).task().goldAnswer());
    }
    assertTrue(golds.size() > 1, "fresh option order per instance");
    ch.onIterationStart(0);
    Task again = ch.parse(d, cp, c).task();
    ch.onIterationStart(0);
    assertEquals(again, ch.parse(d, cp, c).task());

    var reasoner = FactRoles.reasoner(WORLD);
    Task free = ch.parse(d, cp, new Completion("FREE@L1", new int[0], new int[] {1}, new float[] {0},
        Completion.FinishReason.LENGTH)).task();
    Prompt rp = reasoner.prompt(free);
    assertEquals(WORLD.values(free.metadata().get("field")), rp.allowedTokens());
    assertFalse(rp.text().contains(free.goldAnswer()), rp.text());
    Prompt mp = reasoner.prompt(again);
    assertEquals(FactWorld.LETTERS, mp.allowedTokens());
  }

  @Test
  void settingsValidateAndNameBadValues() {
    SpiceException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> QuickstartSettings.builder().iterations(0).groupSize(1).build());
    assertTrue(e.getMessage().contains("iterations"), e.getMessage());
    assertTrue(e.getMessage().contains("groupSize"), e.getMessage());
    assertEquals(QuickstartSettings.defaults(), QuickstartSettings.defaults().toBuilder().build());
  }
}
