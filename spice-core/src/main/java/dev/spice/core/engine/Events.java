package dev.spice.core.engine;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers engine events to the listeners in order; a listener that throws is logged and skipped. */
final class Events {
  private static final Logger LOG = LoggerFactory.getLogger(SelfPlay.class);
  private final List<SelfPlayListener> listeners;

  Events(List<SelfPlayListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  void fire(Consumer<SelfPlayListener> event) {
    fire(listeners, event, LOG);
  }

  /**
   * Calls {@code event} on each listener in order; a listener that throws is logged (WARN, on
   * {@code log}) and skipped, so one faulty listener never stops the run or the other listeners.
   */
  static <L> void fire(List<L> listeners, Consumer<L> event, Logger log) {
    for (L l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        log.warn("listener {} threw; ignored", l.getClass().getName(), e);
      }
    }
  }
}
