package dev.spice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import org.junit.jupiter.api.Test;

class UserMessagesTest {

  @Test
  void aWrappedExceptionShowsItsCausesMessageNotItsClass() {
    // RuntimeException(cause) takes cause.toString() as its message: "dev...SpiceException$CorpusException: ..."
    Throwable e = new RuntimeException(new SpiceException.CorpusException("docs/a.txt: binary-looking file"));
    assertEquals(List.of("docs/a.txt: binary-looking file"), UserMessages.lines(e));
  }

  @Test
  void causesAddTheirMessagesOnceEach() {
    Throwable e = new SpiceException.BackendException("cannot load model m",
        new IllegalStateException("weights are truncated", new IOException("weights are truncated")));
    assertEquals(List.of("cannot load model m", "because: weights are truncated"), UserMessages.lines(e));
  }

  @Test
  void ioErrorsAreWords() {
    assertEquals(List.of("no such file or directory: /x/run.yaml"),
        UserMessages.lines(new NoSuchFileException("/x/run.yaml")));
    assertEquals(List.of("permission denied: /x"), UserMessages.lines(new UncheckedIOException(new AccessDeniedException("/x"))));
    assertEquals("cannot read m: permission denied: /m/config.json",
        UserMessages.withoutClassNames("cannot read m: java.nio.file.AccessDeniedException: /m/config.json"));
    assertEquals("bad value", UserMessages.withoutClassNames("dev.spice.core.SpiceException$ConfigurationException: bad value"));
    // ordinary dotted words stay
    assertEquals("see config.json and model.safetensors", UserMessages.withoutClassNames("see config.json and model.safetensors"));
  }

  @Test
  void failuresWithoutMessagesAreDescribed() {
    assertTrue(UserMessages.lines(new NullPointerException()).get(0).startsWith("unexpected internal error"));
    assertTrue(UserMessages.lines(new OutOfMemoryError()).get(0).startsWith("out of memory"));
    assertEquals(List.of("the real reason"),
        UserMessages.lines(new IllegalStateException(null, new IllegalArgumentException("the real reason"))));
  }
}
