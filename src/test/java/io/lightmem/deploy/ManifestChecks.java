package io.lightmem.deploy;

import static io.lightmem.deploy.Deployment.annotations;
import static io.lightmem.deploy.Deployment.container;

import io.fabric8.knative.duck.v1.Destination;
import io.fabric8.knative.duck.v1.KReference;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.eventing.v1alpha1.EventTransform;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a deployment must satisfy, each rule a method listing its violations (empty = satisfied),
 * so the tests can show a rule firing on a deliberately drifted manifest as well as passing on ours.
 */
final class ManifestChecks {

    static final String GRPC_FRONT = "lightmem-grpc";
    static final String HTTP_FRONT = "lightmem-http";
    static final String MODELS = "lightmem-models";
    static final List<String> API_SERVICES = List.of(GRPC_FRONT, HTTP_FRONT);
    /** Knative Services whose single port carries gRPC, and so must be named h2c. */
    static final Set<String> GRPC_SERVICES = Set.of(GRPC_FRONT, MODELS);
    static final int GRPC_PORT = 9000;
    static final int HTTP_PORT = 8080;
    static final String EVENT_TYPE_PREFIX = "io.lightmem.v1.";
    static final String RUN_CONSOLIDATION = EVENT_TYPE_PREFIX + "RunConsolidation";
    /** Connections kept back from the API pods: superuser_reserved_connections and CNPG's own. */
    static final int RESERVED_CONNECTIONS = 10;
    /** The application's pool size when the deployment does not set one (application.properties). */
    static final int DEFAULT_POOL_SIZE = 20;

    private ManifestChecks() {
    }

