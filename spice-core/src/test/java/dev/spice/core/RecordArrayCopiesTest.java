package dev.spice.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.engine.DocumentRollout;
import dev.spice.core.internal.model.SafeTensors;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Public records that hold arrays never hand out, or keep, an array someone else can modify. */
class RecordArrayCopiesTest {
  static final Prompt PROMPT = Prompt.of(Role.REASONER, "q");

  static Completion completion() {
    return new Completion("a b", new int[] {7, 8}, new int[] {1, 2}, new float[] {-0.5f, -0.25f},
        Completion.FinishReason.STOP);
  }

  @Test
  void completionArraysAreCopiedInAndOut() {
    int[] prompt = {7, 8};
    int[] tokens = {1, 2};
    float[] lp = {-0.5f, -0.25f};
    Completion c = new Completion("a b", prompt, tokens, lp, Completion.FinishReason.STOP);
    prompt[0] = 99;
    tokens[0] = 99;
    lp[0] = 99;
    c.promptTokens()[0] = 42;
    c.tokens()[0] = 42;
    c.logProbs()[0] = 42;
    assertArrayEquals(new int[] {7, 8}, c.promptTokens());
    assertArrayEquals(new int[] {1, 2}, c.tokens());
    assertArrayEquals(new float[] {-0.5f, -0.25f}, c.logProbs());
    assertNotSame(c.tokens(), c.tokens());
    assertEquals(2, c.tokenCount());
    assertEquals(2, c.promptTokenCount());
    assertEquals(-0.75, c.totalLogProb(), 1e-12);
  }

  @Test
  void completionEqualityIsByContent() {
    assertEquals(completion(), completion());
    assertEquals(completion().hashCode(), completion().hashCode());
    Completion otherPrompt = new Completion("a b", new int[] {7, 9}, new int[] {1, 2}, new float[] {-0.5f, -0.25f},
        Completion.FinishReason.STOP);
    assertNotEquals(completion(), otherPrompt);
    Completion otherLp = new Completion("a b", new int[] {7, 8}, new int[] {1, 2}, new float[] {-0.5f, -0.5f},
        Completion.FinishReason.STOP);
    assertNotEquals(completion(), otherLp);
    assertTrue(completion().toString().contains("tokens=2"), completion().toString());
  }

  @Test
  void trainingSampleArraysAreCopiedInAndOut() {
    int[] prompt = {7, 8};
    int[] tokens = {1, 2, 3};
    float[] lp = {-1, -2, -3};
    TrainingSample s = new TrainingSample(Role.REASONER, PROMPT, prompt, tokens, lp, 0.5, "g");
    prompt[0] = 99;
    tokens[0] = 99;
    lp[0] = 99;
    s.promptTokens()[1] = 42;
    s.completionTokens()[1] = 42;
    s.oldLogProbs()[1] = 42;
    assertArrayEquals(new int[] {7, 8}, s.promptTokens());
    assertArrayEquals(new int[] {1, 2, 3}, s.completionTokens());
    assertArrayEquals(new float[] {-1, -2, -3}, s.oldLogProbs());
    assertEquals(2, s.promptLength());
    assertEquals(3, s.completionLength());
  }

