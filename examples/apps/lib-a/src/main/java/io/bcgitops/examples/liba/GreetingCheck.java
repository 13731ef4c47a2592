package io.bcgitops.examples.liba;

import io.bcgitops.examples.lib.Greeting;
import java.util.function.BooleanSupplier;

/**
 * A custom health check (health type custom, className io.bcgitops.examples.liba.GreetingCheck):
 * the runtime host creates it in lib-a's class loader, so it sees lib-a's library version.
 */
public class GreetingCheck implements BooleanSupplier {

    @Override
    public boolean getAsBoolean() {
        return "greeting v1".equals(Greeting.text());
    }
}
