package io.lightmem.deploy;

import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.eventing.v1alpha1.EventTransform;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One rendered overlay: its resources as trees (for edits in drift tests) and as typed models. */
record Deployment(String name, List<KustomizeRenderer.Resource> resources, List<Object> typed) {

    static final Path KNATIVE = Path.of("deploy/knative");

    static Deployment render(String overlay) {
        List<KustomizeRenderer.Resource> resources = new KustomizeRenderer().render(KNATIVE.resolve("overlays").resolve(overlay));
        return new Deployment(overlay, resources, new TypedManifests().parse(resources));
    }

    /** Typed again from the (possibly edited) trees. */
    Deployment reparsed() {
        return new Deployment(name, resources, new TypedManifests().parse(resources));
    }

    <T> List<T> all(Class<T> type) {
        return typed.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<Service> services() {
        return all(Service.class);
    }

    Service service(String name) {
        return services().stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(this.name + ": no Knative Service " + name));
    }

    Optional<ConfigMap> configMap(String name) {
        return all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst();
    }

    Optional<Secret> secret(String name) {
        return all(Secret.class).stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst();
    }

    List<Trigger> triggers() {
        return all(Trigger.class);
    }

    List<Broker> brokers() {
        return all(Broker.class);
    }

    List<PingSource> pingSources() {
        return all(PingSource.class);
    }

    List<EventTransform> eventTransforms() {
        return all(EventTransform.class);
    }

    CnpgCluster cluster() {
        List<CnpgCluster> clusters = all(CnpgCluster.class);
        if (clusters.size() != 1) {
            throw new AssertionError(name + ": expected one CloudNativePG Cluster, found " + clusters.size());
        }
        return clusters.get(0);
    }

    /** The namespace the overlay puts its resources in. */
    String namespace() {
        return all(Namespace.class).stream().map(n -> n.getMetadata().getName()).findFirst()
                .orElseThrow(() -> new AssertionError(name + ": no Namespace"));
    }

    static Container container(Service service) {
        return service.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    static Map<String, String> annotations(Service service) {
        Map<String, String> annotations = service.getSpec().getTemplate().getMetadata() == null ? null
                : service.getSpec().getTemplate().getMetadata().getAnnotations();
        return annotations == null ? Map.of() : annotations;
    }

    /**
     * The literal environment a container gets from its ConfigMaps (envFrom, in order) and its own
     * env values, as Kubernetes resolves it; valueFrom entries appear with a null value.
     */
    Map<String, String> environment(Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : container.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                configMap(from.getConfigMapRef().getName()).ifPresent(c -> env.putAll(c.getData()));
            }
        }
        for (EnvVar var : container.getEnv()) {
            env.put(var.getName(), var.getValue());
        }
        return env;
    }

    static String id(HasMetadata resource) {
        return resource.getKind() + "/" + resource.getMetadata().getName();
    }
}
