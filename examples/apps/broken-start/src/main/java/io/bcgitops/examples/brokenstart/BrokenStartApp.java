package io.bcgitops.examples.brokenstart;

import java.util.Map;

/**
 * An app whose {@code start} always fails, the way an app does when a database it needs is not
 * there: the runtime host must report it Crashed (and restart it with back-off), or, as the new
 * version of an upgrade, fall back to the version that ran before.
 */
public class BrokenStartApp {

    public static void main(String[] args) {
        new BrokenStartApp().start(System.getenv());
    }

    public void start(Map<String, String> env) {
        throw new IllegalStateException("database not reachable");
    }

    public void stop() {
        // Nothing was started.
    }
}
