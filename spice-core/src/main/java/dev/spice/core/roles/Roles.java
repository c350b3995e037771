package dev.spice.core.roles;

import dev.spice.core.AnswerExtractor;
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
import java.util.Objects;

/**
 * Factory of the standard roles: a Challenger that shows a document and asks for a task in the
 * format of a {@link TaskCodec}, and a Reasoner that asks to reason step by step and put the final
 * answer in {@code \boxed{}} (docs/algorithm.md), extracting it with an {@link AnswerExtractor}.
 */
public final class Roles {
  private Roles() {}

  /** The paper-style Challenger: document, then the codec's instructions. */
  public static Challenger challenger(TaskCodec codec) {
    return new CodecChallenger(Objects.requireNonNull(codec, "codec"));
  }

  /** The paper-style Challenger with the {@link JsonTaskCodec}. */
  public static Challenger jsonChallenger() {
    return challenger(new JsonTaskCodec());
  }

  /** The paper-style Reasoner with the given extractor. */
  public static Reasoner reasoner(AnswerExtractor extractor) {
    return new BoxedReasoner(Objects.requireNonNull(extractor, "extractor"));
  }

  /** The paper-style Reasoner with the minimal {@link BoxedAnswerExtractor}. */
  public static Reasoner boxedReasoner() {
    return reasoner(new BoxedAnswerExtractor());
  }

  /** Renders the Reasoner's question text, options included for multiple choice. */
  public static String questionText(Task task) {
    if (task.format() != TaskFormat.MULTIPLE_CHOICE) {
      return task.question();
    }
    StringBuilder sb = new StringBuilder(task.question());
    for (int i = 0; i < 4; i++) {
      sb.append('\n').append((char) ('A' + i)).append(". ").append(task.options().get(i));
    }
    return sb.toString();
  }

  private record CodecChallenger(TaskCodec codec) implements Challenger {
    @Override
    public Prompt prompt(Document document) {
      String text;
      if (document.text().isEmpty()) {
        text = "Write one challenging question with a verifiable answer, without any reference "
            + "document.\n\n" + codec.formatInstructions();
      } else {
        text = "Read the document below and write one challenging question whose answer is "
            + "grounded in it. The person answering will not see the document.\n\n<document>\n"
            + document.text() + "\n</document>\n\n" + codec.formatInstructions();
      }
      return Prompt.of(Role.CHALLENGER, text);
    }

    @Override
    public ChallengerAttempt parse(Document document, Prompt prompt, Completion completion) {
      TaskCodec.Decoded d;
      try {
        d = codec.decode(completion.text(), document);
      } catch (RuntimeException e) {
        d = TaskCodec.Decoded.invalid("codec " + codec.name() + " failed: " + e);
      }
      return d.task() != null
          ? ChallengerAttempt.valid(document, prompt, completion, d.task())
          : ChallengerAttempt.invalid(document, prompt, completion, d.invalidReason());
    }
  }

  private record BoxedReasoner(AnswerExtractor extractor) implements Reasoner {
    @Override
    public Prompt prompt(Task task) {
      String tail = task.format() == TaskFormat.MULTIPLE_CHOICE
          ? "Reason step by step, then give the letter of the correct option in \\boxed{}."
          : "Reason step by step, then give the final answer in \\boxed{}.";
      return Prompt.of(Role.REASONER, questionText(task) + "\n\n" + tail);
    }

    @Override
    public ReasonerAttempt parse(Task task, Prompt prompt, Completion completion) {
      String answer;
      try {
        answer = extractor.extract(completion.text(), task).orElse(null);
      } catch (RuntimeException e) {
        answer = null;
      }
      return new ReasonerAttempt(task, prompt, completion, answer);
    }
  }
}
