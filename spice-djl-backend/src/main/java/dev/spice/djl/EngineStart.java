package dev.spice.djl;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.spice.core.SpiceException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Properties;

/**
 * Starts DJL's PyTorch engine for a policy and sets its thread counts, without the log noise the
 * start would otherwise cause (see the module README, "Logging and noise"):
 *
 * <ul>
 *   <li>the intra-op count is passed to DJL through {@value #INTRA_OP} while the engine starts (so
 *       its "Number of intra-op threads" line is the policy's count), then set with
 *       {@link JniUtils#setNumThreads} on every build (the engine may already run; last one wins);
 *   <li>the inter-op pool is sized 1 through {@value #INTER_OP} unless the user set it: PyTorch
 *       accepts that size once per process, before any inter-op work, and the policy's eager
 *       operations never use the pool;
 *   <li>DJL's GPU probe ({@code CudaUtils}) logs a WARN per probe when a CUDA runtime library is
 *       installed but unusable (no or old driver). When this process cannot use a GPU anyway (CPU
 *       device, or CPU-only PyTorch natives), {@value #CUDA_FORK} is set, DJL's switch that runs the
 *       probe once in a child JVM with its logging off; the count it returns is still correct;
 *   <li>{@value #GRAPH_OPTIMIZER} is false while the engine starts (DJL then skips an INFO line
 *       about TorchScript models, which this backend never runs) and unset again afterwards, so
 *       the user's own TorchScript models keep DJL's default.
 * </ul>
 *
 * <p>A property the user set is never changed. Thread-safe (one start at a time).
 */
final class EngineStart {
  static final String INTER_OP = "ai.djl.pytorch.num_interop_threads";
  static final String INTRA_OP = "ai.djl.pytorch.num_threads";
  static final String GRAPH_OPTIMIZER = "ai.djl.pytorch.graph_optimizer";
  static final String CUDA_FORK = "ai.djl.util.cuda.fork";

  private EngineStart() {}

  /**
   * The intra-op thread count a policy uses: {@code requested} when positive, else the
   * {@value #INTRA_OP} property when set, else 1 for models under 5M parameters and all cores above.
   */
  static int threads(int requested, long parameters) {
    if (requested > 0) {
      return requested;
    }
    Integer fromProperty = Integer.getInteger(INTRA_OP);
    if (fromProperty != null && fromProperty > 0) {
      return fromProperty;
    }
    return parameters < 5_000_000 ? 1 : Runtime.getRuntime().availableProcessors();
  }

  /**
   * Starts (or gets) the PyTorch engine with {@code threads} intra-op threads; {@code cpuDevice}
   * says the policy runs on the CPU (the GPU probe is then kept quiet even with CUDA natives).
   */
  static synchronized Engine pytorch(int threads, boolean cpuDevice) {
    if (cpuDevice || cpuOnlyNatives()) {
      quietGpuProbe();
    }
    setIfAbsent(INTER_OP, "1");
    boolean intra = setIfAbsent(INTRA_OP, Integer.toString(threads));
    boolean graph = setIfAbsent(GRAPH_OPTIMIZER, "false");
    Engine engine;
    try {
      engine = Engine.getEngine("PyTorch");
    } catch (RuntimeException e) {
      throw new SpiceException.BackendException("the DJL PyTorch engine cannot start (" + nativesHint() + "): "
          + e.getMessage(), e);
    } finally {
      if (intra) {
        System.clearProperty(INTRA_OP);
      }
      if (graph) {
        System.clearProperty(GRAPH_OPTIMIZER);
      }
    }
    JniUtils.setNumThreads(threads);
    return engine;
  }

  /**
   * Called before DJL loads a native library whose platform detection probes for GPUs (the
   * tokenizers library too): sets {@value #CUDA_FORK} when the PyTorch natives are CPU-only.
   */
  static synchronized void quietGpuProbeIfCpuOnly() {
    if (cpuOnlyNatives()) {
      quietGpuProbe();
    }
  }

  /**
   * Sets {@value #CUDA_FORK} unless the user set it or a child JVM cannot be started quietly: no
   * {@code java} launcher in {@code java.home}, no class path, or an environment variable that
   * makes every JVM print a "Picked up ..." line (the probe would read it as its answer).
   */
  private static void quietGpuProbe() {
    if (System.getProperty(CUDA_FORK) != null) {
      return;
    }
    String cp = System.getProperty("java.class.path", "");
    boolean windows = System.getProperty("os.name", "").startsWith("Win");
    Path java = Path.of(System.getProperty("java.home", ""), "bin", windows ? "java.exe" : "java");
    if (cp.isEmpty() || !Files.isExecutable(java) || System.getenv("JAVA_TOOL_OPTIONS") != null
        || System.getenv("_JAVA_OPTIONS") != null || System.getenv("JDK_JAVA_OPTIONS") != null) {
      return;
    }
    System.setProperty(CUDA_FORK, "true");
  }

  /**
   * True when DJL will load CPU-only PyTorch natives: no {@code PYTORCH_LIBRARY_PATH} and no
   * non-CPU {@code PYTORCH_FLAVOR} (environment or property, as DJL reads them), and every
   * {@code native/lib/pytorch.properties} on the class path says {@code flavor=cpu}.
   */
  /** What to check when the engine cannot start, for the natives on the class path. */
  static String nativesHint() {
    boolean cuda = false;
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    try {
      Enumeration<URL> urls = (cl != null ? cl : EngineStart.class.getClassLoader())
          .getResources("native/lib/pytorch.properties");
      while (urls.hasMoreElements()) {
        Properties p = new Properties();
        try (InputStream in = urls.nextElement().openStream()) {
          p.load(in);
        }
        cuda |= String.valueOf(p.getProperty("flavor")).startsWith("cu");
      }
    } catch (IOException e) {
      cuda = false;
    }
    if (cuda && envOrProperty("PYTORCH_LIBRARY_PATH") == null) {
      return "CUDA natives are on the class path (the -Pcuda build): DJL loads them only on a machine with a CUDA "
          + "GPU and driver; on a CPU-only machine build without -Pcuda";
    }
    return "native library missing? with ai.djl.offline=true the pytorch-native-cpu jar must be on the class path";
  }

  static boolean cpuOnlyNatives() {
    if (envOrProperty("PYTORCH_LIBRARY_PATH") != null) {
      return false;
    }
    String flavor = envOrProperty("PYTORCH_FLAVOR");
    if (flavor != null && !flavor.toLowerCase(Locale.ROOT).startsWith("cpu")) {
      return false;
    }
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    if (cl == null) {
      cl = EngineStart.class.getClassLoader();
    }
    boolean any = false;
    try {
      Enumeration<URL> urls = cl.getResources("native/lib/pytorch.properties");
      while (urls.hasMoreElements()) {
        Properties p = new Properties();
        try (InputStream in = urls.nextElement().openStream()) {
          p.load(in);
        }
        if (!"cpu".equals(p.getProperty("flavor"))) {
          return false;
        }
        any = true;
      }
    } catch (IOException e) {
      return false;
    }
    return any;
  }

  private static String envOrProperty(String name) {
    String v = System.getenv(name);
    return v != null ? v : System.getProperty(name);
  }

  private static boolean setIfAbsent(String key, String value) {
    if (System.getProperty(key) != null) {
      return false;
    }
    System.setProperty(key, value);
    return true;
  }
}
