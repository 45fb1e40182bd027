package io.lightmem.deploy;

import java.util.List;

/**
 * The part of a kustomization.yaml that {@link KustomizeRenderer} implements. Read strictly: a
 * field outside this subset fails the parse, so a manifest author cannot use a kustomize feature the
 * test would silently skip.
 */
record Kustomization(String apiVersion, String kind, String namespace, List<String> resources,
        List<Patch> patches, List<Image> images) {

    Kustomization {
        resources = resources == null ? List.of() : resources;
        patches = patches == null ? List.of() : patches;
        images = images == null ? List.of() : images;
    }

    /** A JSON 6902 patch (inline or in a file) and the resources it applies to. */
    record Patch(String path, String patch, Target target) {
    }

    record Target(String group, String version, String kind, String name) {
    }

    /** kustomize's images transformer: containers whose image is {@code name[:tag]} get the new name/tag. */
    record Image(String name, String newName, String newTag) {
    }
}
