# bc-gitops-operator: one image, several commands (DESIGN.md section 7).
#
#   docker build -t bc-gitops-operator:latest .
#
# The default command is `operator`; the pods the operator creates select another one with their
# args: ["fetch", ...] (a vm app's init container), ["runtime-host", ...] and ["loader", ...] (the
# two containers of an embedded runtime pool). Those pods run as UID/GID 65532 with a read-only
# root filesystem and an emptyDir at /tmp, as the operator's own Deployment (deploy/) does.

# ---- build: the shaded jar, target/bc-gitops-operator.jar --------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build

# The poms first, and the dependencies and plugins the jar's modules need, in a layer of their own:
# it is rebuilt only when a pom changes. Maven reads every module's pom to plan the build, so all are
# copied, though only the jar's modules (cli and those it depends on, -pl cli -am) are built.
COPY pom.xml ./
COPY testing/pom.xml testing/
COPY api/pom.xml api/
COPY pool/pom.xml pool/
COPY operator/pom.xml operator/
COPY local/pom.xml local/
COPY cli/pom.xml cli/
COPY tests/pom.xml tests/
RUN mvn -B -ntp -pl cli -am dependency:go-offline -DexcludeReactor=true

# -Dmaven.test.skip=true, not -DskipTests: -DskipTests still compiles the tests and builds the
# example apps (process-test-classes), which need src/test and examples/ and are not in the image.
# crds/ is a resource folder of the local module: the jar carries the CRDs, which `local` registers.
COPY api/src/main api/src/main
COPY pool/src/main pool/src/main
COPY operator/src/main operator/src/main
COPY local/src/main local/src/main
COPY cli/src/main cli/src/main
COPY crds ./crds
RUN mvn -B -ntp -pl cli -am package -Dmaven.test.skip=true \
    && test -f target/bc-gitops-operator.jar

# ---- runtime: a JRE (glibc, Ubuntu-based) and the jar ------------------------------------------
FROM eclipse-temurin:17-jre

LABEL org.opencontainers.image.title="bc-gitops-operator" \
      org.opencontainers.image.description="GitOps for JVM apps on Kubernetes: operator, fetch, runtime-host and loader commands"

# A fixed non-root user, the UID/GID every pod's securityContext names (runAsUser: 65532). The
# folders the commands write to (the git cache, a runtime pool's /apps, and the working directory,
# where `local` keeps its state folder .bcgitops-local) belong to it, so that `docker run` works
# without volumes; in a cluster each is an emptyDir, as /tmp is.
RUN groupadd --system --gid 65532 bcgitops \
    && useradd --system --no-log-init --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin bcgitops \
    && mkdir -p /opt/bc-gitops-operator /var/cache/bcgitops /apps /var/lib/bcgitops \
    && chown 65532:65532 /var/cache/bcgitops /apps /var/lib/bcgitops

COPY --from=build --chown=0:0 /build/target/bc-gitops-operator.jar /opt/bc-gitops-operator/bc-gitops-operator.jar

WORKDIR /var/lib/bcgitops
USER 65532:65532

# The operator: 8080 /metrics, 8081 /hook/ (git webhooks), 8082 /healthz and /readyz (the kubelet's).
# A runtime pool: 9090 and 9091 the host's and the loader's APIs, 9092 and 9093 their probes.
EXPOSE 8080 8081 8082 9090 9091 9092 9093

# -XX:+ExitOnOutOfMemoryError: a JVM out of heap exits (code 3) and Kubernetes restarts the
# container, instead of living on with the threads that failed dead (a reconcile pool, an HTTP
# server) and answering its probes. Every command runs through here: operator, runtime-host,
# loader, fetch. Flags in JDK_JAVA_OPTIONS come before these, so they cannot turn it off.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75.0", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/bc-gitops-operator/bc-gitops-operator.jar"]
CMD ["operator"]
