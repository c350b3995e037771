package dev.spice.core.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few protocol-buffer encodings the TensorBoard event writer needs: a field key, varints,
 * little-endian fixed32 / fixed64, and length-delimited bytes (strings, nested messages). Each
 * {@code *Field} method writes the key ({@code field << 3 | wire type}) and then the value, so a
 * message is the concatenation of its fields. Not thread-safe.
 */
final class ProtoWriter {
  static final int WIRE_VARINT = 0;
  static final int WIRE_FIXED64 = 1;
  static final int WIRE_LENGTH_DELIMITED = 2;
  static final int WIRE_FIXED32 = 5;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Writes {@code value} as an unsigned base-128 varint (a negative value takes 10 bytes). */
  ProtoWriter varint(long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return this;
  }

  /** Writes 4 bytes, least significant first. */
  ProtoWriter fixed32(int value) {
    for (int i = 0; i < 4; i++) {
      out.write((value >>> (8 * i)) & 0xFF);
    }
    return this;
  }

  /** Writes 8 bytes, least significant first. */
  ProtoWriter fixed64(long value) {
    for (int i = 0; i < 8; i++) {
      out.write((int) ((value >>> (8 * i)) & 0xFF));
    }
    return this;
  }

  /** Writes a field key. */
  ProtoWriter key(int field, int wireType) {
    return varint(((long) field << 3) | wireType);
  }

  /** A {@code double} field (wire type 1). */
  ProtoWriter doubleField(int field, double value) {
    return key(field, WIRE_FIXED64).fixed64(Double.doubleToRawLongBits(value));
  }

  /** A {@code float} field (wire type 5). */
  ProtoWriter floatField(int field, float value) {
    return key(field, WIRE_FIXED32).fixed32(Float.floatToRawIntBits(value));
  }

  /** An {@code int64} field (varint). */
  ProtoWriter int64Field(int field, long value) {
    return key(field, WIRE_VARINT).varint(value);
  }

  /** A {@code bytes} field or an embedded message (length-delimited). */
  ProtoWriter bytesField(int field, byte[] value) {
    key(field, WIRE_LENGTH_DELIMITED).varint(value.length);
    out.writeBytes(value);
    return this;
  }

  /** A {@code string} field, UTF-8 (length-delimited). */
  ProtoWriter stringField(int field, String value) {
    return bytesField(field, value.getBytes(StandardCharsets.UTF_8));
  }

  /** An embedded message field. */
  ProtoWriter messageField(int field, ProtoWriter message) {
    return bytesField(field, message.toByteArray());
  }

  /** The bytes written so far. */
  byte[] toByteArray() {
    return out.toByteArray();
  }
}
