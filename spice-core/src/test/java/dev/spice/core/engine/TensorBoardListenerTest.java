package dev.spice.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Document;
import dev.spice.core.UpdateStats;
import dev.spice.core.testing.ListCorpus;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TensorBoard event files: framing, CRCs, the Event fields, NaN, restore, I/O errors, the engine. */
class TensorBoardListenerTest {
  private static final double T0 = 1_700_000_000.25;

  static IterationResult result(long iteration, Map<String, Double> values) {
    return new IterationResult(iteration, new Metrics(iteration, values), List.of(), UpdateStats.empty());
  }

  /** A clock that starts at T0 and advances by 1.5 s per reading. */
  static DoubleSupplier clock() {
    AtomicInteger calls = new AtomicInteger();
    return () -> T0 + 1.5 * calls.getAndIncrement();
  }

  static TensorBoardListener listener(Path dir, DoubleSupplier clock) {
    return new TensorBoardListener(dir, clock,
        f -> Files.newOutputStream(f, java.nio.file.StandardOpenOption.CREATE_NEW));
  }

  static List<Path> eventFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).sorted().toList();
    }
  }

  @Test
  void writesTheVersionRecordThenOneEventPerIterationWithStepsTagsAndValues(@TempDir Path dir) throws Exception {
    Path file;
    try (TensorBoardListener tb = listener(dir, clock())) {
      assertNull(tb.file(), "opened at the first event");
      tb.onIterationEnd(result(0, Map.of(MetricNames.REASONER_PASS_RATE, 0.25, MetricNames.CHALLENGER_VALID_RATE, 0.5)));
      file = tb.file();
      assertNotNull(file);
      tb.onIterationEnd(result(1, Map.of(MetricNames.REASONER_PASS_RATE, 0.375, MetricNames.LOSS, -1.0e-3,
          "num_tokens", 123456.0)));
      tb.onIterationEnd(result(2, Map.of(MetricNames.REASONER_PASS_RATE, 1.0 / 3)));
      // flushed after each iteration: readable before close
      assertEquals(4, TensorBoardEventReader.read(file).size());
    }
    String name = file.getFileName().toString();
    String pid = Long.toString(ProcessHandle.current().pid());
    assertTrue(name.matches("events\\.out\\.tfevents\\.1700000000\\.[A-Za-z0-9._-]+\\." + pid + "\\.spice"), name);
    assertEquals(dir, file.getParent());

    List<TensorBoardEventReader.Event> events = TensorBoardEventReader.read(file);
    assertEquals(4, events.size());
    TensorBoardEventReader.Event first = events.get(0);
    assertEquals("brain.Event:2", first.fileVersion());
    assertEquals(T0, first.wallTime());
    assertTrue(first.values().isEmpty());
    assertEquals(-1, first.sessionStatus());
    for (int i = 1; i < 4; i++) {
      assertNull(events.get(i).fileVersion(), "file_version only in the first record");
      assertEquals(i - 1, events.get(i).step());
    }
    assertEquals(Map.of("challenger/valid_rate", 0.5f, "reasoner/pass_rate", 0.25f), events.get(1).values());
    assertEquals(Map.of("loss", -1.0e-3f, "num_tokens", 123456f, "reasoner/pass_rate", 0.375f), events.get(2).values());
    assertEquals(Map.of("reasoner/pass_rate", (float) (1.0 / 3)), events.get(3).values());
    assertEquals(T0 + 1.5, events.get(2).wallTime(), "wall time = the clock's reading, in seconds");
    assertEquals(List.of("challenger/valid_rate", "reasoner/pass_rate"), new ArrayList<>(events.get(1).values().keySet()),
        "values in the metrics' (sorted) order");
  }

  @Test
  void theFactoryWritesTheCurrentTimeAndTheStepOfTheIteration(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("tb").resolve("run1");
    double before = System.currentTimeMillis() / 1000.0;
    try (TensorBoardListener tb = SelfPlayListeners.tensorBoard(dir)) {
      tb.onIterationEnd(result(41, Map.of("reasoner/pass_rate", 0.5)));
    }
    double after = System.currentTimeMillis() / 1000.0;
    List<Path> files = eventFiles(dir);
    assertEquals(1, files.size());
    String seconds = files.get(0).getFileName().toString().split("\\.")[3];
    assertTrue(Long.parseLong(seconds) >= (long) before && Long.parseLong(seconds) <= (long) after + 1, seconds);
    List<TensorBoardEventReader.Event> events = TensorBoardEventReader.read(files.get(0));
    assertEquals(41, events.get(1).step());
    assertTrue(events.get(1).wallTime() >= before - 0.001 && events.get(1).wallTime() <= after + 0.001);
  }

  /**
   * The masked CRC-32C, worked from the definition for two inputs.
   *
   * <p>"123456789": CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, init and final xor
   * 0xFFFFFFFF) is 0xE3069283, the standard check value. Rotated right by 15 bits: the low 15 bits
   * 0x1283 go to the top ({@code 0x1283 << 17 = 0x25060000}) and the high 17 bits shift down
   * ({@code 0xE3069283 >>> 15 = 0x1C60D}), giving 0x2507C60D; plus 0xA282EAD8 is 0xC78AB0E5 (no
   * carry out of 32 bits: 0x2507C60D + 0xA282EAD8 = 0xC78AB0E5).
   *
   * <p>The 8-byte little-endian length 24 of a record ({@code 18 00 00 00 00 00 00 00}): CRC-32C
   * 0x4A65BFE4; rotated: {@code (0x4A65BFE4 >>> 15) = 0x94CB}, {@code (0x3FE4 << 17) = 0x7FC80000}, so
   * 0x7FC894CB; plus 0xA282EAD8 = 0x1224B7FA3, mod 2^32 = 0x224B7FA3.
   */
  @Test
  void maskedCrcMatchesTheValuesWorkedByHandAndAnIndependentBitwiseCrc() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0xE3069283, TensorBoardEventReader.crc32cBitwise(check, 0, check.length));
    assertEquals(0xC78AB0E5, TfRecordWriter.maskedCrc32c(check, 0, check.length));
    byte[] length24 = {24, 0, 0, 0, 0, 0, 0, 0};
    assertEquals(0x4A65BFE4, TensorBoardEventReader.crc32cBitwise(length24, 0, 8));
    assertEquals(0x224B7FA3, TfRecordWriter.maskedCrc32c(length24, 0, 8));

    Random random = new Random(5);
    for (int n = 0; n < 200; n++) {
      byte[] data = new byte[random.nextInt(70)];
      random.nextBytes(data);
      int off = data.length == 0 ? 0 : random.nextInt(data.length);
      int len = data.length - off;
      assertEquals(TensorBoardEventReader.mask(TensorBoardEventReader.crc32cBitwise(data, off, len)),
          TfRecordWriter.maskedCrc32c(data, off, len));
    }
  }

  @Test
  void recordFramingIsLengthCrcDataCrc() throws Exception {
    var bytes = new java.io.ByteArrayOutputStream();
    byte[] data = "123456789".getBytes(StandardCharsets.US_ASCII);
    try (TfRecordWriter w = new TfRecordWriter(bytes)) {
      w.write(data);
    }
    byte[] expected = {9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '1', '2', '3', '4', '5', '6', '7', '8', '9',
        (byte) 0xE5, (byte) 0xB0, (byte) 0x8A, (byte) 0xC7};
    int lengthCrc = TensorBoardEventReader.mask(TensorBoardEventReader.crc32cBitwise(expected, 0, 8));
    for (int i = 0; i < 4; i++) {
      expected[8 + i] = (byte) (lengthCrc >>> (8 * i));
    }
    assertArrayEquals(expected, bytes.toByteArray());
    assertArrayEquals(data, TensorBoardEventReader.records(bytes.toByteArray()).get(0));
  }

  @Test
  void protobufEncodingsMatchTheWireFormat() {
    assertArrayEquals(new byte[] {(byte) 0xAC, 0x02}, new ProtoWriter().varint(300).toByteArray());
    assertArrayEquals(new byte[] {0}, new ProtoWriter().varint(0).toByteArray());
    byte[] minusOne = new ProtoWriter().varint(-1).toByteArray();
    assertEquals(10, minusOne.length);
    assertEquals(1, minusOne[9]);
    // field 2 int64 = 150: key 0x10, varint 96 01
    assertArrayEquals(new byte[] {0x10, (byte) 0x96, 0x01}, new ProtoWriter().int64Field(2, 150).toByteArray());
    // field 2 float 1.0f: key 0x15, 00 00 80 3F
    assertArrayEquals(new byte[] {0x15, 0, 0, (byte) 0x80, 0x3F}, new ProtoWriter().floatField(2, 1f).toByteArray());
    // field 1 double 1.0: key 0x09, then 3FF0000000000000 little-endian
    assertArrayEquals(new byte[] {0x09, 0, 0, 0, 0, 0, 0, (byte) 0xF0, 0x3F},
        new ProtoWriter().doubleField(1, 1.0).toByteArray());
    // field 1 string "ab": key 0x0A, length 2
    assertArrayEquals(new byte[] {0x0A, 2, 'a', 'b'}, new ProtoWriter().stringField(1, "ab").toByteArray());
  }

  @Test
  void nanAndInfiniteValuesAreSkippedAndAnIterationWithoutValuesWritesNothing(@TempDir Path dir) throws Exception {
    Path file;
    try (TensorBoardListener tb = listener(dir, clock())) {
      Map<String, Double> values = new LinkedHashMap<>();
      values.put("a", Double.NaN);
      values.put("b", 2.0);
      values.put("c", Double.POSITIVE_INFINITY);
      values.put("d", 1e300); // finite as a double, infinite as a float
      tb.onIterationEnd(result(0, values));
      file = tb.file();
      tb.onIterationEnd(result(1, Map.of("a", Double.NaN)));
      tb.onIterationEnd(result(2, Map.of()));
      tb.onIterationEnd(result(3, Map.of("b", 3.0)));
    }
    List<TensorBoardEventReader.Event> events = TensorBoardEventReader.read(file);
    assertEquals(3, events.size());
    assertEquals(Map.of("b", 2f), events.get(1).values());
    assertEquals(3, events.get(2).step());
    assertEquals(Map.of("b", 3f), events.get(2).values());
  }

  @Test
  void aRestoreStartsANewFileThatSortsAfterTheOldOne(@TempDir Path dir) throws Exception {
    try (TensorBoardListener tb = listener(dir, () -> T0)) { // a frozen clock: same second for both files
      tb.onIterationEnd(result(0, Map.of("x", 0.0)));
      tb.onIterationEnd(result(1, Map.of("x", 1.0)));
      tb.onIterationEnd(result(2, Map.of("x", 2.0)));
      Path old = tb.file();
      tb.onRestore(1, dir.resolve("ckpt"));
      assertNull(tb.file());
      tb.onIterationEnd(result(1, Map.of("x", 10.0)));
      assertTrue(tb.file().getFileName().toString().compareTo(old.getFileName().toString()) > 0);
    }
    try (TensorBoardListener again = listener(dir, () -> T0)) { // a resumed process, same second
      again.onIterationEnd(result(2, Map.of("x", 20.0)));
    }
    List<Path> files = eventFiles(dir);
    assertEquals(3, files.size());
    assertTrue(files.get(0).toString().contains(".1700000000."));
    assertTrue(files.get(1).toString().contains(".1700000001."));
    assertTrue(files.get(2).toString().contains(".1700000002."));
    List<Long> steps = new ArrayList<>();
    for (Path f : files) {
      List<TensorBoardEventReader.Event> events = TensorBoardEventReader.read(f);
      assertEquals("brain.Event:2", events.get(0).fileVersion(), "each file starts with its version");
      events.stream().filter(TensorBoardEventReader.Event::isSummary).forEach(e -> steps.add(e.step()));
    }
    assertEquals(List.of(0L, 1L, 2L, 1L, 2L), steps);
    assertEquals(-1, TensorBoardEventReader.read(files.get(0)).get(1).sessionStatus(), "no restart in the first file");
    TensorBoardEventReader.Event restart = TensorBoardEventReader.read(files.get(1)).get(1);
    assertEquals(TensorBoardListener.SESSION_START, restart.sessionStatus(), "SessionLog START after the restore");
    assertEquals(1, restart.step(), "at the restored iteration");
    assertTrue(restart.values().isEmpty());
    assertEquals(-1, TensorBoardEventReader.read(files.get(2)).get(1).sessionStatus(), "no restore, no START");
  }

  @Test
  void aFileInPlaceOfTheDirectoryGivesNoExceptionAndNoFile(@TempDir Path tmp) throws Exception {
    Path notADir = tmp.resolve("tb");
    Files.writeString(notADir, "x");
    TensorBoardListener tb = SelfPlayListeners.tensorBoard(notADir);
    assertDoesNotThrow(() -> {
      tb.onIterationEnd(result(0, Map.of("x", 1.0)));
      tb.onIterationEnd(result(1, Map.of("x", 1.0)));
      tb.onRestore(0, tmp);
      tb.onIterationEnd(result(0, Map.of("x", 1.0)));
      tb.close();
    });
    assertNull(tb.file());
    assertEquals("x", Files.readString(notADir));
  }

  @Test
  void aReadOnlyDirectoryGivesNoException(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("ro"));
    boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
    org.junit.jupiter.api.Assumptions.assumeTrue(posix, "needs POSIX permissions");
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      TensorBoardListener tb = SelfPlayListeners.tensorBoard(dir);
      assertDoesNotThrow(() -> {
        tb.onIterationEnd(result(0, Map.of("x", 1.0)));
        tb.close();
      });
      // root ignores the permission bits; then the file is simply written
      assertEquals(Files.isWritable(dir) ? 1 : 0, eventFiles(dir).size());
    } finally {
      Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void aWriteErrorStopsWritingWithoutAnException(@TempDir Path dir) throws Exception {
    AtomicInteger writes = new AtomicInteger();
    List<Path> opened = new ArrayList<>();
    TensorBoardListener tb = new TensorBoardListener(dir, clock(), f -> {
      opened.add(f);
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          if (writes.incrementAndGet() > 1) {
            throw new IOException("disk full");
          }
        }
      };
    });
    assertDoesNotThrow(() -> {
      tb.onIterationEnd(result(0, Map.of("x", 1.0))); // the version record is buffered and flushed with it
      tb.onIterationEnd(result(1, Map.of("x", 1.0)));
      tb.onRestore(1, dir);
      tb.onIterationEnd(result(1, Map.of("x", 1.0)));
      tb.close();
    });
    assertNull(tb.file());
    assertEquals(1, opened.size(), "stopped after the error: no new file after the restore");
  }

  @Test
  void eventsAfterCloseAreIgnored(@TempDir Path dir) throws Exception {
    TensorBoardListener tb = listener(dir, clock());
    tb.onIterationEnd(result(0, Map.of("x", 1.0)));
    tb.close();
    tb.close();
    tb.onIterationEnd(result(1, Map.of("x", 1.0)));
    assertEquals(1, eventFiles(dir).size());
    assertEquals(2, TensorBoardEventReader.read(eventFiles(dir).get(0)).size());
  }

  @Test
  void theWarmStartVariantWritesTheStep(@TempDir Path dir) throws Exception {
    try (WarmStartListeners.TensorBoard tb = WarmStartListeners.tensorBoard(dir)) {
      Metrics m = new Metrics(7, Map.of(WarmStartMetricNames.LOSS, 2.5, WarmStartMetricNames.TOKENS, 96.0));
      tb.onStepEnd(new WarmStartResult(7, m, List.of(), UpdateStats.empty()));
      assertNotNull(tb.file());
      tb.onRestore(3, dir);
      assertNull(tb.file());
      tb.onStepEnd(new WarmStartResult(3, m, List.of(), UpdateStats.empty()));
    }
    assertEquals(2, eventFiles(dir).size());
    assertEquals(3, TensorBoardEventReader.read(eventFiles(dir).get(1)).get(1).step(), "START at the restored step");
    List<TensorBoardEventReader.Event> events = TensorBoardEventReader.read(eventFiles(dir).get(0));
    assertEquals(7, events.get(1).step());
    assertEquals(Map.of(WarmStartMetricNames.LOSS, 2.5f, WarmStartMetricNames.TOKENS, 96f), events.get(1).values());
  }

  @Test
  void theEngineWritesEveryIterationsMetricsAndAResumeAppendsAFile(@TempDir Path tmp) throws Exception {
    Path run = tmp.resolve("run");
    Path logs = tmp.resolve("tb");
    try (TensorBoardListener tb = SelfPlayListeners.tensorBoard(logs);
        SelfPlay spice = engine().runFolder(run, RunMode.NEW).checkpointEvery(2, run).listener(tb).build()) {
      spice.run(3);
    }
    try (TensorBoardListener tb = SelfPlayListeners.tensorBoard(logs);
        SelfPlay spice = engine().runFolder(run, RunMode.RESUME).checkpointEvery(2, run).listener(tb).build()) {
      assertEquals(2, spice.iteration());
      spice.run(2);
    }
    List<Path> files = eventFiles(logs);
    assertEquals(2, files.size(), "the restore before any event opens no file");
    List<TensorBoardEventReader.Event> first = TensorBoardEventReader.read(files.get(0));
    List<TensorBoardEventReader.Event> second = TensorBoardEventReader.read(files.get(1));
    assertEquals(List.of(0L, 1L, 2L),
        first.stream().filter(TensorBoardEventReader.Event::isSummary).map(TensorBoardEventReader.Event::step).toList());
    assertEquals(List.of(2L, 3L),
        second.stream().filter(TensorBoardEventReader.Event::isSummary).map(TensorBoardEventReader.Event::step).toList());
    assertEquals(TensorBoardListener.SESSION_START, second.get(1).sessionStatus(), "the resume restored iteration 2");
    assertEquals(2, second.get(1).step());
    Set<String> tags = first.get(1).values().keySet();
    assertTrue(tags.containsAll(List.of(MetricNames.REASONER_PASS_RATE, MetricNames.CHALLENGER_VALID_RATE,
        MetricNames.STEP_TIME)), tags.toString());
  }

  private static SelfPlay.Builder engine() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      docs.add(Document.of("d" + i, "fact" + i + " value " + (i * 3 % 10), "s"));
    }
    return SelfPlay.builder().policy(SelfPlayTest.randomPolicy()).corpus(new ListCorpus("s", docs, 5))
        .recipe(TestRecipes.recipe(2, 4)).batchSize(3).seed(9);
  }
}
