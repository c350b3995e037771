package dev.spice.core.internal.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Text helpers shared by the model-file readers ({@link SafeTensors}, {@link TokenizerJson} and
 * {@code TransformerConfig}, which call them through {@link SafeTensors}): I/O failure reasons and
 * strict UTF-8 decoding.
 */
final class TextSupport {
  private TextSupport() {}

  /** Why an I/O operation failed, in words (no Java class names). */
  static String reason(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : "I/O error";
  }

  /** Decodes UTF-8 strictly; returns null when the bytes are not valid UTF-8 (the offset goes to {@code badAt[0]}). */
  static String strictUtf8(byte[] bytes, long[] badAt) {
    java.nio.charset.CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
    java.nio.charset.CoderResult r = dec.decode(in, out, true);
    if (r.isError()) {
      badAt[0] = in.position();
      return null;
    }
    r = dec.flush(out);
    if (r.isError()) {
      badAt[0] = in.position();
      return null;
    }
    out.flip();
    return out.toString();
  }
}
