package dev.spice.examples.quickstart;

import dev.spice.core.Challenger;
import dev.spice.core.ChallengerAttempt;
import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.Prompt;
import dev.spice.core.Reasoner;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Role;
import dev.spice.core.Task;
import dev.spice.core.TaskCodec;
import dev.spice.core.TaskFormat;
import dev.spice.core.engine.SelfPlayListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The quickstart's roles. The Challenger reads {@code <challenger>} and the document's lines, each
 * preceded by its line marker {@code <Lk>}, and may emit only one action token {@code MCQ@Lk} or
 * {@code FREE@Lk} (constrained decoding; see {@link FactTaskCodec}). The
 * Reasoner reads {@code <reasoner>} and the question (and options {@code A o1 B o2 C o3 D o4}), and
 * answers one token: a letter, or one of the asked field's values.
 */
public final class FactRoles {
  private FactRoles() {}

  /**
   * The Challenger. It is also a {@link SelfPlayListener}: register it with the engine so each
   * task instance gets a fresh multiple-choice option order, drawn from ({@code seed}, iteration,
   * position of the output in the iteration). Thread-safe.
   */
  public static FactChallenger challenger(FactWorld world, FactTaskCodec codec, long seed) {
    return new FactChallenger(world, codec, seed);
  }

  /** The Reasoner. Thread-safe. */
  public static Reasoner reasoner(FactWorld world) {
    return new FactReasoner(world);
  }

  /** The Challenger prompt text of a document. */
  public static String challengerText(Document d) {
    StringBuilder sb = new StringBuilder(FactWorld.CHALLENGER_TOKEN);
    if (!d.text().isBlank()) {
      String[] lines = d.text().split("\n");
      for (int i = 0; i < lines.length; i++) {
        sb.append(' ').append(FactWorld.pointer(i)).append(' ').append(lines[i].strip());
      }
    }
    return sb.toString();
  }

  /** See {@link #challenger}. */
  public static final class FactChallenger implements Challenger, SelfPlayListener {
    private final FactWorld world;
    private final FactTaskCodec codec;
    private final long seed;
    private long iteration = -1;
    private long calls;

    FactChallenger(FactWorld world, FactTaskCodec codec, long seed) {
      this.world = Objects.requireNonNull(world, "world");
      this.codec = Objects.requireNonNull(codec, "codec");
      this.seed = seed;
    }

    /** The codec. */
    public TaskCodec codec() {
      return codec;
    }

    @Override
    public Prompt prompt(Document document) {
      return new Prompt(Role.CHALLENGER, challengerText(document), world.actionTokens());
    }

    @Override
    public synchronized ChallengerAttempt parse(Document document, Prompt prompt, Completion completion) {
      long instance = mix(mix(seed, iteration), calls++);
      TaskCodec.Decoded d;
      try {
        d = codec.decode(completion.text(), document, instance);
      } catch (RuntimeException e) {
        d = TaskCodec.Decoded.invalid("codec failed: " + e);
      }
      return d.task() != null
          ? ChallengerAttempt.valid(document, prompt, completion, d.task())
          : ChallengerAttempt.invalid(document, prompt, completion, d.invalidReason());
    }

    @Override
    public synchronized void onIterationStart(long it) {
      iteration = it;
      calls = 0;
    }
  }

  private record FactReasoner(FactWorld world) implements Reasoner {
    @Override
    public Prompt prompt(Task task) {
      StringBuilder sb = new StringBuilder(FactWorld.REASONER_TOKEN).append(' ').append(task.question());
      List<String> allowed;
      if (task.format() == TaskFormat.MULTIPLE_CHOICE) {
        for (int i = 0; i < 4; i++) {
          sb.append(' ').append(FactWorld.LETTERS.get(i)).append(' ').append(task.options().get(i));
        }
        allowed = FactWorld.LETTERS;
      } else {
        String field = task.metadata().get("field");
        allowed = field != null ? world.values(field) : new ArrayList<>(world.vocabulary());
      }
      return new Prompt(Role.REASONER, sb.toString(), allowed);
    }

    @Override
    public ReasonerAttempt parse(Task task, Prompt prompt, Completion completion) {
      String t = completion.text().strip();
      return new ReasonerAttempt(task, prompt, completion, t.isEmpty() || t.contains(" ") ? null : t);
    }
  }

  static long mix(long a, long b) {
    return dev.spice.core.sampling.Seeds.mix(a, b);
  }
}
