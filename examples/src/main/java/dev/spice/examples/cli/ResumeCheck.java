package dev.spice.examples.cli;

import dev.spice.core.SpiceException;
import dev.spice.core.engine.SelfPlay;
import dev.spice.core.internal.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code --resume} allows: the run's saved settings, with only {@link #CHANGEABLE} keys set to
 * other values, and an iteration count not below the iterations the run has done. Checked before
 * anything is written, so a refused resume leaves the run folder as it was.
 */
final class ResumeCheck {
  /**
   * Keys a resume may change: none of them changes the iterations already run. {@code iterations}
   * sets where the run ends; {@code progress_every} and {@code report} only change what is printed
   * and whether {@code report.html} is written at the end. {@code rollout_url}, {@code challenger_url}
   * and {@code rollout_concurrency} say where and how fast the same served model is reached: a server
   * may move to another host or port between runs, and the engine's checkpoint names the served model
   * ({@code remote:<model>}), not its URL; the model names, LoRA keys and sync schedule stay fixed
   * (a resumed hybrid run publishes its restored adapter to the server before its first rollout).
   */
  static final Set<String> CHANGEABLE = Set.of("iterations", "progress_every", "report", "tensorboard",
      "log_completions_every", "rollout_url", "challenger_url", "rollout_concurrency");

  /** The changeable keys of the {@code --model} run only (listed in a refusal only for that run). */
  private static final Set<String> SERVER_KEYS = Set.of("rollout_url", "challenger_url", "rollout_concurrency");

  private ResumeCheck() {}

  /**
   * Checks a resume.
   *
   * @param runDir the folder given to {@code --resume}
   * @param before the effective settings of the run's saved config, or null when the folder has
   *     none (then only the iteration count is checked)
   * @param now the effective settings of this command line
   * @param c this command line's configuration (for where each value came from)
   * @throws SpiceException.ConfigurationException naming each changed key with the run's value, the
   *     new one and where it came from, or the iterations done
   */
  static void check(Path runDir, Map<String, Object> before, Map<String, Object> now, CliConfig c) {
    if (before != null) {
      List<String> diffs = new ArrayList<>();
      Set<String> keys = new TreeSet<>(before.keySet());
      keys.addAll(now.keySet());
      for (String k : keys) {
        if (k.equals("out") || CHANGEABLE.contains(k)) {
          continue;
        }
        String was = before.containsKey(k) ? Json.write(before.get(k)) : "(not set)";
        String is = now.containsKey(k) ? Json.write(now.get(k)) : "(not set)";
        if (!was.equals(is)) {
          String from = c.origin(k);
          diffs.add("'" + k + "' is " + was + " in the run, " + is + (from == null ? "" : " from " + from));
        }
      }
      if (!diffs.isEmpty()) {
        throw new SpiceException.ConfigurationException("--resume " + runDir + ": a resumed run keeps its saved "
            + "settings, but " + String.join("; ", diffs) + ". Only " + String.join(", ", CHANGEABLE.stream()
            .filter(k -> now.containsKey(k) || !SERVER_KEYS.contains(k)).sorted().toList())
            + " may change on resume; for other settings start a new run (--out DIR)");
      }
    }
    Optional<Path> latest = SelfPlay.latestCheckpoint(runDir);
    if (latest.isPresent() && now.get("iterations") instanceof Number n) {
      long done = iterationOf(latest.get());
      if (n.longValue() < done) {
        String from = c.origin("iterations");
        throw new SpiceException.ConfigurationException("iterations " + n + (from == null ? "" : " (from " + from + ")")
            + " is below the " + done + " iterations the run in " + runDir + " has done (" + latest.get().getFileName()
            + "); give at least " + done);
      }
    }
  }

  /** The iteration of a checkpoint directory, from its name {@code checkpoint-NNNNNNNN}. */
  static long iterationOf(Path checkpoint) {
    String name = checkpoint.getFileName().toString();
    if (!name.matches("checkpoint-\\d{8}")) {
      throw new SpiceException.CheckpointException("checkpoint directory " + checkpoint
          + " is not named checkpoint-<8-digit iteration>");
    }
    return Long.parseLong(name.substring("checkpoint-".length()));
  }
}
