package dev.spice.core.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * Writes TFRecord framing, the container of TensorBoard event files: for each record,
 * {@code uint64 length} (little-endian), {@code uint32 masked_crc32c(length bytes)}, the data, and
 * {@code uint32 masked_crc32c(data)}, all little-endian. Not thread-safe.
 */
final class TfRecordWriter implements AutoCloseable {
  private static final int MASK_DELTA = 0xa282ead8;

  private final OutputStream out;

  TfRecordWriter(OutputStream out) {
    this.out = out;
  }

  /** TensorFlow's masked CRC-32C: the CRC rotated right by 15 bits, plus {@code 0xa282ead8} (mod 2^32). */
  static int maskedCrc32c(byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  /** Writes one record (not flushed). */
  void write(byte[] data) throws IOException {
    byte[] header = new byte[12];
    putLittleEndian(header, 0, data.length, 8);
    putLittleEndian(header, 8, maskedCrc32c(header, 0, 8), 4);
    byte[] footer = new byte[4];
    putLittleEndian(footer, 0, maskedCrc32c(data, 0, data.length), 4);
    out.write(header);
    out.write(data);
    out.write(footer);
  }

  private static void putLittleEndian(byte[] to, int at, long value, int bytes) {
    for (int i = 0; i < bytes; i++) {
      to[at + i] = (byte) (value >>> (8 * i));
    }
  }

  void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
