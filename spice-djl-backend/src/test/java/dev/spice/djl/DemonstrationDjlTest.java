package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Demonstration;
import dev.spice.core.Document;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.SupervisedSample;
import dev.spice.core.engine.WarmStart;
import dev.spice.core.engine.WarmStartMetricNames;
import dev.spice.core.engine.WarmStartResult;
import dev.spice.core.testing.ListCorpus;
import dev.spice.core.text.PromptTemplate;
import dev.spice.core.text.Tokenizer;
import dev.spice.core.text.WordTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DjlPolicy#demonstrationSample}: the prompt encoded as generation encodes it, the completion
 * and the end-of-sequence id as targets, its errors; a demonstration-only {@link WarmStart} teaches
 * a tiny model to answer each prompt exactly and stop; a warm start mixing documents and
 * demonstrations resumes exactly.
 */
class DemonstrationDjlTest {
  private static final int EOS = Fixtures.tokenizer().tokenId(WordTokenizer.EOS);
  private static final List<Demonstration> DEMOS = List.of(
      new Demonstration(Prompt.of(Role.REASONER, "w1 w2 w3"), "w10 w11"),
      new Demonstration(Prompt.of(Role.REASONER, "w4 w5"), "w12"),
      new Demonstration(Prompt.of(Role.CHALLENGER, "w1 w2 w6"), "w13 w14 w15"));
  /** Greedy: top-k 1. */
  private static final SamplingParams GREEDY = new SamplingParams(1.0, 1.0, 1, 8, List.of(), 0);

  private static DjlPolicy policy(PromptTemplate template, boolean addBos) {
    return DjlPolicy.builder().randomInit(Fixtures.qwen3(), 3).tokenizer(Fixtures.tokenizer()).template(template)
        .addBos(addBos).build();
  }

  @Test
  void thePromptTokensAreThoseGenerationFeedsAndTheTargetsEndWithTheStopId() {
    PromptTemplate question = p -> "w39 " + p.text() + " w38";
    for (PromptTemplate template : List.of(PromptTemplate.RAW, PromptTemplate.PLAIN, question)) {
      for (boolean addBos : new boolean[] {false, true}) {
        try (DjlPolicy p = policy(template, addBos)) {
          List<Completion> generated = p.generate(DEMOS.stream().map(Demonstration::prompt).toList(), GREEDY);
          for (int i = 0; i < DEMOS.size(); i++) {
            Demonstration d = DEMOS.get(i);
            SupervisedSample s = p.demonstrationSample(d);
            assertArrayEquals(generated.get(i).promptTokens(), s.promptTokens(), "template " + template + ", bos " + addBos);
            int[] completion = p.tokenize(d.completion());
            int[] expected = Arrays.copyOf(completion, completion.length + 1);
            expected[completion.length] = EOS;
            assertArrayEquals(expected, s.targetTokens());
            assertEquals(1.0, s.weight());
          }
        }
      }
    }
  }

