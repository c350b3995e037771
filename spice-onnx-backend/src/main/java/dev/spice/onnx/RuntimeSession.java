package dev.spice.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.model.SafeTensors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ONNX Runtime side of an {@link OnnxPolicy}: the session and its options, the graph's
 * {@link GraphSignature}, running the graph, and the weight refresh that swaps in a new session.
 * Not thread-safe; {@link OnnxPolicyImpl} serialises the calls.
 */
final class RuntimeSession {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final Path modelFile;
  private final int intraOpThreads;
  private final int interOpThreads;
  private final OnnxPolicy.Optimization optimization;
  /** The CUDA device ordinal, or -1 for the CPU. */
  private final int cudaDevice;
  private final boolean allowNonFiniteWeights;
  private final GraphSignature sig;
  private OrtSession session;
  private OrtSession.SessionOptions sessionOptions;
  private List<OnnxTensor> sharedWeights = List.of();
  private Map<String, long[]> initializerShapes;

  /**
   * Loads the graph.
   *
   * @param cudaDevice the CUDA device ordinal, or -1 for the CPU (see {@link #cudaDevice(String)})
   * @param allowNonFiniteWeights whether {@link #refresh} accepts NaN / infinite weights
   */
  RuntimeSession(Path file, int intraOpThreads, int interOpThreads, OnnxPolicy.Optimization optimization,
      int cudaDevice, boolean allowNonFiniteWeights) {
    this.modelFile = file;
    this.allowNonFiniteWeights = allowNonFiniteWeights;
    this.intraOpThreads = intraOpThreads;
    this.interOpThreads = interOpThreads;
    this.optimization = optimization;
    this.cudaDevice = cudaDevice;
    OrtSession.SessionOptions opts = newOptions(Map.of());
    try {
      this.session = env.createSession(file.toString(), opts);
    } catch (OrtException e) {
      opts.close();
      throw new SpiceException.BackendException("ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
    }
    this.sessionOptions = opts;
    try {
      this.sig = GraphSignature.of(session, file);
    } catch (RuntimeException e) {
      closeSession(session, opts, List.of());
      throw e;
    }
  }

  /**
   * The CUDA device ordinal a valid {@link OnnxPolicy.Builder#device(String)} setting selects, or
   * -1 for the CPU.
   *
   * @throws SpiceException.ConfigurationException if a GPU is asked for and this ONNX Runtime has no
   *     CUDA execution provider
   */
  static int cudaDevice(String spec) {
    String s = spec.toLowerCase(Locale.ROOT);
    if (s.equals("cpu")) {
      return -1;
    }
    var available = OrtEnvironment.getAvailableProviders();
    boolean cuda = available.contains(OrtProvider.CUDA);
    if (s.equals("auto")) {
      return cuda ? 0 : -1;
    }
    if (!cuda) {
      throw new SpiceException.ConfigurationException("device '" + spec + "' requested but this ONNX Runtime has no "
          + "CUDA execution provider; available: " + available + ". Use com.microsoft.onnxruntime:onnxruntime_gpu, "
          + "or device(\"cpu\").");
    }
    return s.equals("gpu") ? 0 : Integer.parseInt(s.substring(4));
  }

  private OrtSession.SessionOptions newOptions(Map<String, OnnxTensorLike> initializers) {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    try {
      if (intraOpThreads > 0) {
        o.setIntraOpNumThreads(intraOpThreads);
      }
      if (interOpThreads > 0) {
        o.setInterOpNumThreads(interOpThreads);
      }
      o.setOptimizationLevel(switch (optimization) {
        case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
        case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
        case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
        case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
      });
      if (cudaDevice >= 0) {
        o.addCUDA(cudaDevice);
      }
      if (!initializers.isEmpty()) {
        o.addExternalInitializers(initializers);
      }
      return o;
    } catch (OrtException e) {
      o.close();
      throw new SpiceException.BackendException("cannot configure the ONNX Runtime session: " + e.getMessage(), e);
    }
  }

  OrtEnvironment env() {
    return env;
  }

  Path modelFile() {
    return modelFile;
  }

  GraphSignature sig() {
    return sig;
  }

  /** The execution providers the session was created with, in priority. */
  List<String> executionProviders() {
    return cudaDevice >= 0 ? List.of("CUDA", "CPU") : List.of("CPU");
  }

  /** Runs the current session; the caller closes the result. */
  OrtSession.Result run(Map<String, ? extends OnnxTensorLike> in) {
    try {
      return session.run(in);
    } catch (OrtException e) {
      throw new SpiceException.BackendException("ONNX Runtime failed on " + modelFile + ": " + e.getMessage(), e);
    }
  }

  /** See {@link OnnxPolicy#refreshWeights(Path)}. */
  OnnxPolicy.RefreshStats refresh(Path checkpointDir) {
    long start = System.nanoTime();
    Map<String, long[]> wanted = initializerShapes();
    if (wanted.isEmpty()) {
      throw new SpiceException.BackendException(modelFile + " has no float initializers with Hugging Face tensor names "
          + "(model.* / lm_head.*); refreshWeights works on graphs written by OnnxExporter");
    }
    List<OnnxTensor> created = new ArrayList<>();
    Map<String, OnnxTensorLike> map = new LinkedHashMap<>();
    List<String> ignored = new ArrayList<>();
    long bytes = 0;
    try {
      try (SafeTensors.Reader reader = SafeTensors.openDirectory(checkpointDir)) {
        for (String n : reader.names()) {
          if (!wanted.containsKey(n)) {
            ignored.add(n);
          }
        }
        for (Map.Entry<String, long[]> e : wanted.entrySet()) {
          String name = e.getKey();
          if (!reader.names().contains(name)) {
            throw new SpiceException.BackendException("checkpoint " + checkpointDir + " lacks tensor '" + name
                + "' that the graph " + modelFile + " uses; weights not refreshed");
          }
          long[] have = reader.info(name).shape();
          if (!Arrays.equals(have, e.getValue())) {
            throw new SpiceException.BackendException("tensor '" + name + "' in " + checkpointDir + " has shape "
                + Arrays.toString(have) + " but the graph expects " + Arrays.toString(e.getValue())
                + "; weights not refreshed");
          }
          float[] data = reader.floats(name);
          if (!allowNonFiniteWeights) {
            try {
              SafeTensors.requireFinite(data, reader.info(name), reader.file(name),
                  "OnnxPolicy.builder().allowNonFiniteWeights(true)");
            } catch (SpiceException.BackendException nonFinite) {
              throw new SpiceException.BackendException(nonFinite.getMessage() + "; weights not refreshed");
            }
          }
          FloatBuffer fb = ByteBuffer.allocateDirect(data.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
          fb.put(data).rewind();
          OnnxTensor t = OnnxTensor.createTensor(env, fb, have);
          created.add(t);
          map.put(name, t);
          bytes += 4L * data.length;
        }
      }
      long read = System.nanoTime();
      OrtSession.SessionOptions opts = newOptions(map);
      OrtSession fresh;
      try {
        fresh = env.createSession(modelFile.toString(), opts);
      } catch (OrtException e) {
        opts.close();
        throw new SpiceException.BackendException("ONNX Runtime rejected the refreshed weights for " + modelFile + ": "
            + e.getMessage(), e);
      }
      long made = System.nanoTime();
      closeSession(session, sessionOptions, sharedWeights);
      session = fresh;
      sessionOptions = opts;
      sharedWeights = List.copyOf(created);
      created = List.of();
      long end = System.nanoTime();
      return new OnnxPolicy.RefreshStats(map.size(), bytes, Duration.ofNanos(read - start),
          Duration.ofNanos(made - read), Duration.ofNanos(end - start), ignored);
    } catch (OrtException e) {
      throw new SpiceException.BackendException("cannot create weight tensors: " + e.getMessage(), e);
    } finally {
      created.forEach(OnnxTensor::close);
    }
  }

  /** Float initializers of the graph that carry Hugging Face tensor names, read from the protobuf. */
  private Map<String, long[]> initializerShapes() {
    if (initializerShapes == null) {
      OnnxMl.ModelProto proto;
      try (InputStream in = Files.newInputStream(modelFile)) {
        proto = OnnxMl.ModelProto.parseFrom(in);
      } catch (IOException e) {
        throw new SpiceException.BackendException("cannot parse " + modelFile + " as an ONNX model: " + e.getMessage(), e);
      }
      Map<String, long[]> m = new LinkedHashMap<>();
      for (OnnxMl.TensorProto t : proto.getGraph().getInitializerList()) {
        if (t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT_VALUE
            && (t.getName().startsWith("model.") || t.getName().startsWith("lm_head."))) {
          m.put(t.getName(), t.getDimsList().stream().mapToLong(Long::longValue).toArray());
        }
      }
      initializerShapes = m;
    }
    return initializerShapes;
  }

  /** Releases the session, its options and the refreshed weights. Call once. */
  void close() {
    closeSession(session, sessionOptions, sharedWeights);
  }

  private static void closeSession(OrtSession s, OrtSession.SessionOptions o, List<OnnxTensor> weights) {
    try {
      s.close();
    } catch (OrtException e) {
      // the session is unusable either way; nothing more to release
    }
    o.close();
    weights.forEach(OnnxTensor::close);
  }
}
