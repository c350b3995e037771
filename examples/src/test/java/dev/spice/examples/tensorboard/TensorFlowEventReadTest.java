package dev.spice.examples.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.UpdateStats;
import dev.spice.core.engine.IterationResult;
import dev.spice.core.engine.Metrics;
import dev.spice.core.engine.SelfPlayListeners;
import dev.spice.core.engine.TensorBoardListener;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SessionLog;
import org.tensorflow.proto.Summary;

/**
 * Reads the TensorBoard listener's event files with TensorFlow's own generated protobuf classes
 * ({@code org.tensorflow.proto.Event} from {@code tensorflow-core-native} 1.1.0, the jar without
 * native code) and checks the TFRecord framing with a masked CRC32C written here, independently of
 * the writer (bitwise Castagnoli, checked against the standard test vector).
 */
class TensorFlowEventReadTest {

  /** CRC32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit. */
  static int crc32c(byte[] data, int from, int to) {
    int crc = 0xFFFFFFFF;
    for (int i = from; i < to; i++) {
      crc ^= data[i] & 0xFF;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc >>> 1) ^ (0x82F63B78 & -(crc & 1));
      }
    }
    return ~crc;
  }

  /** TFRecord's mask: rotate right by 15, add 0xa282ead8. */
  static int masked(int crc) {
    return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
  }

  /**
   * Splits a TFRecord file into its records, checking both masked CRCs of each: {@code uint64}
   * length, {@code uint32} masked CRC32C of those 8 bytes, the data, {@code uint32} masked CRC32C
   * of the data, all little-endian.
   */
  static List<byte[]> records(byte[] file) {
    List<byte[]> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      int start = b.position();
      if (b.remaining() < 12) {
        throw new IllegalStateException("truncated header at byte " + start);
      }
      long length = b.getLong();
      int lengthCrc = b.getInt();
      if (lengthCrc != masked(crc32c(file, start, start + 8))) {
        throw new IllegalStateException("bad length CRC at byte " + start);
      }
      if (length < 0 || length > b.remaining() - 4) {
        throw new IllegalStateException("record at byte " + start + " claims " + length + " bytes");
      }
      byte[] data = new byte[(int) length];
      int dataStart = b.position();
      b.get(data);
      int dataCrc = b.getInt();
      if (dataCrc != masked(crc32c(file, dataStart, dataStart + data.length))) {
        throw new IllegalStateException("bad data CRC in the record at byte " + start);
      }
      out.add(data);
    }
    return out;
  }

  static IterationResult result(long iteration, Map<String, Double> values) {
    return new IterationResult(iteration, new Metrics(iteration, values), List.of(), UpdateStats.empty());
  }

  static List<Path> eventFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).sorted().toList();
    }
  }

  /** The scalars of an event's summary, tag to value, checking each is a {@code simple_value}. */
  static Map<String, Float> scalars(Event e) {
    assertEquals(Event.WhatCase.SUMMARY, e.getWhatCase());
    assertTrue(e.getSummary().getUnknownFields().asMap().isEmpty(), "unknown Summary fields");
    Map<String, Float> m = new LinkedHashMap<>();
    for (Summary.Value v : e.getSummary().getValueList()) {
      assertEquals(Summary.Value.ValueCase.SIMPLE_VALUE, v.getValueCase(), v.getTag());
      assertTrue(v.getUnknownFields().asMap().isEmpty(), "unknown Summary.Value fields");
      assertEquals(null, m.put(v.getTag(), v.getSimpleValue()), "tag twice: " + v.getTag());
    }
    return m;
  }

  @Test
  void ownCrc32cMatchesTheStandardCheckValue() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0xE3069283, crc32c(check, 0, check.length));
    assertEquals(0, crc32c(new byte[0], 0, 0));
  }

  @Test
  void tensorFlowsEventParserReadsEveryRecord(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("tb");
    double before = System.currentTimeMillis() / 1000.0;
    try (TensorBoardListener tb = SelfPlayListeners.tensorBoard(dir)) {
      Map<String, Double> first = new LinkedHashMap<>();
      first.put("reasoner/pass_rate", 0.25);
      first.put("challenger/valid_rate", 0.875);
      first.put("loss", -1.0e-3);
      tb.onIterationEnd(result(0, first));
      Map<String, Double> second = new LinkedHashMap<>();
      second.put("reasoner/pass_rate", 1.0 / 3);
      second.put("loss", Double.NaN); // left out
      second.put("num_tokens", 123456789.0); // not exact as a float
      second.put("huge", 1e300); // infinite as a float: left out
      tb.onIterationEnd(result(1, second));
      tb.onIterationEnd(result(2, Map.of("reasoner/pass_rate", 0.5)));
      tb.onIterationEnd(result(3, Map.of("loss", Double.NaN))); // nothing finite: no event
      tb.onRestore(2, tmp);
      tb.onIterationEnd(result(2, Map.of("reasoner/pass_rate", 0.125)));
    }
    double after = System.currentTimeMillis() / 1000.0;

    List<Path> files = eventFiles(dir);
    assertEquals(2, files.size(), files.toString());
    List<Event> run = parse(files.get(0));
    List<Event> restored = parse(files.get(1));

    // every event: a wall time (seconds) within the run, never decreasing within a file
    for (List<Event> events : List.of(run, restored)) {
      double last = Double.NEGATIVE_INFINITY;
      for (Event e : events) {
        assertTrue(e.getWallTime() >= before - 1e-3 && e.getWallTime() <= after + 1e-3, "wall time " + e.getWallTime());
        assertTrue(e.getWallTime() >= last, "wall time went back");
        last = e.getWallTime();
        assertTrue(e.getUnknownFields().asMap().isEmpty(), "unknown Event fields: " + e);
      }
      assertEquals(Event.WhatCase.FILE_VERSION, events.get(0).getWhatCase());
      assertEquals("brain.Event:2", events.get(0).getFileVersion());
      assertEquals(0, events.get(0).getStep());
    }

    assertEquals(4, run.size(), "version + 3 events (iteration 3 had no finite metric)");
    assertEquals(List.of(0L, 1L, 2L), run.subList(1, 4).stream().map(Event::getStep).toList());
    assertEquals(Map.of("reasoner/pass_rate", 0.25f, "challenger/valid_rate", 0.875f, "loss", -1.0e-3f),
        scalars(run.get(1)));
    assertEquals(Map.of("reasoner/pass_rate", (float) (1.0 / 3), "num_tokens", 123456789.0f), scalars(run.get(2)));
    assertEquals(Map.of("reasoner/pass_rate", 0.5f), scalars(run.get(3)));

    assertEquals(3, restored.size(), "version + session start + 1 event");
    Event start = restored.get(1);
    assertEquals(Event.WhatCase.SESSION_LOG, start.getWhatCase());
    assertEquals(SessionLog.SessionStatus.START, start.getSessionLog().getStatus());
    assertEquals(2, start.getStep());
    assertEquals(2, restored.get(2).getStep());
    assertEquals(Map.of("reasoner/pass_rate", 0.125f), scalars(restored.get(2)));
  }

  @Test
  void theFramingCheckCatchesAFlippedBit(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("tb");
    try (TensorBoardListener tb = SelfPlayListeners.tensorBoard(dir)) {
      tb.onIterationEnd(result(7, Map.of("loss", 2.0)));
    }
    byte[] file = Files.readAllBytes(eventFiles(dir).get(0));
    assertEquals(2, records(file).size());
    for (int i = 0; i < file.length; i += 3) {
      byte[] bad = file.clone();
      bad[i] ^= 0x10;
      assertThrows(IllegalStateException.class, () -> records(bad), "byte " + i + " flipped, not caught");
    }
    assertFalse(records(file).isEmpty());
  }

  static List<Event> parse(Path file) throws IOException {
    List<Event> events = new ArrayList<>();
    for (byte[] record : records(Files.readAllBytes(file))) {
      events.add(Event.parseFrom(record));
    }
    return events;
  }
}
