package io.bcgitops.spec;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * One bound on what a hostile repository can cost the operator, and the setting (an environment
 * variable) that changes it, so that a message about an exceeded limit can say both.
 *
 * @param setting the environment variable that sets it, such as BCGITOPS_MAX_APPS
 * @param value the limit: a count, or bytes when {@code bytes} is true
 * @param bytes whether the value is an amount of bytes (shown as KiB, MiB)
 */
public record Limit(String setting, long value, boolean bytes) {
  private static final long KIB = 1L << 10;
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;

  public static Limit count(String setting, long value) {
    return new Limit(setting, value, false);
  }

  public static Limit bytes(String setting, long value) {
    return new Limit(setting, value, true);
  }

  /** The same limit with another value. */
  public Limit withValue(long newValue) {
    return new Limit(setting, newValue, bytes);
  }

  /**
   * This limit as the environment sets it: its variable's value, else this one. A count is a whole
   * number; bytes are a number of bytes or a quantity (16Mi, 1Gi).
   *
   * @throws IllegalArgumentException naming the variable, when its value is not a positive amount
   */
  public Limit from(Map<String, String> env) {
    String text = env.get(setting);
    if (text == null || text.isBlank()) {
      return this;
    }
    try {
      BigDecimal amount = bytes ? Quantity.getAmountInBytes(Quantity.parse(text.strip()))
          : new BigDecimal(text.strip());
      long parsed = amount.stripTrailingZeros().longValueExact(); // a fraction of a byte or count is no amount
      if (parsed > 0) {
        return withValue(parsed);
      }
    } catch (IllegalArgumentException | ArithmeticException e) {
      // Said below.
    }
    throw new IllegalArgumentException(setting + " must be " + (bytes ? "a positive size in bytes, or a quantity"
        + " such as 16Mi or 1Gi" : "a positive whole number") + ", got '" + text + "'");
  }

  /** The value as a user reads it: "1000", "16 MiB", "1.5 MiB". */
  public String amount() {
    return bytes ? size(value) : String.valueOf(value);
  }

  /** "16 MiB (BCGITOPS_MAX_READ_BYTES)": what a message names. */
  @Override
  public String toString() {
    return amount() + " (" + setting + ")";
  }

  /** A size in bytes as a user reads it: whole units when they fit, else one decimal. */
  public static String size(long bytes) {
    for (long unit : new long[] {GIB, MIB, KIB}) {
      if (bytes >= unit) {
        String suffix = unit == GIB ? " GiB" : unit == MIB ? " MiB" : " KiB";
        return bytes % unit == 0 ? bytes / unit + suffix
            : String.format(Locale.ROOT, "%.1f", bytes / (double) unit) + suffix;
      }
    }
    return bytes + " bytes";
  }
}
