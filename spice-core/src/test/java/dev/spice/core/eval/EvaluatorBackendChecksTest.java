package dev.spice.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.testing.BrokenBackend;
import dev.spice.core.testing.BrokenBackend.Fault;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The evaluators call backends through {@link dev.spice.core.BackendCalls}: bad backends fail with their name. */
class EvaluatorBackendChecksTest {
  static CoevolutionEvaluation.Builder withChallenger(BrokenBackend challenger, PassRateScorer scorer) {
    return CoevolutionEvaluationTest.base()
        .challengers(List.of(PolicyCheckpoint.of("broken", challenger)))
        .scorer(scorer);
  }

  static CoevolutionEvaluation.Builder withReasoner(BrokenBackend reasoner, PassRateScorer scorer) {
    return CoevolutionEvaluationTest.base()
        .reasoners(List.of(PolicyCheckpoint.of("broken", reasoner)))
        .scorer(scorer);
  }

  static PassRateScorer sampled() {
    return PassRateScorer.sampled(CoevolutionEvaluationTest.EXACT.async(), 2, SamplingParams.defaults(8));
  }

  static void assertNames(SpiceException e, String role) {
    assertTrue(e.getMessage().contains(BrokenBackend.NAME), e.getMessage());
    assertTrue(e.getMessage().contains(role), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"TOO_FEW", "TOO_MANY", "NULL_LIST", "NULL_ELEMENT", "THROWS"})
  void brokenChallengerFailsTheEvaluationNamingIt(Fault fault) {
    var eval = withChallenger(BrokenBackend.of(fault, "task 0"), PassRateScorer.exactGold()).build();
    assertNames(assertThrows(SpiceException.BackendException.class, eval::evaluate), "challenger");
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"TOO_FEW", "TOO_MANY", "NULL_LIST", "NULL_ELEMENT", "THROWS"})
  void brokenReasonerFailsTheSampledScorerNamingIt(Fault fault) {
    var eval = withReasoner(BrokenBackend.of(fault, "g0"), sampled()).build();
    assertNames(assertThrows(SpiceException.BackendException.class, eval::evaluate), "reasoner");
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"TOO_FEW", "TOO_MANY", "NULL_LIST", "NULL_ELEMENT", "THROWS",
      "SHORT_SCORES", "NULL_TOKENS"})
  void brokenReasonerFailsTheExactScorerNamingIt(Fault fault) {
    var eval = withReasoner(BrokenBackend.of(fault, "g0"), PassRateScorer.exactGold()).build();
    assertNames(assertThrows(SpiceException.BackendException.class, eval::evaluate), "reasoner");
  }

  @Test
  void wrongCountMessageFromTheEvaluation() {
    var eval = withChallenger(BrokenBackend.of(Fault.TOO_FEW, "task 0"), PassRateScorer.exactGold()).build();
    SpiceException e = assertThrows(SpiceException.BackendException.class, eval::evaluate);
    // two documents, three attempts each
    assertEquals("challenger generation (co-evolution evaluation): backend broken-backend returned 5 completions"
        + " for 6 prompts", e.getMessage());
  }

  @Test
  void scorersCalledDirectlyCheckTheBackendToo() {
    List<Task> tasks = List.of(Task.freeForm("q0", "g0", AnswerType.STRING));
    SpiceException e = assertThrows(SpiceException.BackendException.class,
        () -> sampled().passRates(BrokenBackend.of(Fault.NULL_LIST, "g0"), CoevolutionEvaluationTest.REASONER, tasks, 1));
    assertNames(e, "reasoner");
    e = assertThrows(SpiceException.BackendException.class, () -> PassRateScorer.exactGold()
        .passRates(BrokenBackend.of(Fault.SHORT_SCORES, "g0"), CoevolutionEvaluationTest.REASONER, tasks, 1));
    assertNames(e, "reasoner");
    e = assertThrows(SpiceException.BackendException.class, () -> CoevolutionEvaluationTest.base()
        .scorer(PassRateScorer.exactGold()).build().writeTasks(BrokenBackend.of(Fault.THROWS, "task 0"), 3));
    assertNames(e, "challenger");
    assertTrue(e.getMessage().contains("device lost"), e.getMessage());
  }
}
