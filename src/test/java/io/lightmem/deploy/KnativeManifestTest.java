package io.lightmem.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The Knative manifests (deploy/knative) as each overlay renders them: typed, wired to each other
 * and to the application, and within Knative's rules. Each rule also runs once on a deliberately
 * drifted copy, to show it notices.
 */
class KnativeManifestTest {

    static final List<String> OVERLAYS = List.of("dev", "prod");
    static RuntimeProperties properties;

    @BeforeAll
    static void loadProperties() {
        properties = RuntimeProperties.load();
    }

    static String image(String kind) {
        String name = System.getProperty("build.image." + kind);
        assertThat(name).as("system property build.image.%s (pom.xml's lightmem.image.%s, passed by surefire)", kind, kind)
                .isNotBlank();
        return name;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyDocumentParsesIntoItsTypedModelAndLandsInTheOverlaysNamespace(String overlay) {
        Deployment d = Deployment.render(overlay);

        assertThat(d.typed()).hasSameSizeAs(d.resources());
        assertThat(d.resources()).filteredOn(r -> !r.kind().equals("Namespace"))
                .allSatisfy(r -> assertThat(r.node().path("metadata").path("namespace").asText()).as(r.id())
                        .isEqualTo(d.namespace()));
    }

    @Test
    void everyManifestFileBelongsToAnOverlayAndTheExamplesParseToo() throws IOException {
        Set<Path> rendered = new HashSet<>();
        for (String overlay : OVERLAYS) {
            Deployment.render(overlay).resources().forEach(r -> rendered.add(r.source().toAbsolutePath().normalize()));
        }
        Set<Path> manifests;
        try (Stream<Path> files = Files.walk(Deployment.KNATIVE)) {
            manifests = files.filter(f -> f.toString().endsWith(".yaml") && !f.getFileName().toString().equals("kustomization.yaml"))
                    .filter(f -> !f.startsWith(Deployment.KNATIVE.resolve("examples")))
                    .map(f -> f.toAbsolutePath().normalize()).collect(Collectors.toSet());
        }
        assertThat(rendered).as("manifest files no overlay includes are never checked").containsAll(manifests);

        KustomizeRenderer renderer = new KustomizeRenderer();
        try (Stream<Path> files = Files.list(Deployment.KNATIVE.resolve("examples"))) {
            for (Path example : files.toList()) {
                List<Object> typed = new TypedManifests().parse(renderer.documents(example));
                assertThat(typed).as(example.toString()).isNotEmpty();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void grpcServicesServeOneH2cPortAndTheHttpFrontOneHttp1Port(String overlay) {
        assertThat(ManifestChecks.ports(Deployment.render(overlay))).isEmpty();
    }

    @Test
    void aGrpcServiceWithAPortNamedHttp1IsCaught() {
        Deployment d = Deployment.render("dev");
        port(d, ManifestChecks.MODELS).put("name", "http1");

        assertThat(ManifestChecks.ports(d.reparsed()))
                .containsExactly("lightmem-models: port http1/9000, expected h2c/9000 (gRPC through Knative needs h2c)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void servicesUseOnlyFieldsKnativeServingAccepts(String overlay) {
        assertThat(ManifestChecks.knativeFields(Deployment.render(overlay))).isEmpty();
    }

    @Test
    void aHostPortKnativeWouldRejectIsCaught() {
        Deployment d = Deployment.render("prod");
        port(d, ManifestChecks.HTTP_FRONT).put("hostPort", 80);

        assertThat(ManifestChecks.knativeFields(d.reparsed()))
                .containsExactly("lightmem-http container lightmem port: Knative Serving rejects the field hostPort");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void imagesAreTheOnesTheBuildDefines(String overlay) {
        assertThat(ManifestChecks.images(Deployment.render(overlay), image("jvm"), image("native"), image("gpu"))).isEmpty();
    }

    @Test
    void devRunsTheJvmImageAndProdTheNativeOneForTheApi() {
        assertThat(Deployment.container(Deployment.render("dev").service(ManifestChecks.GRPC_FRONT)).getImage())
                .isEqualTo(image("jvm"));
        assertThat(Deployment.container(Deployment.render("prod").service(ManifestChecks.HTTP_FRONT)).getImage())
                .isEqualTo(image("native"));
    }

    @Test
    void anImageTheBuildDoesNotProduceIsCaught() {
        Deployment d = Deployment.render("prod");
        container(d, ManifestChecks.MODELS).set("image", TextNode.valueOf("ghcr.io/lightmem/lightmem-gpu:latest"));

        assertThat(ManifestChecks.images(d.reparsed(), image("jvm"), image("native"), image("gpu")))
                .containsExactly("lightmem-models: image ghcr.io/lightmem/lightmem-gpu:latest, expected the build's GPU image "
                        + image("gpu"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyReferencedConfigMapAndSecretKeyExistsOrIsDocumentedAsOperatorProvided(String overlay) {
        assertThat(ManifestChecks.references(Deployment.render(overlay), OperatorSecrets.documented())).isEmpty();
    }

    @Test
    void anUndocumentedSecretKeyIsCaught() {
        Deployment d = Deployment.render("dev");
        ObjectNode apiKey = (ObjectNode) container(d, ManifestChecks.GRPC_FRONT).path("env").get(2);
        ((ObjectNode) apiKey.path("valueFrom").path("secretKeyRef")).put("key", "apikey");

        assertThat(ManifestChecks.references(d.reparsed(), OperatorSecrets.documented())).containsExactly(
                "lightmem-grpc: LIGHTMEM_MEMORY_MANAGER_CONFIGS_API_KEY refers to Secret key lightmem-llm/apikey, "
                        + "neither in the manifests nor documented as operator-provided");
    }

    @Test
    void theExampleSecretsHaveExactlyTheKeysTheOperatorCreates() throws IOException {
        Map<String, Set<String>> documented = OperatorSecrets.documented().stream()
                .filter(OperatorSecrets.Entry::operatorCreates)
                .collect(Collectors.groupingBy(OperatorSecrets.Entry::secret,
                        Collectors.mapping(OperatorSecrets.Entry::key, Collectors.toSet())));
        Map<String, Set<String>> examples = new java.util.TreeMap<>();
        try (var files = Files.list(Deployment.KNATIVE.resolve("examples"))) {
            for (Path example : files.filter(f -> f.toString().endsWith(".secret.example.yaml")).toList()) {
                Secret secret = (Secret) new TypedManifests().parse(new KustomizeRenderer().documents(example)).get(0);
                examples.put(secret.getMetadata().getName(), secret.getStringData().keySet());
            }
        }

        assertThat(examples).isEqualTo(documented);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyEnvironmentVariableSetsARealRunTimeProperty(String overlay) {
        assertThat(ManifestChecks.configurationKeys(Deployment.render(overlay), properties)).isEmpty();
    }

    @Test
    void aMisspeltOrBuildTimeOnlyPropertyIsCaught() {
        Deployment d = Deployment.render("dev");
        ObjectNode data = (ObjectNode) d.resources().stream().filter(r -> r.name().equals("lightmem-api-config"))
                .findFirst().orElseThrow().node().path("data");
        data.put("LIGHTMEM_TEXT_EMBEDER_BATCH_SIZE", "64");
        // Build time: fixed in the image, a ConfigMap cannot change it.
        data.put("QUARKUS_DATASOURCE_DB_KIND", "postgresql");

        assertThat(ManifestChecks.configurationKeys(d.reparsed(), properties)).contains(
                "lightmem-grpc: LIGHTMEM_TEXT_EMBEDER_BATCH_SIZE sets no run-time property of the application "
                        + "(lightmem.* mappings, Quarkus run-time config)",
                "lightmem-grpc: QUARKUS_DATASOURCE_DB_KIND sets no run-time property of the application "
                        + "(lightmem.* mappings, Quarkus run-time config)");
    }

    @Test
    void aValueTheApplicationWouldRefuseAtStartUpIsCaught() {
        Deployment d = Deployment.render("prod");
        ObjectNode data = (ObjectNode) d.resources().stream().filter(r -> r.name().equals("lightmem-models-config"))
                .findFirst().orElseThrow().node().path("data");
        data.put("LIGHTMEM_TEXT_EMBEDDER_EXECUTION_PROVIDER", "gpu");
        data.put("LIGHTMEM_TEXT_EMBEDDER_BATCH_SIZE", "4096");

        assertThat(ManifestChecks.configurationKeys(d.reparsed(), properties)).containsExactly(
                "lightmem-models: LIGHTMEM_TEXT_EMBEDDER_EXECUTION_PROVIDER (lightmem.text-embedder.execution-provider): "
                        + "'gpu' is none of [cpu, cuda]",
                "lightmem-models: LIGHTMEM_TEXT_EMBEDDER_BATCH_SIZE (lightmem.text-embedder.batch-size): 4096 is outside 1..1024");
    }

    @Test
    void theConfigurationKeysResolveToTheIntendedProperties() {
        assertThat(properties.propertyOf("LIGHTMEM_TEXT_EMBEDDER_DIMS")).isEqualTo("lightmem.text-embedder.dims");
        assertThat(properties.propertyOf("LIGHTMEM_CONSOLIDATION_SCHEDULE_EVERY")).isEqualTo("lightmem.consolidation.schedule.every");
        assertThat(properties.propertyOf("QUARKUS_DATASOURCE_JDBC_URL")).isEqualTo("quarkus.datasource.jdbc.url");
        assertThat(properties.propertyOf("QUARKUS_DATASOURCE_PASSWORD")).isEqualTo("quarkus.datasource.password");
    }

    /** Kubernetes reads YAML 1.1, where an unquoted off/on/yes/no is a boolean, which a ConfigMap rejects. */
    @Test
    void configMapValuesAreStringsAsKubernetesReadsYaml() throws IOException {
        List<String> notStrings = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Deployment.KNATIVE)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                for (Object doc : new Yaml().loadAll(Files.readString(file))) {
                    if (doc instanceof Map<?, ?> map && "ConfigMap".equals(map.get("kind")) && map.get("data") instanceof Map<?, ?> data) {
                        data.forEach((k, v) -> {
                            if (!(v instanceof String)) {
                                notStrings.add(file + ": " + k + " = " + v + " (" + v.getClass().getSimpleName() + ")");
                            }
                        });
                    }
                }
            }
        }
        assertThat(notStrings).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void rolesModelEndpointAndDatabaseAreWiredToTheirResources(String overlay) {
        assertThat(ManifestChecks.wiring(Deployment.render(overlay))).isEmpty();
    }

    @Test
    void aModelEndpointInAnotherNamespaceIsCaught() {
        Deployment d = Deployment.render("dev");
        ((ObjectNode) d.resources().stream().filter(r -> r.name().equals("lightmem-api-config")).findFirst().orElseThrow()
                .node().path("data")).put("LIGHTMEM_MODELS_ENDPOINT", "lightmem-models.lightmem.svc.cluster.local:80");

        assertThat(ManifestChecks.wiring(d.reparsed())).contains(
                "lightmem-grpc: LIGHTMEM_MODELS_ENDPOINT is lightmem-models.lightmem.svc.cluster.local:80, "
                        + "expected lightmem-models.lightmem-dev.svc.cluster.local:80");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void probesAreOnesKnativeServingAcceptsAndRunsAsIntended(String overlay) {
        assertThat(ManifestChecks.probes(Deployment.render(overlay))).isEmpty();
    }

    @Test
    void anHttpLivenessProbeOnAnH2cServiceIsCaught() {
        Deployment d = Deployment.render("dev");
        ObjectNode liveness = (ObjectNode) container(d, ManifestChecks.GRPC_FRONT).path("livenessProbe");
        liveness.remove("grpc");
        liveness.putObject("httpGet").put("path", "/q/health/live").put("port", 8080);

        assertThat(ManifestChecks.probes(d.reparsed())).containsExactly("lightmem-grpc: an httpGet liveness probe is "
                + "rewritten to the h2c serving port, where no HTTP/1.1 server listens");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void apiScalesToZeroModelsStayWarmOnAGpuAndConnectionsFitTheDatabase(String overlay) {
        assertThat(ManifestChecks.autoscaling(Deployment.render(overlay))).isEmpty();
    }

    @Test
    void moreApiPodsThanTheDatabaseHasConnectionsForIsCaught() {
        Deployment d = Deployment.render("dev");
        ((ObjectNode) d.resources().stream().filter(r -> r.name().equals(ManifestChecks.HTTP_FRONT)).findFirst().orElseThrow()
                .node().path("spec").path("template").path("metadata").path("annotations"))
                .put("autoscaling.knative.dev/max-scale", "9");

        assertThat(ManifestChecks.autoscaling(d.reparsed()))
                .containsExactly("the API services at max-scale open 120 connections; lightmem-db allows 100 minus 10 reserved");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyMemoryServiceOperationIsRoutedByItsEventTypeToTheHttpFront(String overlay) throws IOException {
        assertThat(ManifestChecks.eventRouting(Deployment.render(overlay), rpcNames())).isEmpty();
    }

    @Test
    void aTriggerThatWouldFeedRepliesBackIsCaught() throws IOException {
        Deployment d = Deployment.render("dev");
        ((ObjectNode) d.resources().stream().filter(r -> r.name().equals("lightmem-retrieve")).findFirst().orElseThrow()
                .node().path("spec").path("filter").path("attributes")).put("type", "io.lightmem.v1.Retrieve.response");

        assertThat(ManifestChecks.eventRouting(d.reparsed(), rpcNames())).containsExactly(
                "lightmem-retrieve: filters on type io.lightmem.v1.Retrieve.response, which is no LightMem operation",
                "no Trigger for [io.lightmem.v1.Retrieve]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceAuthenticatesAndEventsArriveWithTokensForTheHttpFront(String overlay) {
        assertThat(ManifestChecks.authentication(Deployment.render(overlay))).isEmpty();
    }

    @Test
    void aTriggerWithoutTheAudienceOrAModelKeyMismatchIsCaught() {
        Deployment d = Deployment.render("dev");
        ((ObjectNode) d.resources().stream().filter(r -> r.name().equals("lightmem-retrieve")).findFirst().orElseThrow()
                .node().path("spec").path("subscriber")).remove("audience");
        ((ObjectNode) d.resources().stream().filter(r -> r.name().equals("lightmem-grpc")).findFirst().orElseThrow()
                .node().at("/spec/template/spec/containers/0/env").get(4).at("/valueFrom/secretKeyRef"))
                .put("key", "bootstrap-key");

        assertThat(ManifestChecks.authentication(d.reparsed())).containsExactly(
                "lightmem-grpc: sends the model service lightmem-auth/bootstrap-key (LIGHTMEM_MODELS_API_KEY), but it"
                        + " accepts lightmem-auth/models-key",
                "lightmem-retrieve: delivers with tokens for audience null, but lightmem-http verifies lightmem-http");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void thePingSourceReachesTheBrokerAsRunConsolidation(String overlay) {
        assertThat(ManifestChecks.periodicConsolidation(Deployment.render(overlay))).isEmpty();
    }

    @Test
    void aPingSourceStraightToTheFunctionsIsCaught() {
        Deployment d = Deployment.render("dev");
        ObjectNode sink = (ObjectNode) d.resources().stream().filter(r -> r.kind().equals("PingSource")).findFirst().orElseThrow()
                .node().path("spec").path("sink").path("ref");
        sink.put("apiVersion", "serving.knative.dev/v1").put("kind", "Service").put("name", ManifestChecks.HTTP_FRONT);

        assertThat(ManifestChecks.periodicConsolidation(d.reparsed())).containsExactly("the PingSource's sink is not an "
                + "EventTransform of the manifests: its events would arrive as dev.knative.sources.ping, which no function maps");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theReferenceDatabaseHasPgvectorAndCreatesTheExtensionAsSuperuser(String overlay) {
        assertThat(ManifestChecks.database(Deployment.render(overlay))).isEmpty();
    }

    @Test
    void overlaysDifferInScaleAndDatabaseAsDocumented() {
        Deployment dev = Deployment.render("dev");
        Deployment prod = Deployment.render("prod");

        assertThat(prod.cluster().spec().instances()).isGreaterThanOrEqualTo(3);
        assertThat(dev.cluster().spec().instances()).isEqualTo(1);
        assertThat(maxScale(prod, ManifestChecks.GRPC_FRONT)).isGreaterThan(maxScale(dev, ManifestChecks.GRPC_FRONT));
        assertThat(prod.namespace()).isEqualTo("lightmem");
        assertThat(dev.namespace()).isEqualTo("lightmem-dev");
    }

    /** The brief's rule: every autoscaling annotation says why, in a comment on the line above. */
    @Test
    void everyAutoscalingAnnotationCarriesItsReason() throws IOException {
        List<String> bare = new ArrayList<>();
        try (Stream<Path> files = Files.list(Deployment.KNATIVE.resolve("base"))) {
            for (Path file : files.toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).strip().startsWith("autoscaling.knative.dev/") && !lines.get(i - 1).strip().startsWith("#")) {
                        bare.add(file.getFileName() + ":" + (i + 1) + " " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(bare).isEmpty();
    }

    private static int maxScale(Deployment d, String service) {
        return Integer.parseInt(Deployment.annotations(d.service(service)).get("autoscaling.knative.dev/max-scale"));
    }

    /** The MemoryService operations, from the API definition itself. */
    static Set<String> rpcNames() throws IOException {
        Matcher rpc = Pattern.compile("^\\s*rpc\\s+(\\w+)\\s*\\(", Pattern.MULTILINE)
                .matcher(Files.readString(Path.of("proto/lightmem/v1/memory_service.proto")));
        Set<String> names = new LinkedHashSet<>();
        while (rpc.find()) {
            names.add(rpc.group(1));
        }
        assertThat(names).as("rpcs of memory_service.proto").contains("AddMemory", "Retrieve");
        return names;
    }

    private static ObjectNode container(Deployment d, String service) {
        return (ObjectNode) d.resources().stream().filter(r -> r.kind().equals("Service") && r.name().equals(service))
                .findFirst().orElseThrow().node().path("spec").path("template").path("spec").path("containers").get(0);
    }

    private static ObjectNode port(Deployment d, String service) {
        return (ObjectNode) container(d, service).path("ports").get(0);
    }

}