  @Test
  void trainingSampleFromCompletionIsIndependentAndEqualByContent() {
    Completion c = completion();
    TrainingSample a = TrainingSample.of(Role.REASONER, PROMPT, c, 1.0, "g");
    TrainingSample b = TrainingSample.of(Role.REASONER, PROMPT, completion(), 1.0, "g");
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, TrainingSample.of(Role.REASONER, PROMPT, c, 2.0, "g"));
    assertNotEquals(a, new TrainingSample(Role.REASONER, PROMPT, c.promptTokens(), new int[] {1, 3}, c.logProbs(), 1.0, "g"));
    a.completionTokens()[0] = 5;
    assertArrayEquals(c.tokens(), a.completionTokens());
  }

  @Test
  void rewardsArraysAreCopiedInAndOut() {
    double[] values = {1, 0, Double.NaN};
    double[] correct = {1, 0, 0};
    Map<String, double[]> comps = new TreeMap<>(Map.of(Rewards.CORRECT, correct));
    Rewards r = new Rewards(values, comps);
    values[0] = 99;
    correct[0] = 99;
    comps.put("late", new double[] {1, 2, 3});
    r.values()[1] = 42;
    r.components().get(Rewards.CORRECT)[1] = 42;
    r.component(Rewards.CORRECT)[2] = 42;
    r.passIndicators()[2] = 42;
    assertThrows(UnsupportedOperationException.class, () -> r.components().put("x", new double[3]));
    assertArrayEquals(new double[] {1, 0, Double.NaN}, r.values());
    assertArrayEquals(new double[] {1, 0, 0}, r.component(Rewards.CORRECT));
    assertArrayEquals(new double[] {1, 0, 0}, r.passIndicators());
    assertEquals(List.of(Rewards.CORRECT), List.copyOf(r.components().keySet()));
    assertEquals(0, r.value(1));
    assertThrows(IndexOutOfBoundsException.class, () -> r.value(3));
    assertTrue(r.hasComponent(Rewards.CORRECT));
    assertNull(r.component("nope"));
    assertArrayEquals(new double[] {0.5, 1}, Rewards.of(0.5, 1).passIndicators(), "without 'correct', the values");
  }

  @Test
  void rewardsEqualityIsByContent() {
    Rewards a = new Rewards(new double[] {1, Double.NaN}, Map.of("x", new double[] {0, 1}));
    Rewards b = new Rewards(new double[] {1, Double.NaN}, Map.of("x", new double[] {0, 1}));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, new Rewards(new double[] {1, Double.NaN}, Map.of("x", new double[] {1, 1})));
    assertNotEquals(a, new Rewards(new double[] {1, Double.NaN}, Map.of("y", new double[] {0, 1})));
    assertNotEquals(a, Rewards.of(1, Double.NaN));
    assertEquals(Rewards.of(1, 2), Rewards.of(1, 2));
    assertEquals("Rewards[values=[1.0, NaN], components={x=[0.0, 1.0]}]", a.toString());
  }

  static ChallengerAttempt validAttempt() {
    return ChallengerAttempt.valid(Document.of("d", "t", "s"), Prompt.of(Role.CHALLENGER, "c"), completion(),
        Task.freeForm("q?", "a", AnswerType.STRING));
  }

  @Test
  void challengerOutcomeArraysAreCopiedInAndOut() {
    double[] correct = {1, 0, 1, 1};
    ChallengerOutcome o = new ChallengerOutcome(validAttempt(), correct);
    correct[1] = 1;
    o.reasonerCorrect()[1] = 1;
    assertArrayEquals(new double[] {1, 0, 1, 1}, o.reasonerCorrect());
    assertEquals(0.75, o.passRate(), 1e-12);
    assertEquals(4, o.answerCount());
    assertEquals(o, new ChallengerOutcome(validAttempt(), new double[] {1, 0, 1, 1}));
    assertEquals(o.hashCode(), new ChallengerOutcome(validAttempt(), new double[] {1, 0, 1, 1}).hashCode());
    assertNotEquals(o, new ChallengerOutcome(validAttempt(), new double[] {1, 1, 1, 1}));
  }

  static DocumentRollout rollout(double[] cr, double[] ca, double[] rr, double[] ra) {
    ChallengerOutcome o = new ChallengerOutcome(validAttempt(), new double[] {1, 0});
    return new DocumentRollout(Document.of("d", "t", "s"), 3, 1, List.of(o), cr, ca, 0, List.of(), rr, ra);
  }

  @Test
  void documentRolloutArraysAreCopiedInAndOut() {
    double[] cr = {0.5};
    double[] ca = {Double.NaN};
    double[] rr = {1, 0};
    double[] ra = {1, -1};
    DocumentRollout d = rollout(cr, ca, rr, ra);
    cr[0] = 9;
    ca[0] = 9;
    rr[0] = 9;
    ra[0] = 9;
    d.challengerRewards()[0] = 42;
    d.challengerAdvantages()[0] = 42;
    d.reasonerRewards()[0] = 42;
    d.reasonerAdvantages()[0] = 42;
    assertArrayEquals(new double[] {0.5}, d.challengerRewards());
    assertArrayEquals(new double[] {Double.NaN}, d.challengerAdvantages());
    assertArrayEquals(new double[] {1, 0}, d.reasonerRewards());
    assertArrayEquals(new double[] {1, -1}, d.reasonerAdvantages());
  }

  @Test
  void documentRolloutEqualityIsByContent() {
    DocumentRollout a = rollout(new double[] {0.5}, new double[] {Double.NaN}, new double[] {1, 0}, new double[] {1, -1});
    DocumentRollout b = rollout(new double[] {0.5}, new double[] {Double.NaN}, new double[] {1, 0}, new double[] {1, -1});
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, rollout(new double[] {0.5}, new double[] {Double.NaN}, new double[] {1, 0}, new double[] {1, 1}));
    assertTrue(a.toString().contains("reasonerAdvantages=[1.0, -1.0]"), a.toString());
  }

  @Test
  void safeTensorsRecordsCopyShapesAndHandOutCopies() {
    long[] shape = {2, 3};
    SafeTensors.TensorInfo info = new SafeTensors.TensorInfo("w", SafeTensors.DType.F32, shape, 0, 24);
    shape[0] = 9;
    info.shape()[1] = 9;
    assertArrayEquals(new long[] {2, 3}, info.shape());
    assertEquals(2, info.rank());
    assertEquals(3, info.dim(1));
    assertEquals(6, info.elementCount());
    assertEquals(info, new SafeTensors.TensorInfo("w", SafeTensors.DType.F32, new long[] {2, 3}, 0, 24));
    assertEquals(info.hashCode(), new SafeTensors.TensorInfo("w", SafeTensors.DType.F32, new long[] {2, 3}, 0, 24).hashCode());

    long[] tshape = {2};
    SafeTensors.Tensor t = new SafeTensors.Tensor("t", tshape, new float[] {1, 2});
    tshape[0] = 5;
    t.shape()[0] = 5;
    t.data()[0] = 5;
    assertArrayEquals(new long[] {2}, t.shape());
    assertArrayEquals(new float[] {1, 2}, t.data());
    assertEquals(2, t.size());
    assertEquals(t, new SafeTensors.Tensor("t", new long[] {2}, new float[] {1, 2}));
    assertFalse(t.equals(new SafeTensors.Tensor("t", new long[] {2}, new float[] {1, 3})));
  }
}
