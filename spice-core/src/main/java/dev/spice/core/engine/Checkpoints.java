package dev.spice.core.engine;

import dev.spice.core.Checkpointable;
import dev.spice.core.CorpusCursor;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Engine checkpoints: {@code checkpoint-NNNNNNNN} directories holding {@code engine.json}
 * (iteration, seed, corpus cursor, settings, provenance) and the policy's own files under
 * {@code policy/}, written into a temporary directory that is renamed into place when complete.
 */
final class Checkpoints {
  static final int FORMAT = 1;
  /** Written last: a checkpoint without a valid manifest is incomplete. */
  static final String MANIFEST = "manifest.json";
  /** Where the builder's extra {@link Checkpointable}s go, one folder per name. */
  static final String STATE_DIR = "state";
  /** The SDK version from the build ({@code dev/spice/core/sdk.properties}), recorded in provenance. */
  static final String SDK_VERSION = sdkVersion();

  private final EngineConfig cfg;
  private final Map<String, Object> settings;
  private final Events events;

  Checkpoints(EngineConfig cfg, Map<String, Object> settings, Events events) {
    this.cfg = cfg;
    this.settings = settings;
    this.events = events;
  }

  private static String sdkVersion() {
    java.util.Properties p = new java.util.Properties();
    try (java.io.InputStream in = Checkpoints.class.getResourceAsStream("/dev/spice/core/sdk.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through: unknown
    }
    String v = p.getProperty("version", "unknown");
    return v.startsWith("${") ? "unknown" : v;
  }

  /** Writes the checkpoint of {@code iteration} completed iterations; returns its directory. */
  Path save(Path runDir, long iteration) {
    return save(runDir, iteration, Map.of());
  }

  /**
   * Writes the checkpoint of {@code iteration} completed iterations, with {@code extra} fields in
   * {@code engine.json}; returns its directory.
   */
  Path save(Path runDir, long iteration, Map<String, Object> extra) {
    String name = String.format("checkpoint-%08d", iteration);
    Path target = runDir.resolve(name);
    Path tmp = runDir.resolve(name + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    try {
      Files.createDirectories(runDir);
      Files.createDirectory(tmp);
      Path policyDir = Files.createDirectory(tmp.resolve("policy"));
      cfg.policy().saveCheckpoint(policyDir);
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("format", FORMAT);
      state.put("iteration", iteration);
      state.put("seed", cfg.seed());
      state.put("rng", "splitmix64(seed, iteration): no other random state");
      if (cfg.corpus() != null) {
        CorpusCursor c = cfg.corpus().cursor();
        state.put("corpus_cursor", Map.of("source", c.source(), "state", c.state()));
      }
      state.putAll(extra);
      state.put("settings", settings);
      state.put("provenance", provenance());
      Files.writeString(tmp.resolve("engine.json"), Json.write(state) + "\n", StandardCharsets.UTF_8);
      for (Map.Entry<String, Checkpointable> e : cfg.extraState().entrySet()) {
        e.getValue().saveCheckpoint(Files.createDirectories(tmp.resolve(STATE_DIR).resolve(e.getKey())));
      }
      writeManifest(tmp);
      Path old = null;
      if (Files.exists(target)) {
        old = runDir.resolve(name + ".old-" + System.nanoTime());
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      if (old != null) {
        deleteTree(old);
      }
    } catch (IOException | RuntimeException e) {
      try {
        deleteTree(tmp);
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof SpiceException s) {
        throw s;
      }
      throw new SpiceException.CheckpointException("cannot write checkpoint " + target + ": " + e, e);
    }
    events.fire(l -> l.onCheckpoint(iteration, target));
    return target;
  }

  private Map<String, Object> provenance() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("sdk_version", SDK_VERSION);
    p.put("java_version", System.getProperty("java.version"));
    p.put("java_vendor", System.getProperty("java.vendor"));
    p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    p.put("backend", cfg.policy().name());
    p.put("saved_at", Instant.now().toString());
    return p;
  }

  /**
   * Restores corpus position and policy from a checkpoint written with the same settings.
   *
   * @return the checkpoint's iteration
   */
  long restore(Path dir) {
    return restore(dir, state -> () -> { });
  }

  /**
   * {@link #restore(Path)}, with more engine state: {@code extra} reads the parsed
   * {@code engine.json} after the settings check and before anything changes (it throws a
   * {@link SpiceException.CheckpointException} for a missing or invalid field) and returns what to
   * apply once everything else was restored.
   */
  long restore(Path dir, java.util.function.Function<Map<String, Object>, Runnable> extra) {
    requireComplete(dir);
    Path file = dir.resolve("engine.json");
    Map<String, Object> state;
    try {
      state = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot read " + file + ": " + e, e);
    } catch (Json.JsonException e) {
      throw new SpiceException.CheckpointException(file + " is corrupt: " + e.getMessage(), e);
    }
    if (!Long.valueOf(FORMAT).equals(state.get("format"))) {
      throw new SpiceException.CheckpointException(file + ": unsupported checkpoint format " + state.get("format")
          + " (this SDK reads format " + FORMAT + ")");
    }
    if (!(state.get("iteration") instanceof Long savedIteration) || savedIteration < 0) {
      throw new SpiceException.CheckpointException(file + ": field 'iteration' is missing or invalid");
    }
    if (!(state.get("settings") instanceof Map<?, ?> saved)) {
      throw new SpiceException.CheckpointException(file + ": field 'settings' is missing");
    }
    List<String> diffs = new ArrayList<>();
    for (Map.Entry<String, Object> e : settings.entrySet()) {
      Object s = saved.get(e.getKey());
      if (!Json.write(e.getValue()).equals(Json.write(s))) {
        diffs.add(e.getKey() + ": checkpoint has " + Json.write(s) + ", this engine has " + Json.write(e.getValue()));
      }
    }
    for (Object k : saved.keySet()) {
      if (!settings.containsKey(String.valueOf(k))) {
        diffs.add(k + ": only in the checkpoint");
      }
    }
    if (!diffs.isEmpty()) {
      throw new SpiceException.CheckpointException("checkpoint " + dir + " was written with other settings: "
          + String.join("; ", diffs));
    }
    Runnable applyExtra = extra.apply(state);
    CorpusCursor newCursor = null;
    if (cfg.corpus() != null) {
      if (!(state.get("corpus_cursor") instanceof Map<?, ?> cc) || !(cc.get("source") instanceof String src)
          || !(cc.get("state") instanceof String st)) {
        throw new SpiceException.CheckpointException(file + ": field 'corpus_cursor' is missing or invalid");
      }
      newCursor = new CorpusCursor(src, st);
    }
    Path policyDir = dir.resolve("policy");
    if (!Files.isDirectory(policyDir)) {
      throw new SpiceException.CheckpointException("checkpoint " + dir + " has no policy directory");
    }
    CorpusCursor oldCursor = cfg.corpus() == null ? null : cfg.corpus().cursor();
    if (newCursor != null) {
      cfg.corpus().restore(newCursor);
    }
    for (String name : cfg.extraState().keySet()) {
      if (!Files.isDirectory(dir.resolve(STATE_DIR).resolve(name))) {
        throw new SpiceException.CheckpointException("checkpoint " + dir + " has no state '" + name
            + "' (registered with checkpointState)");
      }
    }
    try {
      cfg.policy().loadCheckpoint(policyDir);
      for (Map.Entry<String, Checkpointable> e : cfg.extraState().entrySet()) {
        e.getValue().loadCheckpoint(dir.resolve(STATE_DIR).resolve(e.getKey()));
      }
    } catch (RuntimeException e) {
      if (oldCursor != null) {
        cfg.corpus().restore(oldCursor);
      }
      throw e;
    }
    applyExtra.run();
    long it = savedIteration;
    events.fire(l -> l.onRestore(it, dir));
    return savedIteration;
  }

  /** Loads only the policy's weights and optimizer state from a checkpoint (no settings check). */
  void restorePolicy(Path dir) {
    requireComplete(dir);
    cfg.policy().loadCheckpoint(dir.resolve("policy"));
  }

  /** @throws SpiceException.CheckpointException giving {@link #incompleteReason} if the checkpoint is incomplete */
  private static void requireComplete(Path dir) {
    String incomplete = incompleteReason(dir);
    if (incomplete != null) {
      throw new SpiceException.CheckpointException("checkpoint " + dir + " is incomplete: " + incomplete);
    }
  }

  private static void writeManifest(Path tmp) throws IOException {
    Map<String, Object> files = new java.util.TreeMap<>();
    try (Stream<Path> s = Files.walk(tmp)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        files.put(tmp.relativize(p).toString().replace('\\', '/'), Files.size(p));
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("files", files);
    Path part = tmp.resolve(MANIFEST + ".part");
    Files.writeString(part, Json.write(m) + "\n", StandardCharsets.UTF_8);
    Files.move(part, tmp.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE);
  }

  /** Why a checkpoint directory is not complete, or null if its manifest lists files that all exist with their sizes. */
  static String incompleteReason(Path dir) {
    Path file = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(file)) {
      return "no " + MANIFEST + " (written last)";
    }
    try {
      Map<String, Object> m = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
      if (!(m.get("files") instanceof Map<?, ?> files) || files.isEmpty()) {
        return MANIFEST + " lists no files";
      }
      for (Map.Entry<?, ?> e : files.entrySet()) {
        Path f = dir.resolve(String.valueOf(e.getKey()));
        if (!Files.isRegularFile(f)) {
          return "file " + e.getKey() + " listed in " + MANIFEST + " is missing";
        }
        if (!(e.getValue() instanceof Long size) || Files.size(f) != size) {
          return "file " + e.getKey() + " has " + Files.size(f) + " bytes, " + MANIFEST + " says " + e.getValue();
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return MANIFEST + " is unreadable: " + e.getMessage();
    }
  }

  /** The newest complete checkpoint directory in a run directory, if any. */
  static Optional<Path> latest(Path runDir) {
    if (!Files.isDirectory(runDir)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(runDir)) {
      List<Path> candidates = s.filter(p -> p.getFileName().toString().matches("checkpoint-\\d{8}"))
          .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
      for (Path p : candidates) {
        if (incompleteReason(p) == null) {
          return Optional.of(p);
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot list " + runDir + ": " + e, e);
    }
  }

  /** Whether a folder holds a run: checkpoint directories (complete or not) or a metrics file. */
  static boolean holdsRun(Path runDir) {
    if (!Files.isDirectory(runDir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(runDir)) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith("checkpoint-")
          || (p.getFileName().toString().equals(METRICS_FILE) && sizeOf(p) > 0));
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot list " + runDir + ": " + e, e);
    }
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  /** The metrics file name the run-folder modes know about. */
  static final String METRICS_FILE = "metrics.jsonl";

  /**
   * Removes what killed checkpoint writes leave behind ({@code checkpoint-N.tmp-*}, {@code .old-*})
   * and, with {@code everything}, the run's checkpoints, and empties its metrics file.
   */
  static void clean(Path runDir, boolean everything) {
    if (!Files.isDirectory(runDir)) {
      return;
    }
    try (Stream<Path> s = Files.list(runDir)) {
      for (Path p : s.toList()) {
        String n = p.getFileName().toString();
        boolean leftover = n.matches("checkpoint-\\d{8}\\.(tmp|old)-.*");
        if (leftover || (everything && n.matches("checkpoint-\\d{8}"))) {
          deleteTree(p);
        } else if (everything && n.equals(METRICS_FILE)) {
          // emptied in place: a metrics listener may already hold it open for appending
          Files.newOutputStream(p, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING).close();
        }
      }
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot clean run folder " + runDir + ": " + e, e);
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