    static List<String> ports(Deployment d) {
        List<String> violations = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Service s : d.services()) {
            String name = s.getMetadata().getName();
            names.add(name);
            List<Container> containers = s.getSpec().getTemplate().getSpec().getContainers();
            if (containers.size() != 1) {
                violations.add(name + ": " + containers.size() + " containers, expected one");
                continue;
            }
            List<ContainerPort> ports = containers.get(0).getPorts();
            if (ports.size() != 1) {
                violations.add(name + ": Knative routes exactly one port, found " + ports.size());
                continue;
            }
            ContainerPort port = ports.get(0);
            boolean grpc = GRPC_SERVICES.contains(name);
            String expectedName = grpc ? "h2c" : "http1";
            int expectedPort = grpc ? GRPC_PORT : HTTP_PORT;
            if (!expectedName.equals(port.getName()) || port.getContainerPort() != expectedPort) {
                violations.add(name + ": port " + port.getName() + "/" + port.getContainerPort() + ", expected "
                        + expectedName + "/" + expectedPort + (grpc ? " (gRPC through Knative needs h2c)" : ""));
            }
        }
        Set<String> expected = Set.of(GRPC_FRONT, HTTP_FRONT, MODELS);
        if (!names.equals(expected)) {
            violations.add("Knative Services " + names + ", expected " + expected);
        }
        return violations;
    }

    /** Images of the build (pom.xml lightmem.image.*): the API fronts share one, the model service has the GPU one. */
    static List<String> images(Deployment d, String jvm, String nativeImage, String gpu) {
        List<String> violations = new ArrayList<>();
        Set<String> apiImages = new LinkedHashSet<>();
        for (String name : API_SERVICES) {
            String image = container(d.service(name)).getImage();
            apiImages.add(image);
            if (!image.equals(jvm) && !image.equals(nativeImage)) {
                violations.add(name + ": image " + image + " is none of the build's API images " + jvm + ", " + nativeImage);
            }
        }
        if (apiImages.size() > 1) {
            violations.add("the API services run different images " + apiImages + "; they are one application");
        }
        String models = container(d.service(MODELS)).getImage();
        if (!models.equals(gpu)) {
            violations.add(MODELS + ": image " + models + ", expected the build's GPU image " + gpu);
        }
        return violations;
    }

    /**
     * Every ConfigMap and Secret a container refers to exists with the key, in the manifests or in
     * the documented list of operator-provided Secrets; no variable is set twice.
     */
    static List<String> references(Deployment d, List<OperatorSecrets.Entry> operatorProvided) {
        List<String> violations = new ArrayList<>();
        for (Service s : d.services()) {
            String name = s.getMetadata().getName();
            Container c = container(s);
            Set<String> seen = new HashSet<>();
            for (EnvFromSource from : c.getEnvFrom()) {
                if (from.getConfigMapRef() != null) {
                    String map = from.getConfigMapRef().getName();
                    d.configMap(map).ifPresentOrElse(cm -> cm.getData().keySet().forEach(k -> {
                        if (!seen.add(k)) {
                            violations.add(name + ": " + k + " is set by two sources");
                        }
                    }), () -> violations.add(name + ": envFrom ConfigMap " + map + " does not exist"));
                }
                if (from.getSecretRef() != null) {
                    violations.add(name + ": envFrom Secret " + from.getSecretRef().getName()
                            + " hides which keys it needs; refer to each key with secretKeyRef");
                }
            }
            for (EnvVar var : c.getEnv()) {
                if (!seen.add(var.getName())) {
                    violations.add(name + ": " + var.getName() + " is set by two sources");
                }
                if (var.getValueFrom() == null) {
                    continue;
                }
                var cmRef = var.getValueFrom().getConfigMapKeyRef();
                if (cmRef != null) {
                    boolean found = d.configMap(cmRef.getName()).map(cm -> cm.getData().containsKey(cmRef.getKey())).orElse(false);
                    if (!found) {
                        violations.add(name + ": " + var.getName() + " refers to ConfigMap key " + cmRef.getName() + "/"
                                + cmRef.getKey() + ", which does not exist");
                    }
                }
                var secretRef = var.getValueFrom().getSecretKeyRef();
                if (secretRef != null) {
                    boolean inManifests = d.secret(secretRef.getName()).map(sec -> has(sec, secretRef.getKey())).orElse(false);
                    boolean documented = operatorProvided.stream().anyMatch(e -> e.secret().equals(secretRef.getName())
                            && e.key().equals(secretRef.getKey()) && e.variable().equals(var.getName()));
                    if (!inManifests && !documented) {
                        violations.add(name + ": " + var.getName() + " refers to Secret key " + secretRef.getName() + "/"
                                + secretRef.getKey() + ", neither in the manifests nor documented as operator-provided");
                    }
                }
            }
        }
        for (OperatorSecrets.Entry e : operatorProvided) {
            boolean used = d.services().stream().flatMap(s -> container(s).getEnv().stream())
                    .anyMatch(v -> v.getValueFrom() != null && v.getValueFrom().getSecretKeyRef() != null
                            && e.secret().equals(v.getValueFrom().getSecretKeyRef().getName())
                            && e.key().equals(v.getValueFrom().getSecretKeyRef().getKey()));
            if (!used) {
                violations.add("documented operator-provided Secret key " + e.secret() + "/" + e.key() + " is used by no service");
            }
        }
        return violations;
    }

    private static boolean has(Secret secret, String key) {
        return (secret.getData() != null && secret.getData().containsKey(key))
                || (secret.getStringData() != null && secret.getStringData().containsKey(key));
    }

    /** Every variable a service gets is a real run-time property of the application. */
    static List<String> configurationKeys(Deployment d, RuntimeProperties properties) {
        List<String> violations = new ArrayList<>();
        for (Service s : d.services()) {
            for (Map.Entry<String, String> variable : d.environment(container(s)).entrySet()) {
                String property = properties.propertyOf(variable.getKey());
                if (property == null) {
                    violations.add(s.getMetadata().getName() + ": " + variable.getKey()
                            + " sets no run-time property of the application (lightmem.* mappings, Quarkus run-time config)");
                } else if (variable.getValue() != null) {
                    String invalid = properties.invalidValue(property, variable.getValue());
                    if (invalid != null) {
                        violations.add(s.getMetadata().getName() + ": " + variable.getKey() + " (" + property + "): " + invalid);
                    }
                }
            }
        }
        return violations;
    }

    /** Roles, the model endpoint and the database wiring agree with the resources they point at. */
    static List<String> wiring(Deployment d) {
        List<String> violations = new ArrayList<>();
        String endpoint = MODELS + "." + d.namespace() + ".svc.cluster.local:80";
        CnpgCluster db = d.cluster();
        String jdbc = "jdbc:postgresql://" + db.metadata().getName() + "-rw:5432/" + db.spec().bootstrap().initdb().database();
        String credentials = db.metadata().getName() + "-app";
        for (String name : API_SERVICES) {
            Container c = container(d.service(name));
            Map<String, String> env = d.environment(c);
            expect(violations, name, "LIGHTMEM_ROLE", env.get("LIGHTMEM_ROLE"), "api");
            expect(violations, name, "LIGHTMEM_MODELS_ENDPOINT", env.get("LIGHTMEM_MODELS_ENDPOINT"), endpoint);
            expect(violations, name, "QUARKUS_DATASOURCE_JDBC_URL", env.get("QUARKUS_DATASOURCE_JDBC_URL"), jdbc);
            for (String variable : List.of("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD")) {
                String secret = c.getEnv().stream().filter(v -> v.getName().equals(variable) && v.getValueFrom() != null
                        && v.getValueFrom().getSecretKeyRef() != null).map(v -> v.getValueFrom().getSecretKeyRef().getName())
                        .findFirst().orElse(null);
                expect(violations, name, variable + " secret", secret, credentials);
            }
        }
        Service models = d.service(MODELS);
        expect(violations, MODELS, "LIGHTMEM_ROLE", d.environment(container(models)).get("LIGHTMEM_ROLE"), "models");
        String visibility = models.getMetadata().getLabels() == null ? null
                : models.getMetadata().getLabels().get("networking.knative.dev/visibility");
        expect(violations, MODELS, "visibility label", visibility, "cluster-local");
        return violations;
    }

    private static void expect(List<String> violations, String service, String what, String actual, String expected) {
        if (!Objects.equals(actual, expected)) {
            violations.add(service + ": " + what + " is " + actual + ", expected " + expected);
        }
    }

    /**
     * Probes as Knative Serving accepts and runs them: readiness is run by the queue-proxy (an
     * httpGet may name another port), liveness by the kubelet after Knative rewrites an httpGet or
     * tcpSocket port to the serving port, so an HTTP liveness probe only works on an HTTP serving port.
     */
    static List<String> probes(Deployment d) {
        List<String> violations = new ArrayList<>();
        for (Service s : d.services()) {
            String name = s.getMetadata().getName();
            Container c = container(s);
            int serving = c.getPorts().get(0).getContainerPort();
            boolean h2c = "h2c".equals(c.getPorts().get(0).getName());
            Probe ready = c.getReadinessProbe();
            Probe live = c.getLivenessProbe();
            if (c.getStartupProbe() != null) {
                violations.add(name + ": Knative Serving does not accept startupProbe");
            }
            if (ready == null || ready.getHttpGet() == null || !"/q/health/ready".equals(ready.getHttpGet().getPath())
                    || port(ready.getHttpGet().getPort()) != HTTP_PORT) {
                violations.add(name + ": readiness must GET /q/health/ready on " + HTTP_PORT);
            } else if ((ready.getPeriodSeconds() == null || ready.getPeriodSeconds() == 0)
                    && (ready.getFailureThreshold() != null || ready.getTimeoutSeconds() != null)) {
                violations.add(name + ": Knative rejects failureThreshold/timeoutSeconds on a readiness probe without periodSeconds");
            }
            if (live == null) {
                violations.add(name + ": no liveness probe");
            } else if (live.getHttpGet() != null) {
                if (h2c) {
                    violations.add(name + ": an httpGet liveness probe is rewritten to the h2c serving port, where no HTTP/1.1 server listens");
                } else if (!"/q/health/live".equals(live.getHttpGet().getPath()) || port(live.getHttpGet().getPort()) != serving) {
                    violations.add(name + ": liveness must GET /q/health/live on the serving port " + serving);
                }
            } else if (live.getGrpc() != null) {
                if (!h2c || live.getGrpc().getPort() != serving) {
                    violations.add(name + ": a grpc liveness probe must target the h2c serving port " + serving);
                }
            } else {
                violations.add(name + ": liveness must be httpGet /q/health/live or grpc health");
            }
        }
        return violations;
    }

    private static int port(io.fabric8.kubernetes.api.model.IntOrString port) {
        return port == null || port.getIntVal() == null ? -1 : port.getIntVal();
    }

    /** Scale to zero for the API, a warm bounded GPU pool for the models, and connections that fit. */
    static List<String> autoscaling(Deployment d) {
        List<String> violations = new ArrayList<>();
        int connections = 0;
        for (String name : API_SERVICES) {
            Service s = d.service(name);
            Map<String, String> a = annotations(s);
            expect(violations, name, "autoscaling class", a.get("autoscaling.knative.dev/class"), "kpa.autoscaling.knative.dev");
            expect(violations, name, "autoscaling metric", a.get("autoscaling.knative.dev/metric"), "concurrency");
            expect(violations, name, "min-scale (scale to zero)", a.get("autoscaling.knative.dev/min-scale"), "0");
            int max = intAnnotation(violations, name, a, "autoscaling.knative.dev/max-scale");
            int pool = poolSize(d, s);
            Long concurrency = s.getSpec().getTemplate().getSpec().getContainerConcurrency();
            if (concurrency == null || concurrency < 1 || concurrency > pool) {
                violations.add(name + ": containerConcurrency " + concurrency + " must be 1.." + pool
                        + " (a request in flight can hold a database connection)");
            }
            connections += max * pool;
        }
        int maxConnections = Integer.parseInt(d.cluster().spec().postgresql().parameters().get("max_connections"));
        if (connections > maxConnections - RESERVED_CONNECTIONS) {
            violations.add("the API services at max-scale open " + connections + " connections; lightmem-db allows "
                    + maxConnections + " minus " + RESERVED_CONNECTIONS + " reserved");
        }
        Service models = d.service(MODELS);
        Map<String, String> a = annotations(models);
        int min = intAnnotation(violations, MODELS, a, "autoscaling.knative.dev/min-scale");
        int max = intAnnotation(violations, MODELS, a, "autoscaling.knative.dev/max-scale");
        int initial = intAnnotation(violations, MODELS, a, "autoscaling.knative.dev/initial-scale");
        intAnnotation(violations, MODELS, a, "autoscaling.knative.dev/target");
        if (min < 1 || min > max || initial < min || initial > max) {
            violations.add(MODELS + ": needs 1 <= min-scale <= initial-scale <= max-scale, got " + min + ", " + initial + ", " + max);
        }
        var pod = models.getSpec().getTemplate().getSpec();
        Quantity gpus = container(models).getResources().getLimits().get("nvidia.com/gpu");
        if (gpus == null || Integer.parseInt(gpus.getAmount()) < 1) {
            violations.add(MODELS + ": no nvidia.com/gpu limit");
        }
        if (pod.getNodeSelector() == null || pod.getNodeSelector().isEmpty()) {
            violations.add(MODELS + ": no nodeSelector for GPU nodes");
        }
        if (pod.getTolerations() == null || pod.getTolerations().stream().noneMatch(t -> "nvidia.com/gpu".equals(t.getKey()))) {
            violations.add(MODELS + ": no toleration for the nvidia.com/gpu taint");
        }
        return violations;
    }

    private static int poolSize(Deployment d, Service s) {
        String size = d.environment(container(s)).get("QUARKUS_DATASOURCE_JDBC_MAX_SIZE");
        return size == null ? DEFAULT_POOL_SIZE : Integer.parseInt(size);
    }

    private static int intAnnotation(List<String> violations, String service, Map<String, String> a, String key) {
        String value = a.get(key);
        try {
            return Integer.parseInt(Objects.requireNonNull(value));
        } catch (RuntimeException e) {
            violations.add(service + ": annotation " + key + " is " + value + ", expected a number");
            return -1;
        }
    }

    /**
     * Each MemoryService operation, and RunConsolidation, has one Trigger routing exactly its type to
     * the HTTP front; no Trigger matches a reply type (that would feed replies back to the functions).
     */
    static List<String> eventRouting(Deployment d, Set<String> rpcNames) {
        List<String> violations = new ArrayList<>();
        Set<String> brokers = new HashSet<>();
        d.brokers().forEach(b -> brokers.add(b.getMetadata().getName()));
        Set<String> expected = new LinkedHashSet<>();
        rpcNames.forEach(rpc -> expected.add(EVENT_TYPE_PREFIX + rpc));
        expected.add(RUN_CONSOLIDATION);
        Set<String> routed = new LinkedHashSet<>();
        for (Trigger t : d.triggers()) {
            String name = t.getMetadata().getName();
            if (!brokers.contains(t.getSpec().getBroker())) {
                violations.add(name + ": broker " + t.getSpec().getBroker() + " does not exist");
            }
            if (t.getSpec().getFilters() != null && !t.getSpec().getFilters().isEmpty()) {
                violations.add(name + ": uses the filters API; exact type attributes keep replies out");
            }
            Map<String, String> attributes = t.getSpec().getFilter() == null ? Map.of() : t.getSpec().getFilter().getAttributes();
            String type = attributes.get("type");
            if (type == null || !expected.contains(type)) {
                violations.add(name + ": filters on type " + type + ", which is no LightMem operation");
            } else if (!routed.add(type)) {
                violations.add(name + ": a second Trigger for " + type + " (the function would run twice)");
            }
            KReference ref = t.getSpec().getSubscriber().getRef();
            if (ref == null || !"Service".equals(ref.getKind()) || !HTTP_FRONT.equals(ref.getName())
                    || !"serving.knative.dev/v1".equals(ref.getApiVersion())) {
                violations.add(name + ": subscriber must be the Knative Service " + HTTP_FRONT);
            }
        }
        Set<String> missing = new LinkedHashSet<>(expected);
        missing.removeAll(routed);
        if (!missing.isEmpty()) {
            violations.add("no Trigger for " + missing);
        }
        return violations;
    }

    /**
     * Authentication stays on everywhere; the api services hold the bootstrap key and send the model
     * service the key it accepts as its own; event delivery presents tokens for the audience
     * lightmem-http verifies.
     */
    static List<String> authentication(Deployment d) {
        List<String> violations = new ArrayList<>();
        for (Service s : d.services()) {
            String name = s.getMetadata().getName();
            if ("false".equalsIgnoreCase(d.environment(container(s)).get("LIGHTMEM_AUTH_ENABLED"))) {
                violations.add(name + ": turns authentication off");
            }
        }
        String modelsKey = secretOf(d.service(MODELS), "LIGHTMEM_AUTH_BOOTSTRAP_KEY");
        if (modelsKey == null) {
            violations.add(MODELS + ": no bootstrap key from a Secret (LIGHTMEM_AUTH_BOOTSTRAP_KEY): it would accept nobody");
        }
        for (String api : API_SERVICES) {
            Service service = d.service(api);
            if (secretOf(service, "LIGHTMEM_AUTH_BOOTSTRAP_KEY") == null) {
                violations.add(api + ": no bootstrap key from a Secret (LIGHTMEM_AUTH_BOOTSTRAP_KEY)");
            }
            String sent = secretOf(service, "LIGHTMEM_MODELS_API_KEY");
            if (sent == null || !sent.equals(modelsKey)) {
                violations.add(api + ": sends the model service " + sent + " (LIGHTMEM_MODELS_API_KEY), but it accepts "
                        + modelsKey);
            }
        }
        Map<String, String> http = d.environment(container(d.service(HTTP_FRONT)));
        if (!"true".equals(http.get("LIGHTMEM_AUTH_KNATIVE_ENABLED"))) {
            violations.add(HTTP_FRONT + ": does not take Knative's delivery tokens (LIGHTMEM_AUTH_KNATIVE_ENABLED): every"
                    + " event would be refused");
        }
        String audience = http.get("QUARKUS_OIDC_KNATIVE_TOKEN_AUDIENCE");
        for (String setting : List.of("QUARKUS_OIDC_KNATIVE_AUTH_SERVER_URL", "QUARKUS_OIDC_KNATIVE_TOKEN_AUDIENCE")) {
            if (http.get(setting) == null || http.get(setting).isBlank()) {
                violations.add(HTTP_FRONT + ": " + setting + " is not set");
            }
        }
        for (Trigger t : d.triggers()) {
            String requested = t.getSpec().getSubscriber().getAudience();
            if (requested == null || !requested.equals(audience)) {
                violations.add(t.getMetadata().getName() + ": delivers with tokens for audience " + requested + ", but "
                        + HTTP_FRONT + " verifies " + audience);
            }
        }
        return violations;
    }

    /** secret/key a variable of the service's container comes from; null when not from a Secret. */
    private static String secretOf(Service service, String variable) {
        return container(service).getEnv().stream().filter(v -> v.getName().equals(variable))
                .map(v -> v.getValueFrom() == null ? null : v.getValueFrom().getSecretKeyRef())
                .filter(Objects::nonNull).map(ref -> ref.getName() + "/" + ref.getKey()).findFirst().orElse(null);
    }

    private static final Pattern TYPE_IN_EXPRESSION = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern CRON = Pattern.compile("^(\\S+\\s+){4}\\S+$");

    /** PingSource -> EventTransform (sets the RunConsolidation type) -> Broker, all existing. */
    static List<String> periodicConsolidation(Deployment d) {
        List<String> violations = new ArrayList<>();
        if (d.pingSources().size() != 1) {
            return List.of("expected one PingSource, found " + d.pingSources().size());
        }
        PingSource ping = d.pingSources().get(0);
        if (!CRON.matcher(ping.getSpec().getSchedule()).matches()) {
            violations.add("PingSource schedule " + ping.getSpec().getSchedule() + " is not a five-field cron expression");
        }
        KReference sink = ping.getSpec().getSink().getRef();
        EventTransform transform = sink == null ? null : d.eventTransforms().stream()
                .filter(t -> "EventTransform".equals(sink.getKind()) && t.getMetadata().getName().equals(sink.getName()))
                .findFirst().orElse(null);
        if (transform == null) {
            violations.add("the PingSource's sink is not an EventTransform of the manifests: its events would arrive as "
                    + "dev.knative.sources.ping, which no function maps");
            return violations;
        }
        Matcher type = TYPE_IN_EXPRESSION.matcher(transform.getSpec().getJsonata().getExpression());
        if (!type.find() || !RUN_CONSOLIDATION.equals(type.group(1))) {
            violations.add("EventTransform " + transform.getMetadata().getName() + " does not set type " + RUN_CONSOLIDATION);
        }
        Destination next = transform.getSpec().getSink();
        boolean toBroker = next != null && next.getRef() != null && "Broker".equals(next.getRef().getKind())
                && d.brokers().stream().anyMatch(b -> b.getMetadata().getName().equals(next.getRef().getName()));
        if (!toBroker) {
            violations.add("EventTransform " + transform.getMetadata().getName() + " does not deliver to the Broker");
        }
        return violations;
    }

    private static final Pattern PGVECTOR_IMAGE = Pattern.compile(
            "^(ghcr\\.io/cloudnative-pg/postgresql:\\d+(\\.\\d+)?-standard-[a-z]+|docker\\.io/pgvector/pgvector:.+|pgvector/pgvector:.+)$");
    private static final Pattern CREATE_VECTOR = Pattern.compile("(?i)^\\s*CREATE\\s+EXTENSION\\s+(IF\\s+NOT\\s+EXISTS\\s+)?vector\\s*;?\\s*$");

    /** The reference database has pgvector and creates the extension as superuser at bootstrap. */
    static List<String> database(Deployment d) {
        List<String> violations = new ArrayList<>();
        CnpgCluster db = d.cluster();
        if (db.spec().imageName() == null || !PGVECTOR_IMAGE.matcher(db.spec().imageName()).matches()) {
            violations.add("lightmem-db image " + db.spec().imageName() + " is not one known to carry pgvector");
        }
        List<String> sql = db.spec().bootstrap().initdb().postInitApplicationSQL();
        if (sql == null || sql.stream().noneMatch(s -> CREATE_VECTOR.matcher(s).matches())) {
            violations.add("lightmem-db bootstrap does not CREATE EXTENSION vector in the application database "
                    + "(postInitApplicationSQL runs as superuser; the application's owner cannot)");
        }
        return violations;
    }

    /**
     * Fields of a revision template Knative Serving accepts (its webhook's field masks). The
     * feature-gated ones we use (nodeSelector, tolerations, emptyDir) are listed as cluster
     * requirements in deploy/knative/README.md.
     */
    private static final Map<String, Set<String>> KNATIVE_FIELDS = Map.of(
            "podSpec", Set.of("containers", "volumes", "imagePullSecrets", "serviceAccountName", "enableServiceLinks",
                    "automountServiceAccountToken", "containerConcurrency", "timeoutSeconds", "responseStartTimeoutSeconds",
                    "idleTimeoutSeconds", "nodeSelector", "tolerations"),
            "container", Set.of("name", "args", "command", "env", "workingDir", "envFrom", "image", "imagePullPolicy",
                    "livenessProbe", "ports", "readinessProbe", "resources", "securityContext", "terminationMessagePath",
                    "terminationMessagePolicy", "volumeMounts"),
            "port", Set.of("containerPort", "name", "protocol"),
            "probe", Set.of("httpGet", "tcpSocket", "exec", "grpc", "initialDelaySeconds", "timeoutSeconds", "periodSeconds",
                    "successThreshold", "failureThreshold"),
            "securityContext", Set.of("runAsUser", "runAsGroup", "runAsNonRoot", "readOnlyRootFilesystem", "capabilities",
                    "allowPrivilegeEscalation", "seccompProfile"),
            "volume", Set.of("name", "secret", "configMap", "projected", "emptyDir"),
            "volumeMount", Set.of("name", "readOnly", "mountPath", "subPath"));

    static List<String> knativeFields(Deployment d) {
        List<String> violations = new ArrayList<>();
        for (KustomizeRenderer.Resource r : d.resources()) {
            if (!r.kind().equals("Service") || !r.group().equals("serving.knative.dev")) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode pod = r.node().path("spec").path("template").path("spec");
            allowed(violations, r.name() + " spec.template.spec", pod, "podSpec");
            for (com.fasterxml.jackson.databind.JsonNode c : pod.path("containers")) {
                String at = r.name() + " container " + c.path("name").asText();
                allowed(violations, at, c, "container");
                c.path("ports").forEach(p -> allowed(violations, at + " port", p, "port"));
                allowed(violations, at + " readinessProbe", c.path("readinessProbe"), "probe");
                allowed(violations, at + " livenessProbe", c.path("livenessProbe"), "probe");
                allowed(violations, at + " securityContext", c.path("securityContext"), "securityContext");
                c.path("volumeMounts").forEach(m -> allowed(violations, at + " volumeMount", m, "volumeMount"));
            }
            pod.path("volumes").forEach(v -> allowed(violations, r.name() + " volume " + v.path("name").asText(), v, "volume"));
        }
        return violations;
    }

    private static void allowed(List<String> violations, String at, com.fasterxml.jackson.databind.JsonNode node, String mask) {
        node.fieldNames().forEachRemaining(field -> {
            if (!KNATIVE_FIELDS.get(mask).contains(field)) {
                violations.add(at + ": Knative Serving rejects the field " + field);
            }
        });
    }
}
