package io.bcgitops.api;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;

/**
 * vmConfig.memoryLimit: an integer is MiB (bc_gitops's memory_limit), a string is a Kubernetes
 * quantity ("512Mi", "1Gi"). Both forms are kept as written; this is where they are read.
 */
public final class MemoryLimits {
  private static final long MIB = 1L << 20;
  /** Below this no JVM starts; above it is no machine's memory. */
  private static final BigDecimal MIN_BYTES = BigDecimal.valueOf(32 * MIB);
  private static final BigDecimal MAX_BYTES = BigDecimal.valueOf(1L << 40);

  private MemoryLimits() {
  }

  /**
   * The limit as a quantity: the integer n is n Mi, a string is read as a quantity.
   *
   * @throws IllegalArgumentException when the string is not a quantity
   */
  public static Quantity quantity(IntOrString limit) {
    if (limit.getIntVal() != null) {
      return new Quantity(String.valueOf(limit.getIntVal()), "Mi");
    }
    String text = limit.getStrVal();
    try {
      Quantity quantity = Quantity.parse(text);
      Quantity.getAmountInBytes(quantity); // reads the number and the suffix, refusing what is neither
      return quantity;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is not MiB (an integer) or a quantity like 512Mi or 2Gi");
    }
  }

  /** What is wrong with the limit, in words a user can act on; null when it is a limit a JVM can run in. */
  public static String problem(IntOrString limit) {
    Quantity quantity;
    try {
      quantity = quantity(limit);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    BigDecimal bytes = Quantity.getAmountInBytes(quantity);
    if (bytes.compareTo(MIN_BYTES) >= 0 && bytes.compareTo(MAX_BYTES) <= 0) {
      return null;
    }
    String text = limit.getStrVal();
    if (text != null && quantity.getFormat().isEmpty() && bytes.compareTo(MIN_BYTES) < 0) {
      // "256" quoted is a quantity of 256 bytes, not bc_gitops's 256 MiB.
      return "'" + text + "' is a quantity without a unit, which is " + text + " bytes; for MiB write the number"
          + " without quotes (" + text + ") or with its unit ('" + text + "Mi')";
    }
    String written = text != null ? "'" + text + "'" : limit.getIntVal() + " MiB";
    return written + " is outside 32Mi..1Ti; a JVM needs at least 32Mi";
  }
}
