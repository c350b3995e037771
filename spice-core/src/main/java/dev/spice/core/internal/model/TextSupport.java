package dev.spice.core.internal.model;

import dev.spice.core.internal.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Text helpers shared by the model-file readers ({@link SafeTensors}, {@link TokenizerJson} and
 * {@code TransformerConfig}, which call them through {@link SafeTensors}): I/O failure reasons,
 * strict UTF-8 decoding and the top-level keys of a JSON object.
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

  /**
   * Top-level keys of a JSON object text (one that {@link Json#parse} accepted), in order and
   * with repeats, which the parsed map would hide.
   */
  static List<String> topLevelKeys(String json) {
    List<String> keys = new ArrayList<>();
    int depth = 0;
    boolean expectKey = false;
    int i = 0;
    int n = json.length();
    while (i < n) {
      char c = json.charAt(i);
      if (c == '"') {
        int start = i++;
        while (i < n) {
          char d = json.charAt(i);
          if (d == '\\') {
            i += 2;
          } else {
            i++;
            if (d == '"') {
              break;
            }
          }
        }
        if (depth == 1 && expectKey) {
          keys.add((String) Json.parse(json.substring(start, Math.min(i, n))));
          expectKey = false;
        }
        continue;
      }
      if (c == '{' || c == '[') {
        depth++;
        expectKey = depth == 1 && c == '{';
      } else if (c == '}' || c == ']') {
        depth--;
      } else if (c == ',' && depth == 1) {
        expectKey = true;
      }
      i++;
    }
    return keys;
  }
}
