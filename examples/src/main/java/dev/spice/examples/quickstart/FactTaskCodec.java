package dev.spice.examples.quickstart;

import dev.spice.core.Document;
import dev.spice.core.Task;
import dev.spice.core.TaskCodec;
import dev.spice.core.TaskFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * The compact task codec of the quickstart, for small models: the Challenger writes one action
 * token {@code <format>@L<k>} (see {@link FactWorld#action}) naming both the format
 * ({@value FactWorld#MCQ} or {@value FactWorld#FREE}) and line {@code k} of the document; the task
 * is then rendered from that fact by {@link FactWorld#render}. Anything else (another number of
 * tokens, an unknown format, a pointer past the document's last line, a line that is not a fact of
 * the world) is an invalid task. One token rather than a format token followed by a pointer token
 * keeps a random Challenger mostly valid (only pointers past the last line are invalid), so the
 * self-play signal starts at iteration 0.
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
    return "Answer with one token <format>@L<k>: the format (" + FactWorld.MCQ + " or " + FactWorld.FREE
        + ") and the number k of the fact line to ask about, e.g. " + FactWorld.action(FactWorld.MCQ, 2) + ".";
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
      return Decoded.invalid("empty output; expected one token '<format>@L<k>'");
    }
    String[] w = t.split("\\s+");
    if (w.length != 1) {
      return Decoded.invalid("expected 1 token '<format>@L<k>', got " + w.length + ": '" + t + "'");
    }
    int at = t.indexOf("@L");
    if (at < 0 || !t.substring(at + 2).matches("\\d{1,3}")) {
      return Decoded.invalid("expected '<format>@L<k>' with a line number k, got '" + t + "'");
    }
    String fmt = t.substring(0, at);
    TaskFormat format;
    if (fmt.equals(FactWorld.MCQ)) {
      format = TaskFormat.MULTIPLE_CHOICE;
    } else if (fmt.equals(FactWorld.FREE)) {
      format = TaskFormat.FREE_FORM;
    } else {
      return Decoded.invalid("format must be " + FactWorld.MCQ + " or " + FactWorld.FREE + ", got '" + fmt + "' in '" + t + "'");
    }
    int k = Integer.parseInt(t.substring(at + 2));
    String[] lines = document.text().split("\n");
    if (document.text().isBlank() || k >= lines.length) {
      return Decoded.invalid("pointer L" + k + " in '" + t + "' is past the document's last line (it has "
          + (document.text().isBlank() ? 0 : lines.length) + " lines)");
    }
    Optional<FactWorld.Fact> fact = world.parseLine(lines[k]);
    if (fact.isEmpty()) {
      return Decoded.invalid("line " + k + " of document " + document.id() + " is not a fact of the world: '" + lines[k] + "'");
    }
    return Decoded.valid(world.render(format, fact.get(), instanceSeed));
  }
}
