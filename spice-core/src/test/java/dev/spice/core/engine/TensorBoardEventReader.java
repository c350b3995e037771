package dev.spice.core.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads TensorBoard event files back, written for the tests from the format descriptions and
 * independent of the writer: TFRecord framing with both CRCs checked (by a bit-by-bit CRC-32C),
 * then the {@code tensorflow.Event} fields the listener writes.
 */
final class TensorBoardEventReader {
  private TensorBoardEventReader() {}

  /**
   * One decoded event.
   *
   * @param wallTime field 1 (NaN if absent)
   * @param step field 2 (0 if absent, as in proto3)
   * @param fileVersion field 3, or null
   * @param sessionStatus field 7's {@code SessionLog.status} (1 = START), or -1 without a session log
   * @param values the summary's simple values by tag, in file order (empty without a summary)
   */
  record Event(double wallTime, long step, String fileVersion, int sessionStatus, Map<String, Float> values) {
    boolean isSummary() {
      return fileVersion == null && sessionStatus < 0;
    }
  }

  /** CRC-32C, bit by bit, reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF. */
  static int crc32cBitwise(byte[] data, int offset, int length) {
    int crc = 0xFFFFFFFF;
    for (int i = offset; i < offset + length; i++) {
      crc ^= data[i] & 0xFF;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
      }
    }
    return ~crc;
  }

  /** The masked CRC: rotate right by 15 bits, then add 0xa282ead8 (mod 2^32). */
  static int mask(int crc) {
    return Integer.rotateRight(crc, 15) + 0xa282ead8;
  }

  /** The records' data, after checking the framing; throws AssertionError on a bad length or CRC. */
  static List<byte[]> records(byte[] file) {
    ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> out = new ArrayList<>();
    while (in.hasRemaining()) {
      if (in.remaining() < 12) {
        throw new AssertionError("truncated record header at " + in.position());
      }
      int start = in.position();
      long length = in.getLong();
      int lengthCrc = in.getInt();
      if (lengthCrc != mask(crc32cBitwise(file, start, 8))) {
        throw new AssertionError("bad length CRC at " + start);
      }
      if (length < 0 || length > in.remaining() - 4) {
        throw new AssertionError("bad length " + length + " at " + start);
      }
      byte[] data = new byte[(int) length];
      in.get(data);
      if (in.getInt() != mask(crc32cBitwise(data, 0, data.length))) {
        throw new AssertionError("bad data CRC at " + start);
      }
      out.add(data);
    }
    return out;
  }

  /** Every event of an event file. */
  static List<Event> read(Path file) throws IOException {
    List<Event> events = new ArrayList<>();
    for (byte[] r : records(Files.readAllBytes(file))) {
      events.add(decodeEvent(r));
    }
    return events;
  }

  static Event decodeEvent(byte[] data) {
    Fields f = new Fields(data);
    double wallTime = Double.NaN;
    long step = 0;
    String version = null;
    int session = -1;
    Map<String, Float> values = new LinkedHashMap<>();
    while (f.more()) {
      long key = f.varint();
      int field = (int) (key >>> 3);
      int wire = (int) (key & 7);
      if (field == 1 && wire == 1) {
        wallTime = Double.longBitsToDouble(f.fixed64());
      } else if (field == 2 && wire == 0) {
        step = f.varint();
      } else if (field == 3 && wire == 2) {
        version = new String(f.bytes(), StandardCharsets.UTF_8);
      } else if (field == 7 && wire == 2) {
        session = sessionStatus(f.bytes());
      } else if (field == 5 && wire == 2) {
        decodeSummary(f.bytes(), values);
      } else {
        f.skip(wire);
      }
    }
    return new Event(wallTime, step, version, session, values);
  }

  private static int sessionStatus(byte[] data) {
    Fields f = new Fields(data);
    int status = 0;
    while (f.more()) {
      long key = f.varint();
      if (key == (1 << 3)) {
        status = (int) f.varint();
      } else {
        f.skip((int) (key & 7));
      }
    }
    return status;
  }

  private static void decodeSummary(byte[] data, Map<String, Float> values) {
    Fields f = new Fields(data);
    while (f.more()) {
      long key = f.varint();
      if (key == ((1 << 3) | 2)) {
        Fields v = new Fields(f.bytes());
        String tag = null;
        Float value = null;
        while (v.more()) {
          long k = v.varint();
          if (k == ((1 << 3) | 2)) {
            tag = new String(v.bytes(), StandardCharsets.UTF_8);
          } else if (k == ((2 << 3) | 5)) {
            value = Float.intBitsToFloat(v.fixed32());
          } else {
            v.skip((int) (k & 7));
          }
        }
        if (tag == null || value == null) {
          throw new AssertionError("summary value without tag or simple_value");
        }
        if (values.put(tag, value) != null) {
          throw new AssertionError("tag twice in one event: " + tag);
        }
      } else {
        f.skip((int) (key & 7));
      }
    }
  }

  /** A cursor over protobuf wire data. */
  private static final class Fields {
    private final byte[] data;
    private int at;

    Fields(byte[] data) {
      this.data = data;
    }

    boolean more() {
      return at < data.length;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = data[at++];
        v |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return v;
        }
      }
      throw new AssertionError("varint longer than 10 bytes");
    }

    int fixed32() {
      int v = 0;
      for (int i = 0; i < 4; i++) {
        v |= (data[at++] & 0xFF) << (8 * i);
      }
      return v;
    }

    long fixed64() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v |= (long) (data[at++] & 0xFF) << (8 * i);
      }
      return v;
    }

    byte[] bytes() {
      int n = (int) varint();
      byte[] b = java.util.Arrays.copyOfRange(data, at, at + n);
      at += n;
      return b;
    }

    void skip(int wire) {
      switch (wire) {
        case 0 -> varint();
        case 1 -> at += 8;
        case 2 -> bytes();
        case 5 -> at += 4;
        default -> throw new AssertionError("wire type " + wire);
      }
    }
  }
}
