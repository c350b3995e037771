package dev.spice.corpus;

import dev.spice.core.Document;
import dev.spice.core.SpiceException.CorpusException;
import dev.spice.core.internal.json.Json;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * JSON records in files: JSON Lines (one object per line; blank lines passed over and counted) or
 * whole-file JSON documents; a UTF-8 byte-order mark at the start of a file is dropped. Gzip files
 * are decompressed once into a temporary file (deleted on close). With an id field, an id used by
 * an earlier record is a bad record (see {@link SeenIds}). Locator: file index in the top 23 bits,
 * byte offset of the record in the low 40 bits (a whole file has offset {@link #WHOLE}).
 * Thread-safe: reads are positional.
 */
final class JsonlStore implements RecordStore {
  static final long WHOLE = (1L << 40) - 1;
  private static final int MAX_FILES = 1 << 23;

  /**
   * One input file.
   *
   * @param path the file read
   * @param label how messages and default ids name it
   * @param wholeFile one JSON document in the whole file
   * @param unit what a line is called in messages ("line", or "row" for exported tables)
   * @param temporary delete the file on close
   */
  record Input(Path path, String label, boolean wholeFile, String unit, boolean temporary) {
    Input(Path path, String label, boolean wholeFile) {
      this(path, label, wholeFile, "line", false);
    }
  }

  /** Which fields make a document. */
  record Fields(String idField, String textField, List<String> metadataFields) {}

  private final List<Input> inputs;
  private final Fields fields;
  private final Path tempDir;
  private final Path[] readable;
  private final boolean[] temporary;
  private final FileChannel[] channels;

  JsonlStore(List<Input> inputs, Fields fields, Path tempDir) {
    if (inputs.size() >= MAX_FILES) {
      throw new CorpusException("too many input files: " + inputs.size() + " (at most " + (MAX_FILES - 1) + ")");
    }
    this.inputs = List.copyOf(inputs);
    this.fields = fields;
    this.tempDir = tempDir;
    this.readable = new Path[inputs.size()];
    this.temporary = new boolean[inputs.size()];
    this.channels = new FileChannel[inputs.size()];
    for (int f = 0; f < inputs.size(); f++) {
      if (inputs.get(f).temporary()) {
        temporary[f] = true;
        readable[f] = inputs.get(f).path();
      }
    }
  }

  static boolean isGzip(Path p) {
    return p.getFileName().toString().endsWith(".gz");
  }

  /** Ids seen during the current scan (with an id field only); null otherwise. */
  private SeenIds seen;

  @Override
  public void scan(Sink sink, StatsCollector stats) {
    seen = fields.idField() == null ? null : new SeenIds();
    try {
      scanFiles(sink, stats);
    } finally {
      seen = null;
    }
  }

  private void scanFiles(Sink sink, StatsCollector stats) {
    for (int f = 0; f < inputs.size(); f++) {
      Input in = inputs.get(f);
      if (!Files.isRegularFile(in.path())) {
        throw new CorpusException("input file not found or not a regular file: " + in.path());
      }
      try {
        if (in.wholeFile()) {
          byte[] bytes = readAll(in);
          stats.bytesRead += bytes.length;
          stats.recordsRead++;
          readable[f] = in.path();
          int bom = bom(bytes, 0, bytes.length);
          String text = decode(bytes, bom, bytes.length - bom, in.label(), bom);
          Document d = parse(text, in.label(), in.label(), f, WHOLE, 0, stats);
          if (d != null) {
            sink.accept(((long) f << 40) | WHOLE, d);
          }
          continue;
        }
        if (isGzip(in.path())) {
          readable[f] = gunzip(in);
          temporary[f] = true;
        } else {
          readable[f] = in.path();
          temporary[f] = in.temporary();
        }
        channels[f] = FileChannel.open(readable[f], StandardOpenOption.READ);
        scanLines(f, in, sink, stats);
      } catch (IOException e) {
        throw new CorpusException("cannot read " + in.path() + ": " + InputFiles.describe(e, in.path()), e);
      }
    }
  }

  private void scanLines(int f, Input in, Sink sink, StatsCollector stats) throws IOException {
    FileChannel ch = channels[f];
    CharsetDecoder dec = decoder();
    byte[] buf = new byte[1 << 20];
    ByteBuffer bb = ByteBuffer.wrap(buf);
    long bufStart = 0; // file offset of buf[0]
    int filled = 0;
    long line = 0;
    boolean eof = false;
    int pos = 0; // start of the current line in buf
    while (true) {
      // find the end of the line starting at pos
      int nl = -1;
      for (int i = pos; i < filled; i++) {
        if (buf[i] == '\n') {
          nl = i;
          break;
        }
      }
      if (nl < 0 && !eof) {
        // compact and refill
        int rest = filled - pos;
        if (pos == 0 && filled == buf.length) {
          byte[] bigger = new byte[buf.length * 2];
          System.arraycopy(buf, 0, bigger, 0, filled);
          buf = bigger;
        } else {
          System.arraycopy(buf, pos, buf, 0, rest);
          bufStart += pos;
          pos = 0;
          filled = rest;
        }
        bb = ByteBuffer.wrap(buf, filled, buf.length - filled);
        int r = ch.read(bb, bufStart + filled);
        if (r < 0) {
          eof = true;
        } else {
          filled += r;
          stats.bytesRead += r;
        }
        continue;
      }
      int end = nl < 0 ? filled : nl;
      if (nl < 0 && pos >= filled) {
        return;
      }
      line++;
      int from = pos;
      if (bufStart + pos == 0) {
        from += bom(buf, pos, end); // a byte-order mark is not part of the first record
      }
      long offset = bufStart + from;
      int e = end;
      if (e > from && buf[e - 1] == '\r') {
        e--;
      }
      if (isBlank(buf, from, e)) {
        stats.blankLines++;
      } else {
        stats.recordsRead++;
        String where = in.label() + " " + in.unit() + " " + line;
        String text = decode(buf, from, e - from, where, offset, dec);
        Document d = parse(text, where, in.label(), f, offset, line, stats);
        if (d != null) {
          sink.accept(((long) f << 40) | offset, d);
        }
      }
      if (offset >= WHOLE) {
        throw new CorpusException(in.path() + " is larger than 1 TiB, which the index cannot address");
      }
      pos = end + 1;
      if (nl < 0) {
        return;
      }
    }
  }

  /** 3 if a UTF-8 byte-order mark starts {@code b[from, to)}, else 0. */
  private static int bom(byte[] b, int from, int to) {
    return to - from >= 3 && b[from] == (byte) 0xEF && b[from + 1] == (byte) 0xBB && b[from + 2] == (byte) 0xBF ? 3 : 0;
  }

  private static boolean isBlank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c != ' ' && c != '\t' && c != '\r') {
        return false;
      }
    }
    return true;
  }

  private static CharsetDecoder decoder() {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  private static String decode(byte[] b, int off, int len, String where, long offset) {
    return decode(b, off, len, where, offset, decoder());
  }

  /** Strict UTF-8 decoding; the error names the place and the byte offset in the file. */
  private static String decode(byte[] b, int off, int len, String where, long offset, CharsetDecoder dec) {
    boolean ascii = true;
    for (int i = off; i < off + len; i++) {
      if (b[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }
    dec.reset();
    ByteBuffer in = ByteBuffer.wrap(b, off, len);
    CharBuffer out = CharBuffer.allocate(len);
    CoderResult r = dec.decode(in, out, true);
    if (!r.isError()) {
      r = dec.flush(out);
    }
    if (r.isError()) {
      throw new CorpusException(
          "invalid UTF-8 in " + where + " (byte offset " + (offset + in.position() - off) + " of the file)");
    }
    out.flip();
    return out.toString();
  }

  /**
   * Builds the document of one record, or reports it as bad (null under SKIP).
   *
   * @param line the record's line, 0 for a whole-file record
   * @param stats null when reading an indexed record back
   */
  private Document parse(String text, String where, String label, int f, long offset, long line, StatsCollector stats) {
    Document d;
    try {
      d = toDocument(text, label, offset);
    } catch (BadRecord e) {
      if (stats == null) {
        throw new CorpusException(where + ": " + e.getMessage() + " (was the file modified after indexing?)");
      }
      stats.badRecord(where, e.getMessage(), e.getCause());
      return null;
    }
    if (stats != null && seen != null) {
      SeenIds.First first = seen.add(d.id(), ((long) f << 40) | offset, line, loc -> read(loc).id());
      if (first != null) {
        stats.badRecord(where, "duplicate id " + quote(d.id()) + ", first used at " + place(first), null);
        return null;
      }
    }
    return d;
  }

  /** How messages name the record at a locator and line. */
  private String place(SeenIds.First first) {
    Input in = inputs.get((int) (first.locator() >>> 40));
    return (first.locator() & WHOLE) == WHOLE ? in.label() : in.label() + " " + in.unit() + " " + first.line();
  }

  /** An id in quotes for messages, shortened past 80 characters. */
  private static String quote(String id) {
    return "'" + (id.length() > 80 ? id.substring(0, 77) + "..." : id) + "'";
  }

  private static final class BadRecord extends Exception {
    private static final long serialVersionUID = 1L;

    BadRecord(String m, Throwable cause) {
      super(m, cause);
    }
  }

  private Document toDocument(String line, String label, long offset) throws BadRecord {
    Map<String, Object> obj;
    try {
      Object v = Json.parse(line);
      if (!(v instanceof Map)) {
        throw new BadRecord("expected a JSON object, found " + JsonFields.typeOf(v), null);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) v;
      obj = m;
    } catch (Json.JsonException e) {
      throw new BadRecord("malformed JSON: " + e.getMessage(), e);
    }
    Object t = JsonFields.resolve(obj, fields.textField());
    if (t == JsonFields.MISSING) {
      throw new BadRecord("missing text field '" + fields.textField() + "'", null);
    }
    if (!(t instanceof String text)) {
      throw new BadRecord(
          "text field '" + fields.textField() + "' is " + JsonFields.typeOf(t) + ", expected a string", null);
    }
    String id;
    if (fields.idField() == null) {
      id = offset == WHOLE ? label : label + "@" + offset;
    } else {
      Object i = JsonFields.resolve(obj, fields.idField());
      if (i == JsonFields.MISSING) {
        throw new BadRecord("missing id field '" + fields.idField() + "'", null);
      }
      if (!(i instanceof String || i instanceof Number) || i.toString().isBlank()) {
        throw new BadRecord(
            "id field '" + fields.idField() + "' is " + JsonFields.typeOf(i) + ", expected a non-blank string or number", null);
      }
      id = i.toString();
    }
    Map<String, String> md = new LinkedHashMap<>();
    for (String k : fields.metadataFields()) {
      Object v = JsonFields.resolve(obj, k);
      if (v != JsonFields.MISSING && v != null) {
        md.put(k, JsonFields.asText(v));
      }
    }
    return new Document(id, text, "jsonl", md);
  }

  @Override
  public Document read(long locator) {
    int f = (int) (locator >>> 40);
    long offset = locator & WHOLE;
    Input in = inputs.get(f);
    try {
      if (offset == WHOLE) {
        byte[] bytes = readAll(in);
        int bom = bom(bytes, 0, bytes.length);
        return parse(decode(bytes, bom, bytes.length - bom, in.label(), bom), in.label(), in.label(), f, WHOLE, 0, null);
      }
      FileChannel ch = channels[f];
      if (ch == null) {
        throw new CorpusException("corpus over " + in.path() + " is closed");
      }
      byte[] buf = new byte[8192];
      int filled = 0;
      while (true) {
        int r = ch.read(ByteBuffer.wrap(buf, filled, buf.length - filled), offset + filled);
        int from = filled;
        if (r > 0) {
          filled += r;
        }
        int nl = -1;
        for (int i = from; i < filled; i++) {
          if (buf[i] == '\n') {
            nl = i;
            break;
          }
        }
        if (nl >= 0 || r < 0) {
          int end = nl >= 0 ? nl : filled;
          if (end > 0 && buf[end - 1] == '\r') {
            end--;
          }
          String where = in.label() + " at byte offset " + offset;
          return parse(decode(buf, 0, end, where, offset), where, in.label(), f, offset, 0, null);
        }
        if (filled == buf.length) {
          buf = java.util.Arrays.copyOf(buf, buf.length * 2);
        }
      }
    } catch (IOException e) {
      throw new CorpusException(
          "cannot read " + in.path() + " at byte offset " + offset + ": " + InputFiles.describe(e, in.path()), e);
    }
  }

  private static byte[] readAll(Input in) throws IOException {
    if (!isGzip(in.path())) {
      return Files.readAllBytes(in.path());
    }
    try (InputStream is = new GZIPInputStream(Files.newInputStream(in.path()), 1 << 16)) {
      return is.readAllBytes();
    } catch (EOFException e) {
      throw new CorpusException("truncated gzip file " + in.path() + " (unexpected end of compressed data)", e);
    } catch (ZipException e) {
      throw new CorpusException("corrupt gzip file " + in.path() + ": " + e.getMessage(), e);
    }
  }

  private Path gunzip(Input in) throws IOException {
    Path tmp = tempDir == null
        ? Files.createTempFile("spice-corpus-", ".jsonl")
        : Files.createTempFile(tempDir, "spice-corpus-", ".jsonl");
    tmp.toFile().deleteOnExit();
    long written = 0;
    try (InputStream is = new GZIPInputStream(Files.newInputStream(in.path()), 1 << 16);
        OutputStream os = Files.newOutputStream(tmp)) {
      byte[] b = new byte[1 << 16];
      int r;
      while ((r = is.read(b)) >= 0) {
        os.write(b, 0, r);
        written += r;
      }
    } catch (EOFException e) {
      Files.deleteIfExists(tmp);
      throw new CorpusException(
          "truncated gzip file " + in.path() + " (compressed data ends after " + written + " decompressed bytes)", e);
    } catch (ZipException e) {
      Files.deleteIfExists(tmp);
      throw new CorpusException("corrupt gzip file " + in.path() + ": " + e.getMessage(), e);
    }
    return tmp;
  }

  @Override
  public synchronized void close() {
    List<IOException> errors = new ArrayList<>();
    for (int f = 0; f < channels.length; f++) {
      try {
        if (channels[f] != null) {
          channels[f].close();
        }
        channels[f] = null;
        if (temporary[f] && readable[f] != null) {
          Files.deleteIfExists(readable[f]);
          temporary[f] = false;
        }
      } catch (IOException e) {
        errors.add(e);
      }
    }
    if (!errors.isEmpty()) {
      throw new CorpusException("cannot close corpus files: " + InputFiles.describe(errors.get(0), null), errors.get(0));
    }
  }
}
