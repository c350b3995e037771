package dev.spice.examples.cli;

import dev.spice.core.PolicyBackend;
import dev.spice.core.SpiceException;
import dev.spice.djl.DjlPolicy;
import dev.spice.serve.AdapterHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Serves LoRA adapters of a DJL base model through a {@link dev.spice.serve.PolicyServer}: {@link
 * #load} makes a LoRA {@link DjlPolicy} of the base plus the adapter (a PEFT folder, as {@link
 * DjlPolicy#saveAdapter} writes), {@link #unload} closes it. At most {@code maxLoras} adapters are
 * loaded at once (vLLM's {@code --max-loras}).
 *
 * <p>Over a base policy ({@link #DjlAdapterHost(DjlPolicy, int)}, what {@code spice serve
 * --enable-lora} uses) each adapter is {@link DjlPolicy#withAdapter}: it shares the served
 * policy's weights and tokenizer, so a load reads only the adapter and holds only the adapter's
 * memory. Over a builder ({@link #DjlAdapterHost(Supplier, int)}) each adapter is a full policy
 * built from the base checkpoint again (its own copy of the base weights).
 *
 * <p>The server calls {@link #load} and {@link #unload} on its policy thread; this class is also
 * safe to {@link #close} from another thread afterwards. It lives in {@code examples} because
 * {@code spice-djl-backend} cannot see {@code spice-serve} (modules depend on core only).
 */
public final class DjlAdapterHost implements AdapterHost, AutoCloseable {
  private final Supplier<DjlPolicy.Builder> base;
  private final DjlPolicy shared;
  private final int maxLoras;
  private final Map<String, DjlPolicy> loaded = new LinkedHashMap<>();
  private boolean closed;

  /**
   * A host over a base model.
   *
   * @param base a fresh builder of the base policy for each adapter, with the same checkpoint,
   *     device, threads, template and tokenizer as the served base policy; {@link #load} adds
   *     {@code loraAdapter(path)} and builds it
   * @param maxLoras most adapters loaded at once, {@code >= 1}
   * @throws SpiceException.ConfigurationException if {@code maxLoras < 1}
   */
  public DjlAdapterHost(Supplier<DjlPolicy.Builder> base, int maxLoras) {
    this(Objects.requireNonNull(base, "base"), null, maxLoras);
  }

  /**
   * A host whose adapters share {@code base}'s weights and tokenizer ({@link DjlPolicy#withAdapter}:
   * nothing of the base is copied or read again; each adapter policy has the base's settings). The
   * host does not close {@code base}; the shared weights stay alive until {@code base} and every
   * adapter loaded here are closed, in any order.
   *
   * @param base the served base policy
   * @param maxLoras most adapters loaded at once, {@code >= 1}
   * @throws SpiceException.ConfigurationException if {@code maxLoras < 1}
   */
  public DjlAdapterHost(DjlPolicy base, int maxLoras) {
    this(null, Objects.requireNonNull(base, "base"), maxLoras);
  }

  private DjlAdapterHost(Supplier<DjlPolicy.Builder> base, DjlPolicy shared, int maxLoras) {
    this.base = base;
    this.shared = shared;
    if (maxLoras < 1) {
      throw new SpiceException.ConfigurationException("maxLoras must be >= 1, got " + maxLoras);
    }
    this.maxLoras = maxLoras;
  }

  /**
   * Makes the base policy with the adapter at {@code path}.
   *
   * @param name the adapter's name
   * @param path a PEFT adapter folder holding {@code adapter_config.json} and
   *     {@code adapter_model.safetensors}
   * @return the adapter's policy, owned by this host
   * @throws SpiceException.ConfigurationException if {@code maxLoras} adapters are loaded already,
   *     the path is not a folder with {@code adapter_config.json}, or the adapter does not fit the
   *     base model (the message names the file and what was wrong)
   * @throws SpiceException when the adapter's files cannot be read
   */
  @Override
  public synchronized PolicyBackend load(String name, Path path) {
    if (closed) {
      throw new SpiceException.ConfigurationException("this adapter host is closed");
    }
    if (loaded.size() >= maxLoras) {
      throw new SpiceException.ConfigurationException(loaded.size() + " adapter(s) are loaded already "
          + new ArrayList<>(loaded.keySet()) + ", the most this server holds (--max-loras " + maxLoras
          + "); unload one first");
    }
    if (!Files.isDirectory(path)) {
      throw new SpiceException.ConfigurationException(path + " is not a folder; a LoRA adapter is a PEFT folder "
          + "with adapter_config.json and adapter_model.safetensors");
    }
    if (!Files.isRegularFile(path.resolve("adapter_config.json"))) {
      throw new SpiceException.ConfigurationException(path + " has no adapter_config.json; a LoRA adapter is a PEFT "
          + "folder with adapter_config.json and adapter_model.safetensors (DjlPolicy.saveAdapter writes one)");
    }
    DjlPolicy p = shared != null ? shared.withAdapter(path) : base.get().loraAdapter(path).build();
    loaded.put(name, p);
    return p;
  }

  /**
   * Closes the adapter's policy.
   *
   * @param name the adapter's name
   * @throws SpiceException.ConfigurationException if no adapter of that name is loaded
   */
  @Override
  public synchronized void unload(String name) {
    DjlPolicy p = loaded.remove(name);
    if (p == null) {
      throw new SpiceException.ConfigurationException("no adapter named '" + name + "' is loaded; loaded: "
          + new ArrayList<>(loaded.keySet()));
    }
    p.close();
  }

  /**
   * The names of the loaded adapters, in load order.
   *
   * @return an immutable copy
   */
  public synchronized List<String> loaded() {
    return List.copyOf(loaded.keySet());
  }

  /** Closes every loaded adapter's policy; later loads are refused. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    for (DjlPolicy p : loaded.values()) {
      p.close();
    }
    loaded.clear();
  }
}
