package io.lightmem.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Renders a kustomization directory the way {@code kubectl apply -k} would, for the subset this
 * repository uses: resources (files and directories), namespace, images, and JSON 6902 patches with
 * a target. Anything else fails loudly rather than render something kustomize would not.
 */
final class KustomizeRenderer {

    /** Kinds kustomize's namespace transformer leaves alone (cluster-scoped among those we ship). */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A rendered resource and the file it came from (for messages). */
    record Resource(ObjectNode node, Path source) {

        String kind() {
            return node.path("kind").asText();
        }

        String apiVersion() {
            return node.path("apiVersion").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }

        String group() {
            String apiVersion = apiVersion();
            return apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        }

        String id() {
            return kind() + "/" + name() + " (" + source + ")";
        }
    }

    List<Resource> render(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + " has no kustomization.yaml");
        }
        Kustomization k = read(file, Kustomization.class);
        if (!"Kustomization".equals(k.kind()) || !"kustomize.config.k8s.io/v1beta1".equals(k.apiVersion())) {
            throw new IllegalArgumentException(file + ": not a kustomize.config.k8s.io/v1beta1 Kustomization");
        }
        List<Resource> resources = new ArrayList<>();
        for (String entry : k.resources()) {
            Path target = dir.resolve(entry).normalize();
            if (Files.isDirectory(target)) {
                resources.addAll(render(target));
            } else {
                resources.addAll(documents(target));
            }
        }
        for (Kustomization.Image image : k.images()) {
            resources.forEach(r -> retag(r, image));
        }
        for (Kustomization.Patch patch : k.patches()) {
            apply(dir, patch, resources);
        }
        if (k.namespace() != null) {
            resources.stream().filter(r -> !CLUSTER_SCOPED.contains(r.kind()))
                    .forEach(r -> ((ObjectNode) r.node().path("metadata")).put("namespace", k.namespace()));
        }
        return resources;
    }

    /** Every YAML document of a file, as a tree; empty documents are skipped as kubectl does. */
    List<Resource> documents(Path file) {
        try (var docs = yaml.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file))) {
            List<Resource> out = new ArrayList<>();
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isMissingNode() || doc.isEmpty()) {
                    continue;
                }
                if (!doc.isObject() || !doc.path("metadata").isObject()) {
                    throw new IllegalArgumentException(file + ": a document without metadata: " + doc);
                }
                out.add(new Resource((ObjectNode) doc, file));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    private void apply(Path dir, Kustomization.Patch patch, List<Resource> resources) {
        if (patch.target() == null) {
            throw new IllegalArgumentException(dir + ": a patch without a target (strategic merge patches are not rendered)");
        }
        String text;
        try {
            text = patch.path() != null ? Files.readString(dir.resolve(patch.path())) : patch.patch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode ops;
        try {
            ops = yaml.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(dir + ": unreadable patch " + text, e);
        }
        if (!ops.isArray()) {
            throw new IllegalArgumentException(dir + ": only JSON 6902 patches (a list of operations) are rendered, got " + text);
        }
        List<Resource> matched = resources.stream().filter(r -> matches(patch.target(), r)).toList();
        if (matched.isEmpty()) {
            throw new IllegalArgumentException(dir + ": patch target " + patch.target() + " matches no resource");
        }
        for (Resource r : matched) {
            JsonNode patched = JsonPatch.apply(ops, r.node());
            r.node().removeAll();
            r.node().setAll((ObjectNode) patched);
        }
    }

    private static boolean matches(Kustomization.Target t, Resource r) {
        return (t.kind() == null || t.kind().equals(r.kind()))
                && (t.name() == null || t.name().equals(r.name()))
                && (t.group() == null || t.group().equals(r.group()))
                && (t.version() == null || r.apiVersion().endsWith("/" + t.version()) || r.apiVersion().equals(t.version()));
    }

    /** kustomize's default image field: spec.template.spec.containers[].image of any kind. */
    private static void retag(Resource r, Kustomization.Image image) {
        JsonNode containers = r.node().path("spec").path("template").path("spec").path("containers");
        if (!containers.isArray()) {
            return;
        }
        for (JsonNode c : (ArrayNode) containers) {
            String current = c.path("image").asText();
            int colon = current.lastIndexOf(':');
            boolean hasTag = colon > current.lastIndexOf('/');
            String name = hasTag ? current.substring(0, colon) : current;
            String tag = hasTag ? current.substring(colon + 1) : null;
            if (!name.equals(image.name())) {
                continue;
            }
            String newName = image.newName() != null ? image.newName() : name;
            String newTag = image.newTag() != null ? image.newTag() : tag;
            ((ObjectNode) c).set("image", TextNode.valueOf(newTag == null ? newName : newName + ":" + newTag));
        }
    }

    private <T> T read(Path file, Class<T> type) {
        try {
            return yaml.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
