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
import java.util.Map;

/** One document per text file; the locator is the file's index. Thread-safe. */
final class DirectoryStore implements RecordStore {
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
      sink.accept(i, toDocument(i, b));
    }
  }

  @Override
  public Document read(long locator) {
    int i = (int) locator;
    return toDocument(i, bytes(i));
  }

  private byte[] bytes(int i) {
    Path p = files.get(i).path();
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new CorpusException("cannot read " + p + ": " + e, e);
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
