package dev.spice.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server turns Nagle's algorithm off for the JDK HTTP server unless the user set the switch. */
class NoDelayTest {
  private final String before = System.getProperty(PolicyServer.NO_DELAY);

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(PolicyServer.NO_DELAY);
    } else {
      System.setProperty(PolicyServer.NO_DELAY, before);
    }
  }

  @Test
  void unsetBecomesTrue() {
    System.clearProperty(PolicyServer.NO_DELAY);
    PolicyServer.noDelayUnlessSet();
    assertEquals("true", System.getProperty(PolicyServer.NO_DELAY));
  }

  @Test
  void theUsersChoiceStays() {
    System.setProperty(PolicyServer.NO_DELAY, "false");
    PolicyServer.noDelayUnlessSet();
    assertEquals("false", System.getProperty(PolicyServer.NO_DELAY));
  }
}
