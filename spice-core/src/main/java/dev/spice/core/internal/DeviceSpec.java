package dev.spice.core.internal;

import dev.spice.core.SpiceException;
import java.util.Locale;

/**
 * The device setting of the backends' policy builders: {@code cpu}, {@code gpu} (GPU 0),
 * {@code gpu:N} (GPU N, at most 9 digits) or {@code auto}, in any case. Both builders check it with
 * {@link #check} in {@code build()}; what {@code auto} and a GPU mean is up to each backend.
 */
public final class DeviceSpec {
  private DeviceSpec() {}

  /**
   * Checks a device setting.
   *
   * @param device the setting as given
   * @throws SpiceException.ConfigurationException naming the setting and the valid values
   */
  public static void check(String device) {
    String dev = device.toLowerCase(Locale.ROOT);
    if (!(dev.equals("cpu") || dev.equals("gpu") || dev.equals("auto") || dev.matches("gpu:\\d{1,9}"))) {
      throw new SpiceException.ConfigurationException("device '" + device + "' is not valid; valid: cpu, gpu, gpu:N, auto");
    }
  }
}
