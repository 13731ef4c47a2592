package io.bcgitops.api;

/** Names fixed by the design contract: API group, version, labels and annotations. */
public final class Api {
  public static final String GROUP = "bcgitops.io";
  public static final String VERSION = "v1alpha1";
  public static final String CATEGORY = "bcgitops";

  /** Label on every AppDeployment a GitOpsSource manages: the source's name. */
  public static final String SOURCE_LABEL = GROUP + "/source";
  /** Annotation that asks for a reconcile now; its value is echoed in status.lastHandledReconcileAt. */
  public static final String RECONCILE_REQUESTED_AT = GROUP + "/reconcile-requested-at";
  /** Label on everything that runs an app (Deployment, pods): the AppDeployment's name. */
  public static final String APP_LABEL = GROUP + "/app";
  /** Label on a runtime pool's objects (embedded isolation): the runtime's name. */
  public static final String RUNTIME_LABEL = GROUP + "/runtime";
  /**
   * Label on a RuntimePool the operator created for an embedded app that named a pool with none, value {@link
   * #CREATED_BY_OPERATOR}: the only pools it deletes, once no AppDeployment names them.
   */
  public static final String CREATED_BY_LABEL = GROUP + "/created-by";
  public static final String CREATED_BY_OPERATOR = "operator";
  /** Annotation on a vm app's pod template: the app version its pods run. */
  public static final String VERSION_ANNOTATION = GROUP + "/version";
  /**
   * Annotation on an object the operator writes (a vm app's or a runtime pool's Deployment): a hash
   * of what it last wrote, so that a field it stopped setting is noticed (io.bcgitops.kube.Drift).
   */
  public static final String DESIRED_HASH_ANNOTATION = GROUP + "/desired-hash";
  /**
   * Label a Secret must carry, with value "true", to be used as credentials (a GitOpsSource's or an
   * app source's secretRef): naming a Secret in a spec does not hand its values out by itself.
   */
  public static final String CREDENTIALS_LABEL = GROUP + "/credentials";
  /** Annotation on a managed AppDeployment: the spec file in git it was made from. */
  public static final String SPEC_FILE_ANNOTATION = GROUP + "/spec-file";

  private Api() {
  }
}
