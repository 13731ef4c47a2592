package io.bcgitops.vm;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.List;

/**
 * Memory quantities in the canonical form the API server stores them in (1024Mi is stored as
 * 1Gi): a Deployment written in another form would read back different and be updated forever.
 */
final class Quantities {
  private record Unit(String suffix, BigDecimal factor) {
  }

  private static final List<Unit> BINARY = List.of(new Unit("Ei", BigDecimal.valueOf(2).pow(60)),
      new Unit("Pi", BigDecimal.valueOf(2).pow(50)), new Unit("Ti", BigDecimal.valueOf(2).pow(40)),
      new Unit("Gi", BigDecimal.valueOf(2).pow(30)), new Unit("Mi", BigDecimal.valueOf(2).pow(20)),
      new Unit("Ki", BigDecimal.valueOf(2).pow(10)));
  private static final List<Unit> DECIMAL = List.of(new Unit("E", BigDecimal.TEN.pow(18)),
      new Unit("P", BigDecimal.TEN.pow(15)), new Unit("T", BigDecimal.TEN.pow(12)), new Unit("G", BigDecimal.TEN.pow(9)),
      new Unit("M", BigDecimal.TEN.pow(6)), new Unit("k", BigDecimal.TEN.pow(3)));

  private Quantities() {
  }

  /**
   * The largest unit of the same family (binary for Ki..Ei, decimal otherwise) in which the amount
   * is a whole number, as Kubernetes canonicalizes. Amounts that are not whole bytes are kept as written.
   */
  static String canonicalMemory(Quantity quantity) {
    BigDecimal bytes = Quantity.getAmountInBytes(quantity);
    if (bytes.signum() <= 0 || bytes.stripTrailingZeros().scale() > 0) {
      return quantity.toString();
    }
    String format = quantity.getFormat() == null ? "" : quantity.getFormat();
    for (Unit unit : format.endsWith("i") ? BINARY : DECIMAL) {
      BigDecimal[] division = bytes.divideAndRemainder(unit.factor());
      if (division[1].signum() == 0) {
        return division[0].toBigInteger() + unit.suffix();
      }
    }
    return bytes.toBigInteger().toString();
  }
}
