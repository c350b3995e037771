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
 * (so it is part of the checkpoint's atomic write): the settings (a resume with other settings is
 * refused), the wall time of the finished segments, the probe history and the Challenger
 * statistics. It also keeps the wall clock of the current segment.
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
    String mine = Json.write(settings.toMap());
    if (!mine.equals(Json.write(st.get("settings")))) {
      throw new SpiceException.CheckpointException(f + " was written with other settings: "
          + Json.write(st.get("settings")) + "; this run has " + mine);
    }
    try {
      probe.load(st);
      stats.load(st);
      wallBefore = st.get("wall_seconds") instanceof Number w ? w.doubleValue() : 0;
    } catch (ClassCastException | NullPointerException e) {
      throw new SpiceException.CheckpointException(f + " is corrupt: " + e, e);
    }
  }

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
