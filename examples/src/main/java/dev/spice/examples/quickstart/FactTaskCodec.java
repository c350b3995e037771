package dev.spice.examples.quickstart;

import dev.spice.core.Document;
import dev.spice.core.Task;
import dev.spice.core.TaskCodec;
import dev.spice.core.TaskFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * The compact task codec of the quickstart, for small models: the Challenger writes two action
 * tokens, a format token ({@value FactWorld#MCQ} or {@value FactWorld#FREE}) and a pointer token
 * {@code <Lk>} naming line {@code k} of the document; the task is then rendered from that fact by
 * {@link FactWorld#render}. Anything else (another number of tokens, another order, a pointer past
 * the document's last line, a line that is not a fact of the world) is an invalid task.
 *
 * <p>Deterministic and thread-safe. {@link #decode(String, Document)} draws the multiple-choice
 * option order from the document and the action only; training uses
 * {@link #decode(String, Document, long)} with a fresh seed per task instance (see
 * {@link FactRoles#challenger}), so the Reasoner cannot memorise letters.
 */
public final class FactTaskCodec implements TaskCodec {
  private final FactWorld world;

  /** A codec over the given world. */
  public FactTaskCodec(FactWorld world) {
    this.world = Objects.requireNonNull(world, "world");
  }

  @Override
  public String name() {
    return "fact-pointer";
  }

  @Override
  public String formatInstructions() {
    return "Answer with two tokens: a format (" + FactWorld.MCQ + " or " + FactWorld.FREE
        + ") and the pointer <Lk> of the fact line k to ask about.";
  }

  @Override
  public Decoded decode(String completionText, Document document) {
    return decode(completionText, document, ((long) completionText.strip().hashCode() << 32) ^ document.id().hashCode());
  }

  /**
   * Parses one Challenger output, drawing the multiple-choice option order from
   * {@code instanceSeed}.
   */
  public Decoded decode(String completionText, Document document, long instanceSeed) {
    String t = completionText == null ? "" : completionText.strip();
    if (t.isEmpty()) {
      return Decoded.invalid("empty output; expected '<format> <Lk>'");
    }
    String[] w = t.split("\\s+");
    if (w.length != 2) {
      return Decoded.invalid("expected 2 tokens '<format> <Lk>', got " + w.length + ": '" + t + "'");
    }
    TaskFormat format;
    if (w[0].equals(FactWorld.MCQ)) {
      format = TaskFormat.MULTIPLE_CHOICE;
    } else if (w[0].equals(FactWorld.FREE)) {
      format = TaskFormat.FREE_FORM;
    } else {
      return Decoded.invalid("first token must be " + FactWorld.MCQ + " or " + FactWorld.FREE + ", got '" + w[0] + "'");
    }
    if (!w[1].matches("<L\\d{1,3}>")) {
      return Decoded.invalid("second token must be a pointer <Lk>, got '" + w[1] + "'");
    }
    int k = Integer.parseInt(w[1].substring(2, w[1].length() - 1));
    String[] lines = document.text().split("\n");
    if (document.text().isBlank() || k >= lines.length) {
      return Decoded.invalid("pointer " + w[1] + " is past the document's last line (it has "
          + (document.text().isBlank() ? 0 : lines.length) + " lines)");
    }
    Optional<FactWorld.Fact> fact = world.parseLine(lines[k]);
    if (fact.isEmpty()) {
      return Decoded.invalid("line " + k + " of document " + document.id() + " is not a fact of the world: '" + lines[k] + "'");
    }
    return Decoded.valid(world.render(format, fact.get(), instanceSeed));
  }
}
