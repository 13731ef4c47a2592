package io.bcgitops.api;

/** How an app runs. Constant names are the wire values. */
public enum Isolation {
  /** Loaded by a shared runtime host, in its own class loader. */
  embedded,
  /** In its own pod: one JVM per pod. */
  vm
}
