package dev.spice.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds policy backends on the class path (through {@link ServiceLoader} and the thread's context
 * class loader). The system property {@value #BACKEND_PROPERTY} picks one by name; otherwise the
 * available provider with the highest rank is used. {@link #create} returns any backend;
 * {@link #trainable} only a {@link TrainablePolicy}, from a provider whose
 * {@link PolicyProvider#isTrainable()} is true.
 */
public final class Policies {
  /** System property naming the backend to use. */
  public static final String BACKEND_PROPERTY = "spice.backend";

  private Policies() {}

  /**
   * All providers on the class path, highest rank first.
   *
   * @return all providers on the class path, highest rank first
   */
  public static List<PolicyProvider> providers() {
    List<PolicyProvider> list = new ArrayList<>();
    ServiceLoader.load(PolicyProvider.class).forEach(list::add);
    list.sort(Comparator.comparingInt(PolicyProvider::rank).reversed()
        .thenComparing(PolicyProvider::name));
    return list;
  }

  /**
   * Creates a backend from the provider named {@code name}, or, if {@code name} is null, from
   * the one named by {@value #BACKEND_PROPERTY}, or else the best available one.
   *
   *
   * @param name the name
   * @param options the options
   * @return the new backend
   * @throws SpiceException.ConfigurationException if no provider matches; the message lists the
   *     providers found
   */
  public static PolicyBackend create(String name, Map<String, String> options) {
    String wanted = name != null ? name : System.getProperty(BACKEND_PROPERTY);
    List<PolicyProvider> all = providers();
    for (PolicyProvider p : all) {
      if ((wanted == null || p.name().equals(wanted)) && p.isAvailable()) {
        return p.create(options);
      }
    }
    throw new SpiceException.ConfigurationException(
        (wanted == null ? "No policy backend is available" : "No available policy backend named '" + wanted + "'")
            + "; providers on the class path: [" + describe(all) + "]. Add a backend module such as spice-djl-backend.");
  }

  /**
   * Creates a trainable policy from the provider named {@code name}, or, if {@code name} is null,
   * from the one named by {@value #BACKEND_PROPERTY}, or else the best available trainable one.
   *
   *
   * @param name the provider name, or null
   * @param options provider-specific options, passed to {@link PolicyProvider#create}
   * @return the new trainable policy
   * @throws SpiceException.ConfigurationException if the named provider is missing or unavailable
   *     (the message lists the available trainable providers), if it makes inference-only
   *     policies (the message names it and lists the trainable ones), if no trainable provider is
   *     available, or if a provider that declares itself trainable creates a backend that is not a
   *     {@link TrainablePolicy} (the backend is closed)
   */
  public static TrainablePolicy trainable(String name, Map<String, String> options) {
    String wanted = name != null ? name : System.getProperty(BACKEND_PROPERTY);
    List<PolicyProvider> all = providers();
    String trainables = all.stream().filter(p -> p.isTrainable() && p.isAvailable()).map(PolicyProvider::name)
        .collect(Collectors.joining(", "));
    PolicyProvider chosen = null;
    for (PolicyProvider p : all) {
      if (wanted != null ? p.name().equals(wanted) && p.isAvailable() : p.isTrainable() && p.isAvailable()) {
        chosen = p;
        break;
      }
    }
    if (chosen == null) {
      throw new SpiceException.ConfigurationException(
          (wanted == null ? "No trainable policy backend is available"
              : "No available policy backend named '" + wanted + "'")
              + "; available trainable providers: [" + trainables + "]; providers on the class path: ["
              + describe(all) + "]. Add a trainable backend module such as spice-djl-backend.");
    }
    if (!chosen.isTrainable()) {
      throw new SpiceException.ConfigurationException("Policy backend provider '" + chosen.name()
          + "' (" + chosen.getClass().getName() + ") makes inference-only policies, not trainable ones"
          + "; available trainable providers: [" + trainables + "]");
    }
    PolicyBackend b = chosen.create(options);
    if (b instanceof TrainablePolicy t) {
      return t;
    }
    String what = b == null ? "null" : "a " + b.getClass().getName() + " that is not a TrainablePolicy";
    SpiceException e = new SpiceException.ConfigurationException("Policy backend provider '" + chosen.name() + "' ("
        + chosen.getClass().getName() + ") declares itself trainable but created " + what);
    if (b != null) {
      try {
        b.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
    }
    throw e;
  }

  private static String describe(List<PolicyProvider> all) {
    return all.stream().map(p -> p.name() + (p.isAvailable() ? "" : " (unavailable)") + (p.isTrainable() ? " (trainable)" : ""))
        .collect(Collectors.joining(", "));
  }
}
