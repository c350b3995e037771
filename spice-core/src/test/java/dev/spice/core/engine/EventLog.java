package dev.spice.core.engine;

import dev.spice.core.Role;
import dev.spice.core.UpdateStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A listener that writes every event as one line, for tests of event order and content. */
final class EventLog implements SelfPlayListener {
  final List<String> events = new ArrayList<>();
  /** Largest rollout time reported, in nanoseconds. */
  long maxRolloutNanos;

  @Override
  public void onIterationStart(long iteration) {
    events.add("start " + iteration);
  }

  @Override
  public void onIterationEnd(IterationResult result) {
    events.add("end " + result.iteration());
  }

  @Override
  public void onRolloutStart(long iteration, Role role, int prompts) {
    events.add("rollout " + role + " " + prompts);
  }

  @Override
  public void onRolloutEnd(long iteration, Role role, int completions, int tokens, long nanos) {
    events.add("rollout-end " + role + " " + completions + " " + tokens + (nanos >= 0 ? "" : " negative time"));
    maxRolloutNanos = Math.max(maxRolloutNanos, nanos);
  }

  @Override
  public void onRewards(long iteration, Role role, double[][] rewardsByGroup) {
    events.add("rewards " + role + " " + rewardsByGroup.length + "x" + rewardsByGroup[0].length);
  }

  @Override
  public void onUpdateStart(long iteration, int samples) {
    events.add("update " + samples);
  }

  @Override
  public void onUpdateEnd(long iteration, UpdateStats stats) {
    events.add("update-end " + stats.numSamples());
  }

  @Override
  public void onCheckpoint(long iteration, Path directory) {
    events.add("checkpoint " + iteration + " " + directory.getFileName());
  }

  @Override
  public void onIterationFailed(long iteration, Throwable error) {
    events.add("failed " + iteration + " " + error.getMessage());
  }
}
