package io.lightmem.deploy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.eventing.v1alpha1.EventTransform;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns rendered manifests into their typed models (fabric8's Kubernetes and Knative models, and
 * {@link CnpgCluster}). Strict: the models normally keep unknown fields in an
 * "additionalProperties" map; here an unknown field is an error naming it, so a typo such as
 * {@code contaners} or a field of another API version cannot pass.
 */
final class TypedManifests {

    /** Every kind the manifests may contain, by apiVersion and kind. */
    static final Map<String, Class<?>> MODELS = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Namespace", Namespace.class,
            "serving.knative.dev/v1/Service", Service.class,
            "eventing.knative.dev/v1/Broker", Broker.class,
            "eventing.knative.dev/v1/Trigger", Trigger.class,
            "eventing.knative.dev/v1alpha1/EventTransform", EventTransform.class,
            "sources.knative.dev/v1/PingSource", PingSource.class,
            "postgresql.cnpg.io/v1/Cluster", CnpgCluster.class);

    private final ObjectMapper strict = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .registerModule(new SimpleModule().setDeserializerModifier(new BeanDeserializerModifier() {
                @Override
                public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription bean,
                        BeanDeserializerBuilder builder) {
                    builder.setAnySetter(null);
                    builder.setIgnoreUnknownProperties(false);
                    return builder;
                }
            }));

    /** The rendered resources, typed; each failure names the resource and the offending field. */
    List<Object> parse(List<KustomizeRenderer.Resource> resources) {
        List<Object> typed = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (KustomizeRenderer.Resource r : resources) {
            try {
                typed.add(parse(r.node(), r.id()));
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("manifests that do not parse into their typed model:\n  " + String.join("\n  ", errors));
        }
        return typed;
    }

    Object parse(JsonNode node, String id) {
        String key = node.path("apiVersion").asText() + "/" + node.path("kind").asText();
        Class<?> model = MODELS.get(key);
        if (model == null) {
            throw new IllegalArgumentException(id + ": no typed model for " + key + " (add one to TypedManifests.MODELS)");
        }
        try {
            return strict.treeToValue(node, model);
        } catch (Exception e) {
            throw new IllegalArgumentException(id + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }
}
