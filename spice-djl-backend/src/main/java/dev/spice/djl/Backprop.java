package dev.spice.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;

/**
 * The micro-batch loop of a training loss, shared by {@link LossStep} and {@link SupervisedStep}:
 * groups the rows into micro-batches ({@link TeacherForcing#microBatches}), has the step build each
 * micro-batch's loss, and runs the backward pass(es) in one gradient collector. Without a
 * micro-batch limit all micro-batches (split only to save padding) share one backward and their
 * arrays stay in the caller's manager; with a limit each runs its own backward in a sub-manager
 * closed right after it, so only one micro-batch's graph is alive at a time.
 */
final class Backprop {
  private Backprop() {}

  /** Builds one micro-batch's loss. */
  interface MicroBatchLoss {
    /**
     * The micro-batch's scalar loss (attached to {@code sm}), or null to stop the step without a
     * gradient (the step records why).
     *
     * @param sm the manager for the micro-batch's arrays
     * @param indices the micro-batch's row indices, into the rows given to {@link #run}
     * @param rows those rows, in the same order
     * @param tokens the rows' completion tokens in total
     */
    NDArray loss(NDManager sm, List<Integer> indices, List<TeacherForcing.Row> rows, int tokens);
  }

  /**
   * Runs {@code body} on every micro-batch of {@code rows} (at most {@code microBatchSize} rows
   * each; 0 = no limit) and the backward pass(es); the gradients land in the leaves the caller made
   * before.
   *
   * @return false if {@code body} stopped the step (nothing was run backward after that)
   */
  static boolean run(Engine engine, NDManager m, List<TeacherForcing.Row> rows, int microBatchSize,
      MicroBatchLoss body) {
    List<List<Integer>> batches = TeacherForcing.microBatches(rows, microBatchSize);
    boolean oneBackward = microBatchSize <= 0;
    try (GradientCollector gc = engine.newGradientCollector()) {
      NDArray total = null;
      for (List<Integer> mb : batches) {
        NDManager sm = oneBackward ? m : m.newSubManager();
        try {
          List<TeacherForcing.Row> sub = new ArrayList<>(mb.size());
          int n = 0;
          for (int i : mb) {
            sub.add(rows.get(i));
            n += rows.get(i).completion().length;
          }
          NDArray loss = body.loss(sm, mb, sub, n);
          if (loss == null) {
            return false;
          }
          if (oneBackward) {
            total = total == null ? loss : total.add(loss);
          } else {
            backward(gc, loss);
          }
        } finally {
          if (!oneBackward) {
            sm.close();
          }
        }
      }
      if (oneBackward) {
        backward(gc, total);
      }
    }
    return true;
  }

  /** Runs the {@link DjlPolicyImpl#beforeBackward} test hook, then the backward pass. */
  private static void backward(GradientCollector gc, NDArray loss) {
    Runnable hook = DjlPolicyImpl.beforeBackward;
    if (hook != null) {
      hook.run();
    }
    gc.backward(loss);
  }
}
