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
 * Factory of the standard roles, in two styles.
 *
 * <ul>
 *   <li>Paper style, for pretrained (instruction-tuned) language models: {@link #challenger}
 *       shows a document with instructions and asks for a task in the format of a
 *       {@link TaskCodec} (usually {@link JsonTaskCodec}, see {@link #jsonChallenger()});
 *       {@link #reasoner} asks to reason step by step and put the final answer in
 *       {@code \boxed{}} (docs/algorithm.md), extracting it with an {@link AnswerExtractor}.
 *   <li>Compact style, for small models (for example word-level models trained from scratch),
 *       which cannot follow long instructions and read every prompt word: {@link #textChallenger}
 *       shows {@code document: <text>} and the codec's instructions (usually
 *       {@link TextTaskCodec}, whose instructions are three words); {@link #textReasoner} shows
 *       {@code question: <question>} (and {@code options: o1 | o2 | o3 | o4}) with no instruction,
 *       and expects {@code answer: <text>}, which an extractor that reads {@code Answer:} lines
 *       (such as spice-rewards' default extractor) picks up. Such models learn the formats from
 *       demonstrations: {@link TaskCodec#encode} for the Challenger and
 *       {@link #textDemonstration} for the Reasoner.
 * </ul>
 */
public final class Roles {
  private Roles() {}

  /**
   * The paper-style Challenger: document, then the codec's instructions.
   *
   * @param codec the codec
   * @return the paper-style Challenger: document, then the codec's instructions
   */
  public static Challenger challenger(TaskCodec codec) {
    return new CodecChallenger(Objects.requireNonNull(codec, "codec"));
  }

  /**
   * The paper-style Challenger with the {@link JsonTaskCodec}.
   *
   * @return the paper-style Challenger with the {@link JsonTaskCodec}
   */
  public static Challenger jsonChallenger() {
    return challenger(new JsonTaskCodec());
  }

  /**
   * The paper-style Reasoner with the given extractor.
   *
   * @param extractor the extractor
   * @return the paper-style Reasoner with the given extractor
   */
  public static Reasoner reasoner(AnswerExtractor extractor) {
    return new BoxedReasoner(Objects.requireNonNull(extractor, "extractor"));
  }

  /**
   * The paper-style Reasoner with the minimal {@link BoxedAnswerExtractor}.
   *
   * @return the paper-style Reasoner with the minimal {@link BoxedAnswerExtractor}
   */
  public static Reasoner boxedReasoner() {
    return reasoner(new BoxedAnswerExtractor());
  }

  /**
   * The compact Challenger for small models. Its prompt is {@code "document: " + text + "\n" +
   * codec.formatInstructions()}, or {@code "document: none\n" + codec.formatInstructions()} for an
   * empty document. Its output is decoded by {@code codec}; a codec that throws gives an invalid
   * attempt with reason {@code format: codec <name> failed: <exception>}. Thread-safe if the codec
   * is.
   *
   * @param codec the codec
   * @return the compact Challenger for small models
   */
  public static Challenger textChallenger(TaskCodec codec) {
    return new TextChallenger(Objects.requireNonNull(codec, "codec"));
  }

  /**
   * The compact Reasoner for small models. Its prompt is {@code "question: " + question}, followed
   * for multiple choice by {@code " options: " + o1 + " | " + o2 + " | " + o3 + " | " + o4}, with
   * no instruction; it is expected to answer {@code answer: <text>} (see
   * {@link #textDemonstration}). The answer is what {@code extractor} finds, or null when it finds
   * none or throws. Thread-safe if the extractor is.
   *
   * @param extractor the extractor
   * @return the compact Reasoner for small models
   */
  public static Reasoner textReasoner(AnswerExtractor extractor) {
    return new TextReasoner(Objects.requireNonNull(extractor, "extractor"));
  }

  /**
   * The completion of the {@link #textReasoner} that answers {@code task} correctly:
   * {@code "answer: " + task.goldText()} (the gold option's text for multiple choice), for
   * writing Reasoner demonstrations.
   *
   * @param task the task
   * @return the completion of the {@link #textReasoner} that answers {@code task} correctly: {@code
   *     "answer: " + task.goldText()} (the gold option's text for multiple choice), for writing
   *     Reasoner demonstrations
   */
  public static String textDemonstration(Task task) {
    return "answer: " + task.goldText();
  }

  /**
   * A Challenger that accepts only tasks of the given formats: a task of another format, otherwise
   * valid, becomes invalid with the code {@link InvalidReasons#FORMAT_NOT_ALLOWED} (so it gets the
   * invalid-task penalty and the Challenger learns to avoid it). The prompt is unchanged. This is
   * the task-type ablation of the paper (multiple choice only, free form only, or both) as a setting
   * of the role; {@code challenger/mcq_share} shows the mix.
   *
   *
   * @param challenger the role to restrict
   * @param allowed the formats accepted, at least one
   * @return a Challenger that accepts only tasks of the given formats: a task of another format,
   *     otherwise valid, becomes invalid with the code {@link InvalidReasons#FORMAT_NOT_ALLOWED}
   *     (so it gets the invalid-task penalty and the Challenger learns to avoid it)
   */
  public static Challenger onlyFormats(Challenger challenger, java.util.Set<TaskFormat> allowed) {
    Objects.requireNonNull(challenger, "challenger");
    if (allowed == null || allowed.isEmpty()) {
      throw new dev.spice.core.SpiceException.ConfigurationException(
          "onlyFormats needs at least one allowed task format, got " + allowed);
    }
    java.util.Set<TaskFormat> formats = java.util.Set.copyOf(allowed);
    return new Challenger() {
      @Override
      public Prompt prompt(Document document) {
        return challenger.prompt(document);
      }

      @Override
      public ChallengerAttempt parse(Document document, Prompt prompt, Completion completion) {
        ChallengerAttempt a = challenger.parse(document, prompt, completion);
        if (a.isValid() && !formats.contains(a.task().format())) {
          return ChallengerAttempt.invalid(document, prompt, completion, InvalidReasons.FORMAT_NOT_ALLOWED + ": "
              + a.task().format() + " tasks are not allowed (allowed: " + new java.util.TreeSet<>(formats) + ")");
        }
        return a;
      }
    };
  }

  /**
   * Renders the Reasoner's question text, options included for multiple choice.
   *
   * @param task the task
   * @return the question text
   */
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
      return decode(codec, document, prompt, completion, "");
    }
  }

  private record TextChallenger(TaskCodec codec) implements Challenger {
    @Override
    public Prompt prompt(Document document) {
      String text = document.text().isEmpty() ? "none" : document.text();
      return Prompt.of(Role.CHALLENGER, "document: " + text + "\n" + codec.formatInstructions());
    }

    @Override
    public ChallengerAttempt parse(Document document, Prompt prompt, Completion completion) {
      return decode(codec, document, prompt, completion, InvalidReasons.FORMAT + ": ");
    }
  }

  private record TextReasoner(AnswerExtractor extractor) implements Reasoner {
    @Override
    public Prompt prompt(Task task) {
      StringBuilder sb = new StringBuilder("question: ").append(task.question());
      if (task.format() == TaskFormat.MULTIPLE_CHOICE) {
        sb.append(" options: ").append(String.join(" | ", task.options()));
      }
      return Prompt.of(Role.REASONER, sb.toString());
    }

    @Override
    public ReasonerAttempt parse(Task task, Prompt prompt, Completion completion) {
      return extract(extractor, task, prompt, completion);
    }
  }

  private static ChallengerAttempt decode(
      TaskCodec codec, Document document, Prompt prompt, Completion completion, String failurePrefix) {
    TaskCodec.Decoded d;
    try {
      d = codec.decode(completion.text(), document);
    } catch (RuntimeException e) {
      d = TaskCodec.Decoded.invalid(failurePrefix + "codec " + codec.name() + " failed: " + e);
    }
    return d.task() != null
        ? ChallengerAttempt.valid(document, prompt, completion, d.task())
        : ChallengerAttempt.invalid(document, prompt, completion, d.invalidReason());
  }

  private static ReasonerAttempt extract(AnswerExtractor extractor, Task task, Prompt prompt, Completion completion) {
    String answer;
    try {
      answer = extractor.extract(completion.text(), task).orElse(null);
    } catch (RuntimeException e) {
      answer = null;
    }
    return new ReasonerAttempt(task, prompt, completion, answer);
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
      return extract(extractor, task, prompt, completion);
    }
  }
}
