package dev.spice.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.testing.BrokenBackend;
import dev.spice.core.testing.BrokenBackend.Fault;
import dev.spice.core.testing.ScriptedPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BackendCallsTest {
  static final List<Prompt> PROMPTS = List.of(Prompt.of(Role.REASONER, "a"), Prompt.of(Role.REASONER, "b"));
  static final SamplingParams SAMPLING = SamplingParams.defaults(4);

  @Test
  void goodBackendPassesThrough() {
    ScriptedPolicy p = new ScriptedPolicy((q, row, seed, pol) -> "x y");
    List<Completion> out = BackendCalls.generate(p, PROMPTS, SAMPLING, "reasoner generation");
    assertEquals(2, out.size());
    assertEquals(List.of(), BackendCalls.generate(p, List.of(), SAMPLING, "reasoner generation"));
    List<float[]> lp = BackendCalls.score(p, PROMPTS, List.of(new int[] {0}, new int[] {0, 1}), "reasoner scoring");
    assertEquals(2, lp.get(1).length);
    assertEquals(2, BackendCalls.tokenize(p, "x y", "reasoner tokenization").length);
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"TOO_FEW", "TOO_MANY", "NULL_LIST", "NULL_ELEMENT", "THROWS"})
  void badGenerationNamesBackendAndRole(Fault fault) {
    BrokenBackend b = BrokenBackend.of(fault, "x");
    SpiceException e = assertThrows(SpiceException.BackendException.class,
        () -> BackendCalls.generate(b, PROMPTS, SAMPLING, "challenger generation"));
    assertTrue(e.getMessage().contains(BrokenBackend.NAME), e.getMessage());
    assertTrue(e.getMessage().contains("challenger generation"), e.getMessage());
    if (fault == Fault.THROWS) {
      assertInstanceOf(IllegalStateException.class, e.getCause());
    }
  }

  @Test
  void wrongCountMessageGivesBothCounts() {
    SpiceException e = assertThrows(SpiceException.BackendException.class,
        () -> BackendCalls.generate(BrokenBackend.of(Fault.TOO_FEW, "x"), PROMPTS, SAMPLING, "reasoner generation"));
    assertEquals("reasoner generation: backend broken-backend returned 1 completions for 2 prompts", e.getMessage());
  }

  @Test
  void backendsOwnSpiceExceptionPassesUnchanged() {
    SpiceException e = assertThrows(SpiceException.BackendException.class,
        () -> BackendCalls.generate(BrokenBackend.of(Fault.THROWS_SPICE, "x"), PROMPTS, SAMPLING, "reasoner generation"));
    assertEquals("out of memory on purpose", e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"TOO_FEW", "TOO_MANY", "NULL_LIST", "NULL_ELEMENT", "THROWS", "SHORT_SCORES"})
  void badScoringNamesBackendAndRole(Fault fault) {
    BrokenBackend b = BrokenBackend.of(fault, "x");
    SpiceException e = assertThrows(SpiceException.BackendException.class,
        () -> BackendCalls.score(b, PROMPTS, List.of(new int[] {0, 1}, new int[] {1}), "reasoner scoring"));
    assertTrue(e.getMessage().contains(BrokenBackend.NAME), e.getMessage());
    assertTrue(e.getMessage().contains("reasoner scoring"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"NULL_TOKENS", "THROWS"})
  void badTokenizationNamesBackend(Fault fault) {
    SpiceException e = assertThrows(SpiceException.BackendException.class,
        () -> BackendCalls.tokenize(BrokenBackend.of(fault, "x"), "x", "reasoner tokenization"));
    assertTrue(e.getMessage().contains(BrokenBackend.NAME), e.getMessage());
  }

  @Test
  void mismatchedScoringInputsAreTheCallersError() {
    assertThrows(IllegalArgumentException.class, () -> BackendCalls.score(new ScriptedPolicy((q, r, s, p) -> "x"),
        PROMPTS, List.of(new int[] {0}), "reasoner scoring"));
  }

  @Test
  void nameFallsBackToTheClassName() {
    ScriptedPolicy inner = new ScriptedPolicy((q, r, s, p) -> "x");
    PolicyBackend nameless = new PolicyBackend() {
      @Override
      public String name() {
        return null;
      }

      @Override
      public List<Completion> generate(List<Prompt> prompts, SamplingParams params) {
        return List.of();
      }

      @Override
      public List<float[]> scoreContinuations(List<Prompt> prompts, List<int[]> continuations) {
        return inner.scoreContinuations(prompts, continuations);
      }

      @Override
      public int[] tokenize(String text) {
        return inner.tokenize(text);
      }

      @Override
      public String detokenize(int[] tokens) {
        return inner.detokenize(tokens);
      }
    };
    assertEquals(nameless.getClass().getName(), BackendCalls.name(nameless));
    SpiceException e = assertThrows(SpiceException.BackendException.class,
        () -> BackendCalls.generate(nameless, PROMPTS, SAMPLING, "reasoner generation"));
    assertTrue(e.getMessage().contains(nameless.getClass().getName() + " returned 0 completions"), e.getMessage());
  }
}