  @Test
  void aPolicyWithoutAStopIdOrACompletionWithoutUsableTokensIsRefusedClearly() {
    try (DjlPolicy p = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 3).tokenizer(WordTokenizer.of(Fixtures.WORDS))
        .build()) {
      SpiceException.ConfigurationException e = assertThrows(SpiceException.ConfigurationException.class,
          () -> p.demonstrationSample(DEMOS.get(0)));
      assertTrue(e.getMessage().contains("no end-of-sequence token"), e.getMessage());
      SpiceException.ConfigurationException w = assertThrows(SpiceException.ConfigurationException.class,
          () -> WarmStart.builder().policy(p).maxTokens(8).documentsPerStep(0).demonstrations(DEMOS, 1).build());
      assertTrue(w.getMessage().startsWith("demonstration 0 cannot be encoded by policy djl-pytorch: this policy has no "
          + "end-of-sequence token"), w.getMessage());
    }
    WordTokenizer words = Fixtures.tokenizer();
    Tokenizer odd = new Tokenizer() {
      @Override
      public int[] encode(String text) {
        return switch (text) {
          case "silent" -> new int[0];
          case "huge" -> new int[] {words.tokenId("w1"), 999};
          default -> words.encode(text);
        };
      }

      @Override
      public String decode(int[] ids) {
        return words.decode(ids);
      }

      @Override
      public int[] eosIds() {
        return words.eosIds();
      }
    };
    try (DjlPolicy p = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 3).tokenizer(odd).build()) {
      Prompt prompt = DEMOS.get(0).prompt();
      SpiceException.BackendException e = assertThrows(SpiceException.BackendException.class,
          () -> p.demonstrationSample(new Demonstration(prompt, "silent")));
      assertTrue(e.getMessage().contains("demonstration completion 'silent' tokenizes to zero tokens"), e.getMessage());
      e = assertThrows(SpiceException.BackendException.class,
          () -> p.demonstrationSample(new Demonstration(prompt, "huge")));
      assertTrue(e.getMessage().contains("demonstration completion 'huge': token 1 has id 999, outside the model "
          + "vocabulary [0, 44)"), e.getMessage());
      e = assertThrows(SpiceException.BackendException.class,
          () -> p.demonstrationSample(new Demonstration(Prompt.of(Role.REASONER, "huge"), "w1")));
      assertTrue(e.getMessage().contains("demonstration prompt: token 1 has id 999"), e.getMessage());
      String longText = String.join(" ", java.util.Collections.nCopies(2048, "w1"));
      e = assertThrows(SpiceException.BackendException.class,
          () -> p.demonstrationSample(new Demonstration(prompt, longText)));
      assertTrue(e.getMessage().contains("more than max_position_embeddings 2048"), e.getMessage());
      assertThrows(NullPointerException.class, () -> p.demonstrationSample(null));
    }
  }

  @Test
  void aDemonstrationOnlyWarmStartTeachesEachAnswerAndTheStop() {
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 3, OptimizerSettings.adamW(1e-2));
        WarmStart warm = WarmStart.builder().policy(p).maxTokens(8).documentsPerStep(0).demonstrations(DEMOS, 3)
            .seed(2).build()) {
      int steps = 0;
      boolean learned = false;
      double first = Double.NaN;
      double last = Double.NaN;
      while (!learned && steps < 300) {
        WarmStartResult r = warm.step();
        assertFalse(r.update().skipped(), r.update().skipReason());
        assertEquals(3, r.metrics().get(WarmStartMetricNames.DEMONSTRATIONS));
        last = r.metrics().get(WarmStartMetricNames.LOSS);
        first = steps == 0 ? last : first;
        steps++;
        if (steps % 20 == 0) {
          learned = answersExactly(p);
        }
      }
      System.out.printf("demonstrations learned: %d steps, loss %.3f -> %.4f%n", steps, first, last);
      assertTrue(learned, "the demonstrations are not reproduced greedily after " + steps + " steps (loss " + first
          + " -> " + last + ")");
    }
  }

  private static boolean answersExactly(DjlPolicy p) {
    List<Completion> cs = p.generate(DEMOS.stream().map(Demonstration::prompt).toList(), GREEDY);
    for (int i = 0; i < DEMOS.size(); i++) {
      Completion c = cs.get(i);
      if (!c.text().equals(DEMOS.get(i).completion()) || c.finishReason() != Completion.FinishReason.STOP
          || !Arrays.equals(p.demonstrationSample(DEMOS.get(i)).targetTokens(), c.tokens())) {
        return false;
      }
    }
    return true;
  }

  @Test
  void aWarmStartMixingDocumentsAndDemonstrationsResumesExactly(@TempDir Path tmp) {
    OptimizerSettings opt = OptimizerSettings.adamW(1e-2);
    float[] straightWeights;
    List<WarmStartResult> straight;
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 3, opt); WarmStart warm = warmStart(p)) {
      straight = steps(warm, 6);
      straightWeights = ((DjlPolicyImpl) p).weights();
    }
    Path ckpt;
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 3, opt); WarmStart warm = warmStart(p)) {
      List<WarmStartResult> head = steps(warm, 3);
      for (int s = 0; s < 3; s++) {
        assertEquals(loss(straight.get(s)), loss(head.get(s)));
      }
      ckpt = warm.saveCheckpoint(tmp);
    }
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 17, opt); WarmStart warm = warmStart(p)) {
      warm.restore(ckpt);
      List<WarmStartResult> tail = steps(warm, 3);
      for (int s = 0; s < 3; s++) {
        assertEquals(straight.get(3 + s).demonstrations(), tail.get(s).demonstrations());
        assertEquals(loss(straight.get(3 + s)), loss(tail.get(s)), "step " + (3 + s));
      }
      assertArrayEquals(straightWeights, ((DjlPolicyImpl) p).weights());
      assertEquals(6, p.updateCount());
    }
  }

  private static WarmStart warmStart(DjlPolicy p) {
    ListCorpus corpus = new ListCorpus("tiny", List.of(
        Document.of("a", "w12 w7 w30 w7 w19 w4 w25 w16 w3 w14", "tiny"),
        Document.of("b", "w3 w14 w22 w9 w14 w35 w1 w28", "tiny"),
        Document.of("c", "w27 w5 w31 w11 w38 w5 w0 w17 w20", "tiny")), 1);
    int bos = Fixtures.tokenizer().tokenId(WordTokenizer.BOS);
    return WarmStart.builder().policy(p).corpus(corpus).maxTokens(6).startToken(bos).documentsPerStep(2)
        .demonstrations(DEMOS, 2).seed(4).build();
  }

  /** Every result of {@code n} steps ({@code run(n)} returns only a summary). */
  private static List<WarmStartResult> steps(WarmStart warm, int n) {
    List<WarmStartResult> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(warm.step());
    }
    return out;
  }

  private static double loss(WarmStartResult r) {
    return r.metrics().get(WarmStartMetricNames.LOSS);
  }
}
