package dev.spice.core;

import java.util.Map;

/**
 * Service-provider interface that makes a backend module discoverable: a module lists its
 * provider in {@code META-INF/services/dev.spice.core.PolicyProvider}; {@link Policies} finds it.
 */
public interface PolicyProvider {

  /**
   * The backend name users select it by, for example {@code djl}.
   *
   * @return the backend name users select it by, for example {@code djl}
   */
  String name();

  /**
   * Higher ranks win when several available providers could serve a request without a name.
   *
   * @return this provider's rank
   */
  default int rank() {
    return 0;
  }

  /**
   * Whether this provider can create a backend on this machine (native libraries present).
   *
   * @return whether this provider can create a backend on this machine (native libraries present)
   */
  default boolean isAvailable() {
    return true;
  }

  /**
   * Whether {@link #create} returns a {@link TrainablePolicy}; {@link Policies#trainable} picks
   * only such providers. Default {@code false} (inference only): trainable providers override it.
   *
   * @return whether {@link #create} returns a {@link TrainablePolicy}; {@link Policies#trainable}
   *     picks only such providers
   */
  default boolean isTrainable() {
    return false;
  }

  /**
   * Creates a backend.
   *
   *
   * @param options provider-specific options, for example {@code model=/path/to/checkpoint};
   *     each provider documents its keys and rejects unknown ones
   * @return the new backend
   */
  PolicyBackend create(Map<String, String> options);
}
