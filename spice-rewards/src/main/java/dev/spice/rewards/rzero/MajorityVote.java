package dev.spice.rewards.rzero;

import dev.spice.core.AnswerType;
import dev.spice.rewards.verify.AnswerVerifier;
import dev.spice.rewards.verify.Verifiers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Solver's majority vote on one question: R-Zero's pseudo-label and its agreement.
 *
 * <p>The {@code m} sampled answers are grouped into equivalence classes under an
 * {@link AnswerVerifier}, not by string equality: {@code "4"} and {@code "4.0"} are one class for
 * {@link AnswerType#INTEGER}. Grouping is greedy and in sample order: an answer joins the first
 * class (in order of creation) whose representative, the class's first member, it verifies
 * against, and otherwise opens a new class. Verifiers are symmetric, so the order of the two
 * sides does not matter; if a verifier is not transitive (tolerances), the grouping is still
 * well defined by this rule.
 *
 * <p>Answers that are {@code null} or blank ("no answer") and answers the verifier does not find
 * equal to themselves (undefined values such as {@code 1/0}) count in {@code m} but never form or
 * join a class.
 *
 * <p>The pseudo-label is the representative of the largest class; between classes of equal size
 * the one whose first member comes first wins. The agreement is {@code p̂ = size / m}, in
 * {@code [0, 1]}; with no class at all there is no label and {@code p̂ = 0}. Sample {@code j} is
 * correct exactly when it belongs to the label's class, so {@code p̂} equals the fraction of
 * correct samples.
 *
 * <p>Immutable and thread-safe; equal inputs give equal votes (equality is by content).
 */
public final class MajorityVote {
  private final String label;
  private final int classSize;
  private final boolean[] correct;

  private MajorityVote(String label, int classSize, boolean[] correct) {
    this.label = label;
    this.classSize = classSize;
    this.correct = correct;
  }

  /**
   * Votes with the default verifier ({@link Verifiers#defaults()}).
   *
   * @param answers the Solver's {@code m >= 1} extracted answers, in sample order
   * @param type how answers compare
   * @return the vote
   * @see #of(List, AnswerType, AnswerVerifier)
   */
  public static MajorityVote of(List<String> answers, AnswerType type) {
    return of(answers, type, Verifiers.defaults());
  }

  /**
   * Votes on one question.
   *
   * @param answers the Solver's {@code m >= 1} extracted answers, in sample order; elements may be
   *     {@code null} (no answer)
   * @param type how answers compare (the question's answer type)
   * @param verifier decides equivalence; called {@code O(m * classes)} times
   * @return the vote
   * @throws NullPointerException if {@code answers}, {@code type} or {@code verifier} is null
   * @throws IllegalArgumentException if {@code answers} is empty
   */
  public static MajorityVote of(List<String> answers, AnswerType type, AnswerVerifier verifier) {
    Objects.requireNonNull(answers, "answers");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(verifier, "verifier");
    int m = answers.size();
    if (m == 0) {
      throw new IllegalArgumentException("a majority vote needs at least one Solver answer, got none");
    }
    List<String> reps = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    int[] classOf = new int[m];
    for (int j = 0; j < m; j++) {
      String a = answers.get(j);
      classOf[j] = -1;
      if (a == null || a.isBlank() || !verifier.verify(a, a, type)) {
        continue;
      }
      int c = 0;
      while (c < reps.size() && !verifier.verify(a, reps.get(c), type)) {
        c++;
      }
      if (c == reps.size()) {
        reps.add(a);
        sizes.add(0);
      }
      sizes.set(c, sizes.get(c) + 1);
      classOf[j] = c;
    }
    int best = -1;
    for (int c = 0; c < reps.size(); c++) {
      if (best < 0 || sizes.get(c) > sizes.get(best)) {
        best = c;
      }
    }
    boolean[] correct = new boolean[m];
    for (int j = 0; j < m; j++) {
      correct[j] = best >= 0 && classOf[j] == best;
    }
    return best < 0
        ? new MajorityVote(null, 0, correct)
        : new MajorityVote(reps.get(best), sizes.get(best), correct);
  }

  /**
   * The pseudo-label (the winning class's first member, as written), or empty if no class formed.
   *
   * @return the label, if any
   */
  public Optional<String> label() {
    return Optional.ofNullable(label);
  }

  /**
   * Whether any answer formed a class, so that there is a pseudo-label.
   *
   * @return {@code true} if there is a label
   */
  public boolean hasLabel() {
    return label != null;
  }

  /**
   * The agreement {@code p̂ = labelCount() / sampleCount()}, in {@code [0, 1]}; 0 without a label.
   *
   * @return the agreement
   */
  public double agreement() {
    return (double) classSize / correct.length;
  }

  /**
   * The number of samples {@code m}, nulls included.
   *
   * @return the sample count
   */
  public int sampleCount() {
    return correct.length;
  }

  /**
   * The size of the label's class (0 without a label).
   *
   * @return the label's class size
   */
  public int labelCount() {
    return classSize;
  }

  /**
   * A fresh copy of the per-sample correctness: {@code true} for members of the label's class.
   *
   * @return one flag per sample
   */
  public boolean[] correct() {
    return correct.clone();
  }

  /**
   * The per-sample correctness as pass indicators (1 or 0), ready for a
   * {@link dev.spice.core.ChallengerOutcome}, whose pass rate is then {@link #agreement()}.
   *
   * @return a new array, one indicator per sample
   */
  public double[] passIndicators() {
    double[] out = new double[correct.length];
    for (int j = 0; j < out.length; j++) {
      out[j] = correct[j] ? 1 : 0;
    }
    return out;
  }

  /** Content equality: same label, class size and per-sample correctness. */
  @Override
  public boolean equals(Object o) {
    return o instanceof MajorityVote v && Objects.equals(label, v.label) && classSize == v.classSize
        && Arrays.equals(correct, v.correct);
  }

  @Override
  public int hashCode() {
    return Objects.hash(label, classSize) * 31 + Arrays.hashCode(correct);
  }

  /** Label, counts and correctness, for logs. */
  @Override
  public String toString() {
    return "MajorityVote[label=" + label + ", agreement=" + classSize + "/" + correct.length
        + ", correct=" + Arrays.toString(correct) + "]";
  }
}
