package dev.spice.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * Turns rewards into advantages, for all groups of one role in one iteration at once (so that
 * batch-normalised estimators such as REINFORCE++ see the whole batch). Implementations (Dr. GRPO,
 * GRPO, RLOO, REINFORCE++) live in {@code spice-rewards}.
 *
 * <p>Contract: the output has the shape of the input; a {@code NaN} reward ("not applicable")
 * gives a {@code NaN} advantage and is ignored by the statistics of its group; every other
 * advantage is finite; the input is not modified; stateless and thread-safe.
 *
 * <p>Two forms of the same computation:
 *
 * <ul>
 *   <li>{@link #estimate(double[][])}, the convenient one: one array per group in, a new array per
 *       group out.
 *   <li>{@link #estimateInto(double[], int[], double[])}, the allocation-free one: all rewards in one
 *       flat array, the groups given by offsets, advantages written into the caller's flat array.
 *       Its default implementation copies into groups, calls {@code estimate} and copies back (so
 *       every estimator supports it); the built-in estimators of {@code spice-rewards} override it
 *       with loops that allocate nothing and give bit-for-bit the same advantages as {@code
 *       estimate}.
 * </ul>
 */
public interface AdvantageEstimator {

  /**
   * A short stable name, for example {@code dr_grpo}.
   *
   * @return a short stable name, for example {@code dr_grpo}
   */
  String name();

  /**
   * Advantages for a batch of groups.
   *
   * @param rewardsByGroup {@code rewardsByGroup[g][i]}: reward of item i in group g
   * @return advantages, same shape
   */
  double[][] estimate(double[][] rewardsByGroup);

  /**
   * Advantages for a batch of groups held in one flat array, written into {@code out}: group
   * {@code g} is {@code rewards[groupOffsets[g] .. groupOffsets[g + 1])} and its advantages go to the
   * same positions of {@code out}. The result equals {@link #estimate(double[][])} on the same
   * groups, element for element; the same rewards are rejected with the same exceptions (an
   * infinite reward, or a group whose sum overflows: {@link IllegalArgumentException} naming the
   * group and the item's index within it).
   *
   * <p>The offsets define the batch: {@code groupOffsets.length - 1} groups, {@code
   * groupOffsets[0] == 0}, non-decreasing (a group may be empty), {@code
   * groupOffsets[groups] <= rewards.length}. Both arrays may be longer than the batch (reused
   * buffers): positions from {@code groupOffsets[groups]} on are neither read nor written. {@code
   * out} must not be {@code rewards} itself. {@code rewards} and {@code groupOffsets} are not
   * modified. On a malformed argument nothing is written; on a rejected reward the groups before it
   * may already hold their advantages, so the content of {@code out} is unspecified after any
   * exception.
   *
   * <p>Implementations that override this should check their arguments with {@link
   * #checkFlatBatch(double[], int[], double[])} and must not allocate per group.
   *
   * @param rewards the rewards of all groups, one after the other; {@code NaN} = not applicable
   * @param groupOffsets start of each group in {@code rewards}, then the end of the last one
   * @param out receives the advantages, at least {@code groupOffsets[groups]} long
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the offsets, the lengths or the aliasing break the rules
   *     above, or a reward is rejected as by {@link #estimate(double[][])}
   */
  default void estimateInto(double[] rewards, int[] groupOffsets, double[] out) {
    int groups = checkFlatBatch(rewards, groupOffsets, out);
    double[][] in = new double[groups][];
    for (int g = 0; g < groups; g++) {
      in[g] = Arrays.copyOfRange(rewards, groupOffsets[g], groupOffsets[g + 1]);
    }
    double[][] adv = estimate(in);
    if (adv == null || adv.length != groups) {
      throw new IllegalStateException("advantage estimator " + name() + " returned "
          + (adv == null ? "null" : adv.length + " groups") + " for " + groups + " groups");
    }
    for (int g = 0; g < groups; g++) {
      int size = groupOffsets[g + 1] - groupOffsets[g];
      if (adv[g] == null || adv[g].length != size) {
        throw new IllegalStateException("advantage estimator " + name() + " returned group " + g + " with "
            + (adv[g] == null ? "null" : adv[g].length + " advantages") + " for " + size + " rewards");
      }
      System.arraycopy(adv[g], 0, out, groupOffsets[g], size);
    }
  }

  /**
   * Checks the arguments of {@link #estimateInto(double[], int[], double[])} against its rules
   * (for implementors; allocates nothing unless it throws).
   *
   * @param rewards the flat rewards
   * @param groupOffsets the group offsets, {@code groups + 1} entries
   * @param out the output array
   * @return the number of groups, {@code groupOffsets.length - 1}
   * @throws NullPointerException if an argument is {@code null}, naming it
   * @throws IllegalArgumentException naming the first broken rule: no offsets, a first offset
   *     other than 0, a decreasing offset (with its index), a last offset beyond {@code
   *     rewards.length}, {@code out} shorter than the batch, or {@code out == rewards}
   */
  static int checkFlatBatch(double[] rewards, int[] groupOffsets, double[] out) {
    Objects.requireNonNull(rewards, "rewards");
    Objects.requireNonNull(groupOffsets, "groupOffsets");
    Objects.requireNonNull(out, "out");
    if (groupOffsets.length == 0) {
      throw new IllegalArgumentException("groupOffsets is empty; it needs groups + 1 entries, starting with 0");
    }
    if (groupOffsets[0] != 0) {
      throw new IllegalArgumentException("groupOffsets[0] is " + groupOffsets[0] + "; it must be 0");
    }
    int groups = groupOffsets.length - 1;
    for (int g = 0; g < groups; g++) {
      if (groupOffsets[g + 1] < groupOffsets[g]) {
        throw new IllegalArgumentException("groupOffsets[" + (g + 1) + "] = " + groupOffsets[g + 1]
            + " is below groupOffsets[" + g + "] = " + groupOffsets[g] + "; offsets must not decrease");
      }
    }
    int end = groupOffsets[groups];
    if (end > rewards.length) {
      throw new IllegalArgumentException("groupOffsets[" + groups + "] = " + end + " is beyond the "
          + rewards.length + " rewards");
    }
    if (out.length < end) {
      throw new IllegalArgumentException("out holds " + out.length + " values; the batch needs " + end);
    }
    if (out == rewards) {
      throw new IllegalArgumentException("out must not be the rewards array itself");
    }
    return groups;
  }

  /**
   * The smallest group size this estimator is meaningful for (2 for group-relative ones).
   *
   * @return the smallest group size this estimator is meaningful for (2 for group-relative ones)
   */
  default int minGroupSize() {
    return 2;
  }
}
