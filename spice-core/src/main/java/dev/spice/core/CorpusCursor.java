package dev.spice.core;

import java.util.Objects;

/**
 * The serialisable sampling position of a {@link CorpusSource}: restoring it into a source built
 * with the same settings continues with exactly the documents the original would have drawn.
 *
 * @param source the name of the source that wrote it (checked on restore)
 * @param state opaque, printable state owned by that source (no line breaks)
 */
public record CorpusCursor(String source, String state) {
  /**
   * Validates.
   *
   * @param source the name of the source that wrote it (checked on restore)
   * @param state opaque, printable state owned by that source (no line breaks)
   */
  public CorpusCursor {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(state, "state");
    if (state.indexOf('\n') >= 0 || state.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("CorpusCursor state must be one line");
    }
  }
}
