package dev.spice.rewards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spice.core.AnswerType;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.core.SpiceException.RewardException;
import dev.spice.core.Task;
import dev.spice.rewards.verify.AnswerExtractors;
import dev.spice.rewards.verify.AnswerVerifier;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReasonerRewardsTest {

  @Test
  void correctnessIsOneOrZeroAndEmitsCorrect() {
    Task t = Fixtures.INT_TASK;
    List<ReasonerAttempt> items = List.of(Fixtures.answer(t, "so \\boxed{42}"), Fixtures.answer(t, "\\boxed{43}"),
        Fixtures.answer(t, "The answer is 42."), Fixtures.answer(t, "nothing"));
    Rewards r = ReasonerRewards.correctness().score(items, Fixtures.reasonerContext(t));
    assertArrayEquals(new double[] {1, 0, 1, 0}, r.values());
    assertArrayEquals(new double[] {1, 0, 1, 0}, r.components().get(Rewards.CORRECT));
    assertEquals("correctness", ReasonerRewards.correctness().name());
  }

  @Test
  void attemptAnswerIsUsedWhenTheTextHasNone() {
    Task t = Fixtures.INT_TASK;
    ReasonerAttempt a = new ReasonerAttempt(t, dev.spice.core.Prompt.of(dev.spice.core.Role.REASONER, "q"),
        Fixtures.completion("forty-two"), "42");
    assertArrayEquals(new double[] {1}, ReasonerRewards.correctness().score(List.of(a), Fixtures.reasonerContext(t)).values());
  }

  @Test
  void multipleChoiceAcceptsLetterFormsAndOptionText() {
    Task m = Fixtures.MCQ_TASK;
    List<ReasonerAttempt> items = List.of(Fixtures.answer(m, "\\boxed{A}"), Fixtures.answer(m, "\\boxed{\\text{(A)}}"),
        Fixtures.answer(m, "Answer: Paris"), Fixtures.answer(m, "\\boxed{B}"), Fixtures.answer(m, "The answer is (a)."));
    assertArrayEquals(new double[] {1, 1, 1, 0, 1},
        ReasonerRewards.correctness().score(items, Fixtures.reasonerContext(m)).values());
  }

  @Test
  void aliasesFromTaskMetadataAreAccepted() {
    Task t = new Task("Largest US city?", dev.spice.core.TaskFormat.FREE_FORM, List.of(), "New York City",
        AnswerType.STRING, Map.of("aliases", "NYC|New York"));
    List<ReasonerAttempt> items = List.of(Fixtures.answer(t, "\\boxed{nyc}"), Fixtures.answer(t, "\\boxed{new-york}"),
        Fixtures.answer(t, "\\boxed{Boston}"));
    assertArrayEquals(new double[] {1, 1, 0}, ReasonerRewards.correctness().score(items, Fixtures.reasonerContext(t)).values());
  }

  @Test
  void weightedCompositionSumsNamedSubScores() {
    Task t = Fixtures.INT_TASK;
    RewardFunction<ReasonerAttempt> len = (items, ctx) -> {
      double[] v = new double[items.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = items.get(i).completion().text().length() > 20 ? 1 : 0;
      }
      return Rewards.of(v);
    };
    RewardFunction<ReasonerAttempt> f = ReasonerRewards.builder().correctnessWeight(1).formatWeight(0.5)
        .add("long", len, -0.25).name("mine").build();
    List<ReasonerAttempt> items = List.of(Fixtures.answer(t, "\\boxed{42}"), Fixtures.answer(t, "The answer is 42. Said at length"),
        Fixtures.answer(t, "\\boxed{7}"));
    Rewards r = f.score(items, Fixtures.reasonerContext(t));
    assertArrayEquals(new double[] {1.5, 0.75, 0.5}, r.values(), 1e-12);
    assertArrayEquals(new double[] {1, 1, 0}, r.components().get(Rewards.CORRECT));
    assertArrayEquals(new double[] {1, 0, 1}, r.components().get("format"));
    assertArrayEquals(new double[] {0, 1, 0}, r.components().get("long"));
    assertEquals("mine", f.name());
  }

  @Test
  void formatRewardRewardsABoxAndStillReportsCorrectness() {
    Task t = Fixtures.INT_TASK;
    Rewards r = ReasonerRewards.format().score(List.of(Fixtures.answer(t, "\\boxed{41}"), Fixtures.answer(t, "Answer: 42")),
        Fixtures.reasonerContext(t));
    assertArrayEquals(new double[] {1, 0}, r.values());
    assertArrayEquals(new double[] {0, 1}, r.components().get(Rewards.CORRECT));
  }

  @Test
  void builderRejectsBadSettings() {
    assertThrows(ConfigurationException.class, () -> ReasonerRewards.builder().correctnessWeight(Double.NaN).build());
    assertThrows(ConfigurationException.class, () -> ReasonerRewards.builder().add(Rewards.CORRECT, (i, c) -> Rewards.of(), 1).build());
    assertThrows(ConfigurationException.class, () -> ReasonerRewards.builder().name(" ").build());
    assertThrows(ConfigurationException.class, () -> ReasonerRewards.builder().extractor(null).build());
  }

  /** Accepts only the Roman numeral XLII, whatever the gold answer. */
  private static final AnswerVerifier ROMAN = (predicted, gold, type) -> "XLII".equals(predicted);

  @Test
  void correctnessUsesTheGivenExtractorAndVerifier() {
    Task t = Fixtures.INT_TASK;
    List<ReasonerAttempt> items = List.of(Fixtures.answer(t, "\\boxed{XLII}"), Fixtures.answer(t, "\\boxed{42}"));
    RewardFunction<ReasonerAttempt> roman = ReasonerRewards.correctness(AnswerExtractors.defaults(), ROMAN);
    assertEquals("correctness", roman.name());
    Rewards r = roman.score(items, Fixtures.reasonerContext(t));
    assertArrayEquals(new double[] {1, 0}, r.values());
    assertArrayEquals(new double[] {1, 0}, r.components().get(Rewards.CORRECT));
    RewardFunction<ReasonerAttempt> whole = ReasonerRewards.correctness((text, task) -> Optional.of(text.strip()), ROMAN);
    assertArrayEquals(new double[] {1, 0}, whole.score(List.of(Fixtures.answer(t, " XLII "), Fixtures.answer(t, "\\boxed{XLII}")),
        Fixtures.reasonerContext(t)).values(), "the whole text is the answer");
    NullPointerException e = assertThrows(NullPointerException.class, () -> ReasonerRewards.correctness(null, ROMAN));
    assertEquals("extractor", e.getMessage());
  }

  @Test
  void builderUsesTheGivenVerifier() {
    Task t = Fixtures.INT_TASK;
    RewardFunction<ReasonerAttempt> f = ReasonerRewards.builder().verifier(ROMAN).build();
    assertArrayEquals(new double[] {1, 0}, f.score(List.of(Fixtures.answer(t, "\\boxed{XLII}"), Fixtures.answer(t, "\\boxed{42}")),
        Fixtures.reasonerContext(t)).values());
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> ReasonerRewards.builder().verifier(null).build());
    assertEquals("extractor and verifier must not be null", e.getMessage());
  }

  @Test
  void formatSubScoreIsReportedWhenWeightedOrWhenTheFunctionIsNamedFormat() {
    Task t = Fixtures.INT_TASK;
    List<ReasonerAttempt> items = List.of(Fixtures.answer(t, "\\boxed{41}"), Fixtures.answer(t, "Answer: 42"));
    Rewards plain = ReasonerRewards.builder().build().score(items, Fixtures.reasonerContext(t));
    assertArrayEquals(new double[] {0, 1}, plain.values());
    assertEquals(Set.of(Rewards.CORRECT, ReasonerRewards.CORRECTNESS), plain.components().keySet(),
        "no format weight: no format sub-score in the metrics");
    Rewards named = ReasonerRewards.builder().formatWeight(0).name(ReasonerRewards.FORMAT).build()
        .score(items, Fixtures.reasonerContext(t));
    assertArrayEquals(new double[] {0, 1}, named.values(), "weight 0: the format score adds nothing");
    assertArrayEquals(new double[] {1, 0}, named.components().get(ReasonerRewards.FORMAT));
  }

  @Test
  void aSubScoreOfTheWrongSizeFailsNamingIt() {
    Task t = Fixtures.INT_TASK;
    List<ReasonerAttempt> items = List.of(Fixtures.answer(t, "\\boxed{42}"), Fixtures.answer(t, "\\boxed{7}"));
    RewardException none = assertThrows(RewardException.class, () -> ReasonerRewards.builder()
        .add("broken", (i, c) -> null, 1).build().score(items, Fixtures.reasonerContext(t)));
    assertEquals("sub-score 'broken' returned null for 2 items", none.getMessage());
    RewardException one = assertThrows(RewardException.class, () -> ReasonerRewards.builder()
        .add("short", (i, c) -> Rewards.of(1), 1).build().score(items, Fixtures.reasonerContext(t)));
    assertEquals("sub-score 'short' returned 1 values for 2 items", one.getMessage());
  }
}
