package dev.spice.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the listener's files with TensorBoard's own event accumulator, when Python 3 with the
 * {@code tensorboard} package is installed (skipped otherwise): values, steps and the purge of the
 * points a restored run writes again.
 */
class TensorBoardPythonReadTest {
  private static final String SCRIPT = String.join("\n",
      "import sys",
      "from tensorboard.backend.event_processing import event_accumulator as ea",
      "acc = ea.EventAccumulator(sys.argv[1])",
      "acc.Reload()",
      "for tag in sorted(acc.Tags()['scalars']):",
      "    for e in acc.Scalars(tag):",
      "        print('%s %d %r' % (tag, e.step, e.value))",
      "");

  private static boolean tensorBoardInstalled() {
    try {
      Process p = new ProcessBuilder("python3", "-c", "import tensorboard").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void tensorBoardsEventAccumulatorReadsTheFiles(@TempDir Path tmp) throws Exception {
    Assumptions.assumeTrue(tensorBoardInstalled(), "python3 with the tensorboard package is not installed");
    Path dir = tmp.resolve("tb");
    try (TensorBoardListener tb = SelfPlayListeners.tensorBoard(dir)) {
      tb.onIterationEnd(TensorBoardListenerTest.result(0, Map.of("reasoner/pass_rate", 0.25, "loss", 1.5)));
      tb.onIterationEnd(TensorBoardListenerTest.result(1, Map.of("reasoner/pass_rate", 0.5, "loss", Double.NaN)));
      tb.onIterationEnd(TensorBoardListenerTest.result(2, Map.of("reasoner/pass_rate", 0.75)));
      tb.onRestore(1, tmp);
      tb.onIterationEnd(TensorBoardListenerTest.result(1, Map.of("reasoner/pass_rate", 0.125)));
    }
    Path script = Files.writeString(tmp.resolve("read.py"), SCRIPT);
    Path errors = tmp.resolve("stderr.txt");
    Process p = new ProcessBuilder("python3", script.toString(), dir.toString()).redirectError(errors.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(p.waitFor(120, TimeUnit.SECONDS), "python3 did not finish");
    assertEquals(0, p.exitValue(), Files.readString(errors));
    // the restore to iteration 1 dropped the old points at steps 1 and 2
    assertEquals(List.of("loss 0 1.5", "reasoner/pass_rate 0 0.25", "reasoner/pass_rate 1 0.125"),
        out.lines().toList());
  }
}
