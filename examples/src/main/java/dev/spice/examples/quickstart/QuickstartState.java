package dev.spice.examples.quickstart;

import dev.spice.core.Checkpointable;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quickstart's own state, saved inside every engine checkpoint as {@value Quickstart#STATE_FILE}
 * (so it is part of the checkpoint's atomic write): the settings, the wall time of the finished
 * segments, the probe history and the Challenger statistics. It also keeps the wall clock of the
 * current segment.
 *
 * <p>A resume with other settings is refused, naming each key with the checkpoint's and this run's
 * value, except for {@code iterations}: the iterations already run do not depend on it, so a run
 * may be continued to another length (not below the checkpoint's iteration). The probe score and
 * entropy window that the former length closed at its last iteration are then undone when that
 * iteration is no probe iteration of the new length, so the run ends as an uninterrupted run of the
 * new length would.
 */
final class QuickstartState implements Checkpointable {
  private final QuickstartSettings settings;
  private final ProbeSet probe;
  private final ChallengerStats stats;
  private long segmentStart = System.nanoTime();
  private double wallBefore;

  QuickstartState(QuickstartSettings settings, ProbeSet probe, ChallengerStats stats) {
    this.settings = settings;
    this.probe = probe;
    this.stats = stats;
  }

  /** Adds the current segment's time to the saved wall time and starts a new segment (before a checkpoint). */
  void closeSegment() {
    long now = System.nanoTime();
    wallBefore += (now - segmentStart) / 1e9;
    segmentStart = now;
  }

  /** Wall time of the run so far, over every segment (resumed runs included). */
  double wallSeconds() {
    return wallBefore + (System.nanoTime() - segmentStart) / 1e9;
  }

  @Override
  public void saveCheckpoint(Path dir) {
    Map<String, Object> st = new LinkedHashMap<>();
    st.put("settings", settings.toMap());
    st.put("wall_seconds", wallBefore);
    probe.save(st);
    stats.save(st);
    Path f = dir.resolve(Quickstart.STATE_FILE);
    try {
      Files.writeString(f, Json.write(st) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write " + f + ": " + e, e);
    }
  }

  @Override
  public void loadCheckpoint(Path dir) {
    Path f = dir.resolve(Quickstart.STATE_FILE);
    Map<String, Object> st;
    try {
      st = Json.parseObject(Files.readString(f, StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      throw new SpiceException.CheckpointException("cannot read quickstart state " + f + ": " + e, e);
    }
    if (!(st.get("settings") instanceof Map<?, ?> saved)) {
      throw new SpiceException.CheckpointException(f + " is corrupt: it has no settings");
    }
    List<String> diffs = new java.util.ArrayList<>();
    Map<String, Object> mine = settings.toMap();
    java.util.Set<String> keys = new java.util.TreeSet<>(mine.keySet());
    saved.keySet().forEach(k -> keys.add(String.valueOf(k)));
    for (String k : keys) {
      String was = saved.containsKey(k) ? Json.write(saved.get(k)) : "(none)";
      String now = mine.containsKey(k) ? Json.write(mine.get(k)) : "(none)";
      if (!k.equals(CHANGEABLE) && !was.equals(now)) {
        diffs.add(k + ": checkpoint " + was + ", this run " + now);
      }
    }
    if (!diffs.isEmpty()) {
      throw new SpiceException.CheckpointException(f + " was written with other settings (only " + CHANGEABLE
          + " may change on resume): " + String.join("; ", diffs));
    }
    if (!(saved.get(CHANGEABLE) instanceof Long before)) {
      throw new SpiceException.CheckpointException(f + " is corrupt: its settings have no integer " + CHANGEABLE);
    }
    try {
      probe.load(st);
      stats.load(st);
      wallBefore = st.get("wall_seconds") instanceof Number w ? w.doubleValue() : 0;
    } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
      throw new SpiceException.CheckpointException(f + " is corrupt: " + e.getMessage(), e);
    }
    if (before != settings.iterations() && probe.lastIteration() == before && before % settings.probeEvery() != 0) {
      // the former length scored the probe and closed a window at its last iteration; the new length does not
      probe.dropLast();
      stats.reopenLastWindow();
    }
  }

  /** The one setting a resume may change. */
  static final String CHANGEABLE = "iterations";

  // ------------------------------------------------------------------ JSON values of the state

  /** Replaces the contents of {@code into} by the integers of a JSON array. */
  static void readLongs(Object json, List<Long> into) {
    List<?> l = (List<?>) json;
    into.clear();
    for (Object x : l) {
      into.add(((Number) x).longValue());
    }
  }

  /** Replaces the contents of {@code into} by the numbers of a JSON array ({@code null} is {@code NaN}). */
  static void readDoubles(Object json, List<Double> into) {
    List<?> l = (List<?>) json;
    into.clear();
    for (Object x : l) {
      into.add(x == null ? Double.NaN : ((Number) x).doubleValue());
    }
  }

  /** The integers of a JSON array. */
  static long[] longArray(Object json) {
    List<?> l = (List<?>) json;
    long[] a = new long[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = ((Number) l.get(i)).longValue();
    }
    return a;
  }

  /** The values of a list as an array. */
  static long[] longs(List<Long> l) {
    return l.stream().mapToLong(Long::longValue).toArray();
  }

  /** The values of a list as an array. */
  static double[] doubles(List<Double> l) {
    return l.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
