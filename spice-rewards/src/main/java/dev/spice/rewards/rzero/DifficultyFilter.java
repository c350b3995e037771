package dev.spice.rewards.rzero;

import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.core.Task;
import dev.spice.rewards.verify.AnswerVerifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * R-Zero's difficulty filter: keeps the questions whose majority agreement {@code p̂} lies in a
 * closed band {@code [low, high]}, the ones the Solver is neither sure about nor lost on.
 *
 * <p>Default band {@code [0.25, 0.75]}, R-Zero's {@code |p̂ - 0.5| <= 0.25}; with {@code m = 10}
 * samples it keeps 3 to 7 agreeing answers. The bounds are compared with a tolerance of
 * {@value #TOLERANCE}, so a {@code p̂ = k / m} that equals a bound in exact arithmetic is kept.
 *
 * <p>Immutable and thread-safe.
 */
public final class DifficultyFilter {
  /** R-Zero's lower bound of the agreement band. */
  public static final double DEFAULT_LOW = 0.25;
  /** R-Zero's upper bound of the agreement band. */
  public static final double DEFAULT_HIGH = 0.75;
  /** Slack when comparing an agreement with a bound. */
  public static final double TOLERANCE = 1e-9;

  private static final DifficultyFilter DEFAULT = new DifficultyFilter(DEFAULT_LOW, DEFAULT_HIGH);

  private final double low;
  private final double high;

  /** Why a question is kept or dropped. */
  public enum Verdict {
    /** {@code low <= p̂ <= high}: kept. */
    KEEP,
    /** No answer formed a class, so there is no pseudo-label: dropped whatever the band. */
    NO_LABEL,
    /** {@code p̂ > high}: the Solver already agrees with itself; dropped. */
    TOO_EASY,
    /** {@code p̂ < low}: the Solver's answers scatter, the label is unreliable; dropped. */
    TOO_HARD
  }

  private DifficultyFilter(double low, double high) {
    this.low = low;
    this.high = high;
  }

  /**
   * The filter with R-Zero's band {@code [0.25, 0.75]}.
   *
   * @return the default filter
   */
  public static DifficultyFilter defaults() {
    return DEFAULT;
  }

  /**
   * A filter keeping agreements in {@code [low, high]}.
   *
   * @param low the lower bound, in {@code [0, 1]}
   * @param high the upper bound, in {@code [low, 1]}
   * @return a new filter
   * @throws ConfigurationException unless {@code 0 <= low <= high <= 1} (the message names the bad
   *     value)
   */
  public static DifficultyFilter band(double low, double high) {
    if (!(low >= 0 && low <= 1)) {
      throw new ConfigurationException("agreement band low must be in [0, 1], got " + low);
    }
    if (!(high >= 0 && high <= 1)) {
      throw new ConfigurationException("agreement band high must be in [0, 1], got " + high);
    }
    if (low > high) {
      throw new ConfigurationException("agreement band needs low <= high, got low " + low + " > high " + high);
    }
    return new DifficultyFilter(low, high);
  }

  /**
   * The lower bound of the band.
   *
   * @return the lower bound
   */
  public double low() {
    return low;
  }

  /**
   * The upper bound of the band.
   *
   * @return the upper bound
   */
  public double high() {
    return high;
  }

  /**
   * The verdict on one vote (see {@link Verdict}).
   *
   * @param vote the Solver's majority vote on a question
   * @return the verdict
   */
  public Verdict classify(MajorityVote vote) {
    Objects.requireNonNull(vote, "vote");
    if (!vote.hasLabel()) {
      return Verdict.NO_LABEL;
    }
    double p = vote.agreement();
    if (p < low - TOLERANCE) {
      return Verdict.TOO_HARD;
    }
    if (p > high + TOLERANCE) {
      return Verdict.TOO_EASY;
    }
    return Verdict.KEEP;
  }

  /** Whether an agreement lies in the band, with the tolerance. */
  boolean inBand(double p) {
    return p >= low - TOLERANCE && p <= high + TOLERANCE;
  }

  /**
   * Labels every task by the Solver's majority vote and keeps those in the band: R-Zero's
   * training set for the Solver. Deterministic; the kept tasks are in input order.
   *
   * <p>Each task's own gold answer is ignored: its answer type decides how answers compare, and
   * the label comes from the vote alone.
   *
   * @param tasks the Challenger's questions
   * @param answers for each task, in the same order, the Solver's {@code m >= 1} extracted answers
   *     (elements may be null: no answer); {@code m} may differ between tasks
   * @param verifier groups answers into equivalence classes
   * @return the kept tasks with their pseudo-labels, and the counts of dropped ones
   * @throws IllegalArgumentException if the two lists differ in length or an answer list is empty
   * @throws NullPointerException if an argument, a task or an answer list is null
   */
  public PseudoLabelledSet select(List<Task> tasks, List<List<String>> answers, AnswerVerifier verifier) {
    Objects.requireNonNull(tasks, "tasks");
    Objects.requireNonNull(answers, "answers");
    Objects.requireNonNull(verifier, "verifier");
    if (tasks.size() != answers.size()) {
      throw new IllegalArgumentException("need one answer list per task: " + tasks.size() + " tasks, "
          + answers.size() + " answer lists");
    }
    List<PseudoLabelledTask> kept = new ArrayList<>();
    int[] counts = new int[Verdict.values().length];
    for (int i = 0; i < tasks.size(); i++) {
      Task task = Objects.requireNonNull(tasks.get(i), "task " + i);
      List<String> a = Objects.requireNonNull(answers.get(i), "answers of task " + i);
      if (a.isEmpty()) {
        throw new IllegalArgumentException("task " + i + " has no Solver answers; a vote needs at least one");
      }
      MajorityVote vote = MajorityVote.of(a, task.answerType(), verifier);
      Verdict v = classify(vote);
      counts[v.ordinal()]++;
      if (v == Verdict.KEEP) {
        kept.add(new PseudoLabelledTask(task, vote.label().orElseThrow(), vote.agreement()));
      }
    }
    return new PseudoLabelledSet(kept, counts[Verdict.NO_LABEL.ordinal()],
        counts[Verdict.TOO_EASY.ordinal()], counts[Verdict.TOO_HARD.ordinal()]);
  }

  @Override
  public String toString() {
    return "DifficultyFilter[" + low + ", " + high + "]";
  }
}
