package dev.spice.corpus;

import dev.spice.core.Document;
import dev.spice.core.SpiceException.CorpusException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One document per text file; the locator is the file's index. A binary-looking file (see
 * {@link #binaryReason}) is a bad record: it fails the build or is skipped and counted, by policy.
 * Thread-safe.
 */
final class DirectoryStore implements RecordStore {
  /** A file whose control characters exceed this share of its bytes looks binary. */
  static final double MAX_CONTROL_SHARE = 0.10;

  private final List<InputFiles.Found> files;

  DirectoryStore(List<InputFiles.Found> files) {
    this.files = List.copyOf(files);
  }

  @Override
  public void scan(Sink sink, StatsCollector stats) {
    for (int i = 0; i < files.size(); i++) {
      byte[] b = bytes(i);
      stats.recordsRead++;
      stats.bytesRead += b.length;
      String binary = binaryReason(b);
      if (binary != null) {
        stats.badRecord(files.get(i).path().toString(), binary, null);
        continue;
      }
      sink.accept(i, toDocument(i, b));
    }
  }

  @Override
  public Document read(long locator) {
    int i = (int) locator;
    byte[] b = bytes(i);
    String binary = binaryReason(b);
    if (binary != null) {
      throw new CorpusException(
          files.get(i).path() + ": " + binary + " (was the file modified after indexing?)");
    }
    return toDocument(i, b);
  }

  /**
   * Why the bytes of a file do not look like text, or null if they do. A file looks binary if it
   * starts with a UTF-16 or UTF-32 byte-order mark, holds a NUL byte, or more than
   * {@link #MAX_CONTROL_SHARE} of its bytes are control characters (0x01-0x1F other than tab, line
   * feed, carriage return and form feed, or 0x7F).
   */
  static String binaryReason(byte[] b) {
    if (b.length >= 2 && ((b[0] == (byte) 0xFF && b[1] == (byte) 0xFE) || (b[0] == (byte) 0xFE && b[1] == (byte) 0xFF))) {
      return "binary-looking file, not UTF-8 text (starts with a UTF-16 or UTF-32 byte-order mark)";
    }
    long control = 0;
    for (int k = 0; k < b.length; k++) {
      int c = b[k] & 0xff;
      if (c == 0) {
        return "binary-looking file, not text (NUL byte at byte offset " + k + ")";
      }
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) {
        control++;
      }
    }
    if (control > MAX_CONTROL_SHARE * b.length) {
      return String.format(Locale.ROOT,
          "binary-looking file, not text (%d of %d bytes are control characters, more than %.0f %%)",
          control, b.length, MAX_CONTROL_SHARE * 100);
    }
    return null;
  }

  private byte[] bytes(int i) {
    Path p = files.get(i).path();
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new CorpusException("cannot read " + p + ": " + InputFiles.describe(e, p), e);
    }
  }

  private Document toDocument(int i, byte[] b) {
    InputFiles.Found f = files.get(i);
    int off = b.length >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF ? 3 : 0;
    CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(b, off, b.length - off);
    CharBuffer out = CharBuffer.allocate(b.length);
    CoderResult r = dec.decode(in, out, true);
    if (!r.isError()) {
      r = dec.flush(out);
    }
    if (r.isError()) {
      int at = in.position();
      int line = 1;
      for (int k = 0; k < at; k++) {
        if (b[k] == '\n') {
          line++;
        }
      }
      throw new CorpusException(
          "invalid UTF-8 in " + f.path() + " line " + line + " (byte offset " + at + ")");
    }
    out.flip();
    return new Document(f.label(), out.toString(), "directory", Map.of("path", f.label()));
  }

  @Override
  public void close() {}
}
