package dev.spice.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds policy backends on the class path. The system property {@value #BACKEND_PROPERTY} picks
 * one by name; otherwise the available provider with the highest rank is used.
 */
public final class Policies {
  /** System property naming the backend to use. */
  public static final String BACKEND_PROPERTY = "spice.backend";

  private Policies() {}

  /** All providers on the class path, highest rank first. */
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
   * @throws SpiceException.ConfigurationException if no provider matches; the message lists the
   *     providers found
   */
  public static PolicyBackend create(String name, Map<String, String> options) {
    String wanted = name != null ? name : System.getProperty(BACKEND_PROPERTY);
    List<PolicyProvider> all = providers();
    String found = all.stream().map(p -> p.name() + (p.isAvailable() ? "" : " (unavailable)"))
        .collect(Collectors.joining(", "));
    for (PolicyProvider p : all) {
      if ((wanted == null || p.name().equals(wanted)) && p.isAvailable()) {
        return p.create(options);
      }
    }
    throw new SpiceException.ConfigurationException(
        (wanted == null ? "No policy backend is available" : "No available policy backend named '" + wanted + "'")
            + "; providers on the class path: [" + found + "]. Add a backend module such as spice-djl-backend.");
  }
}
