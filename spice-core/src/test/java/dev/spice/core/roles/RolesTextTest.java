package dev.spice.core.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.Challenger;
import dev.spice.core.ChallengerAttempt;
import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.Prompt;
import dev.spice.core.Reasoner;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Role;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.TaskCodec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RolesTextTest {
  private static final Document DOC = Document.of("d", "the capital of france is paris .", "s");
  private static final Document EMPTY = Document.of("e", "", "s");
  private static final Task FREE = Task.freeForm("france capital ___ ?", "paris", AnswerType.STRING);
  private static final Task MCQ = Task.multipleChoice("france capital ___ ?", List.of("rome", "paris", "lima", "oslo"), "B");

  private static Completion completion(String text) {
    return new Completion(text, new int[] {1}, new int[] {2}, new float[] {-1f}, Completion.FinishReason.STOP);
  }

  @Test
  void challengerPromptIsTheDocumentAndTheCodecInstructions() {
    Challenger c = Roles.textChallenger(TextTaskCodec.defaults());
    Prompt p = c.prompt(DOC);
    assertEquals(Role.CHALLENGER, p.role());
    assertEquals("document: the capital of france is paris .\nwrite a task:", p.text());
    assertTrue(p.allowedTokens().isEmpty());
    assertEquals("document: none\nwrite a task:", c.prompt(EMPTY).text());
  }

  @Test
  void challengerParsesWithItsCodec() {
    TextTaskCodec codec = TextTaskCodec.defaults();
    Challenger c = Roles.textChallenger(codec);
    Prompt p = c.prompt(DOC);
    ChallengerAttempt ok = c.parse(DOC, p, completion("question : france capital ___ ? answer : paris"));
    assertTrue(ok.isValid(), ok.invalidReason());
    assertEquals("paris", ok.task().goldAnswer());
    ChallengerAttempt mcq = c.parse(DOC, p, completion(codec.encode(MCQ)));
    assertEquals(MCQ, mcq.task(), "a demonstration written by encode reads back as its task");
    ChallengerAttempt bad = c.parse(DOC, p, completion("paris"));
    assertEquals("format: no 'question:' keyword", bad.invalidReason());
  }

  @Test
  void aThrowingCodecGivesAFormatReason() {
    TaskCodec broken = new TaskCodec() {
      @Override
      public String name() {
        return "broken";
      }

      @Override
      public String formatInstructions() {
        return "task:";
      }

      @Override
      public Decoded decode(String completionText, Document document) {
        throw new IllegalStateException("bug");
      }
    };
    Challenger c = Roles.textChallenger(broken);
    assertEquals("document: none\ntask:", c.prompt(EMPTY).text());
    ChallengerAttempt a = c.parse(DOC, c.prompt(DOC), completion("x"));
    assertEquals("format: codec broken failed: java.lang.IllegalStateException: bug", a.invalidReason());
    assertEquals(InvalidReasons.FORMAT, InvalidReasons.code(a.invalidReason()));
    SpiceException.ConfigurationException e =
        assertThrows(SpiceException.ConfigurationException.class, () -> broken.encode(FREE));
    assertTrue(e.getMessage().startsWith("codec broken cannot encode tasks"), e.getMessage());
  }

  @Test
  void reasonerPromptIsTheQuestionAndOptionsWithoutInstructions() {
    Reasoner r = Roles.textReasoner((text, task) -> Optional.empty());
    Prompt free = r.prompt(FREE);
    assertEquals(Role.REASONER, free.role());
    assertEquals("question: france capital ___ ?", free.text());
    assertEquals("question: france capital ___ ? options: rome | paris | lima | oslo", r.prompt(MCQ).text());
  }

  @Test
  void reasonerAnswerIsWhatTheExtractorFinds() {
    Reasoner r = Roles.textReasoner((text, task) ->
        text.startsWith("answer: ") ? Optional.of(text.substring(8)) : Optional.empty());
    Prompt p = r.prompt(FREE);
    ReasonerAttempt a = r.parse(FREE, p, completion(Roles.textDemonstration(FREE)));
    assertEquals("paris", a.answer());
    assertNull(r.parse(FREE, p, completion("paris")).answer());
    Reasoner throwing = Roles.textReasoner((text, task) -> {
      throw new IllegalStateException("bug");
    });
    assertNull(throwing.parse(FREE, p, completion("answer: paris")).answer());
  }

  @Test
  void demonstrationAnswersWithTheGoldText() {
    assertEquals("answer: paris", Roles.textDemonstration(FREE));
    assertEquals("answer: paris", Roles.textDemonstration(MCQ));
    assertEquals("answer: 8", Roles.textDemonstration(Task.freeForm("legs of a spider ?", "8", AnswerType.INTEGER)));
  }

  @Test
  void nullArgumentsAreRefused() {
    assertThrows(NullPointerException.class, () -> Roles.textChallenger(null));
    assertThrows(NullPointerException.class, () -> Roles.textReasoner(null));
  }

  @Test
  void onlyFormatsTurnsOtherFormatsIntoInvalidTasksWithTheirCode() {
    Challenger mcqOnly = Roles.onlyFormats(Roles.textChallenger(TextTaskCodec.defaults()),
        java.util.Set.of(dev.spice.core.TaskFormat.MULTIPLE_CHOICE));
    Prompt p = mcqOnly.prompt(DOC);
    assertEquals(Roles.textChallenger(TextTaskCodec.defaults()).prompt(DOC), p);
    ChallengerAttempt free = mcqOnly.parse(DOC, p, completion("question : france capital ___ ? answer : paris"));
    assertEquals("format_not_allowed: FREE_FORM tasks are not allowed (allowed: [MULTIPLE_CHOICE])",
        free.invalidReason());
    assertEquals(InvalidReasons.FORMAT_NOT_ALLOWED, InvalidReasons.code(free.invalidReason()));
    ChallengerAttempt mcq = mcqOnly.parse(DOC, p,
        completion("question : france capital ___ ? options : rome | paris | lima | oslo answer : paris"));
    assertEquals(MCQ, mcq.task());
    // an invalid task keeps its own reason
    assertEquals(InvalidReasons.FORMAT, InvalidReasons.code(mcqOnly.parse(DOC, p, completion("nonsense")).invalidReason()));
    assertThrows(dev.spice.core.SpiceException.ConfigurationException.class,
        () -> Roles.onlyFormats(Roles.textChallenger(TextTaskCodec.defaults()), java.util.Set.of()));
  }
}
