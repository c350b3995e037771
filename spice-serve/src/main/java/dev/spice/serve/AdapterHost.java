package dev.spice.serve;

import dev.spice.core.PolicyBackend;
import java.nio.file.Path;

/**
 * Loads and unloads adapters (for example LoRA weights) for a {@link PolicyServer}: the server's
 * {@code POST /v1/load_lora_adapter} calls {@link #load} and then serves the returned policy under
 * the adapter's name (requests with {@code "model": name} go to it); {@code POST
 * /v1/unload_lora_adapter} stops serving it and calls {@link #unload}.
 *
 * <p>The server calls these methods on its policy thread, one call at a time and never while a
 * policy generates, so an implementation needs no locking of its own against generation. The
 * host owns the policies it returns: the server never closes them, {@link #unload} (or the host's
 * own shutdown) should.
 */
public interface AdapterHost {

  /**
   * Loads the adapter at {@code path} and returns the policy that serves it.
   *
   * @param name the adapter's name, not blank, distinct from the served model and from every
   *     adapter currently loaded
   * @param path the adapter's files; the server has checked that the path exists
   * @return the policy to serve under {@code name}, not null
   * @throws dev.spice.core.SpiceException when the adapter cannot be loaded; the message (naming
   *     the file and what was wrong) goes to the client in a 400 response and nothing is served.
   *     Any other exception is the host's own failure: a 500 response with a short message, the
   *     stack trace in the server log
   */
  PolicyBackend load(String name, Path path);

  /**
   * Unloads an adapter that {@link #load} returned; the server no longer routes requests to it.
   *
   * @param name the adapter's name
   * @throws dev.spice.core.SpiceException when unloading fails (the server has already stopped
   *     serving the adapter; the client gets a 500 response naming the failure)
   */
  void unload(String name);
}
