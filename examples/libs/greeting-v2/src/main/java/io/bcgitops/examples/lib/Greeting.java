package io.bcgitops.examples.lib;

/**
 * Version 2 of a "library" that lib-b bundles in its jar. lib-a and lib-b carry different
 * versions of this same class name: in one runtime host each must see its own.
 */
public final class Greeting {
    private Greeting() {
    }

    public static String text() {
        return "greeting v2";
    }
}
