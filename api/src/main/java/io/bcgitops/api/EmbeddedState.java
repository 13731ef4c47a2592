package io.bcgitops.api;

/**
 * What an embedded app does in its runtime host: the host's API reports it, and a RuntimePool's
 * status.apps[].state shows it. Constant names are the wire values.
 */
public enum EmbeddedState {
  Starting,
  Running,
  /** Its start or its run failed; it is restarted with back-off. */
  Crashed,
  /** It will not be restarted until a new request for it. */
  Failed,
  Stopped
}
