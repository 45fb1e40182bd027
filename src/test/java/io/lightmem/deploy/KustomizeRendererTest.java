package io.lightmem.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The renderer does what kustomize does for the features we use, and refuses the rest loudly. */
class KustomizeRendererTest {

    @TempDir
    Path dir;

    private static final String CONFIG = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            data:
              A: "1"
            """;

    @Test
    void appliesNamespaceImagesAndJson6902Patches() throws IOException {
        Files.writeString(dir.resolve("config.yaml"), CONFIG + """
                ---
                apiVersion: serving.knative.dev/v1
                kind: Service
                metadata:
                  name: svc
                spec:
                  template:
                    spec:
                      containers:
                        - image: example.org/app:1.0
                """);
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: team
                resources:
                  - config.yaml
                images:
                  - name: example.org/app
                    newName: example.org/app-native
                patches:
                  - target:
                      kind: ConfigMap
                      name: settings
                    patch: |-
                      - op: replace
                        path: /data/A
                        value: "2"
                """);

        var rendered = new KustomizeRenderer().render(dir);

        assertThat(rendered).hasSize(2);
        assertThat(rendered.get(0).node().at("/data/A").asText()).isEqualTo("2");
        assertThat(rendered.get(0).node().at("/metadata/namespace").asText()).isEqualTo("team");
        assertThat(rendered.get(1).node().at("/spec/template/spec/containers/0/image").asText())
                .isEqualTo("example.org/app-native:1.0");
    }

    @Test
    void refusesAStrategicMergePatchItCannotRenderFaithfully() throws IOException {
        Files.writeString(dir.resolve("config.yaml"), CONFIG);
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [config.yaml]
                patches:
                  - target: {kind: ConfigMap}
                    patch: |-
                      apiVersion: v1
                      kind: ConfigMap
                      metadata: {name: settings}
                      data: {A: "3"}
                """);

        assertThatThrownBy(() -> new KustomizeRenderer().render(dir)).hasMessageContaining("only JSON 6902 patches");
    }

    @Test
    void refusesKustomizeFeaturesItDoesNotImplement() throws IOException {
        Files.writeString(dir.resolve("config.yaml"), CONFIG);
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [config.yaml]
                commonLabels: {team: a}
                """);

        assertThatThrownBy(() -> new KustomizeRenderer().render(dir)).hasMessageContaining("commonLabels");
    }

    @Test
    void aPatchWhoseTargetMatchesNothingIsAnError() throws IOException {
        Files.writeString(dir.resolve("config.yaml"), CONFIG);
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [config.yaml]
                patches:
                  - target: {kind: ConfigMap, name: setings}
                    patch: '[{"op": "remove", "path": "/data/A"}]'
                """);

        assertThatThrownBy(() -> new KustomizeRenderer().render(dir)).hasMessageContaining("matches no resource");
    }

    @Test
    void aMisspeltFieldInAManifestFailsItsTypedParse() throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), """
                apiVersion: serving.knative.dev/v1
                kind: Service
                metadata:
                  name: svc
                spec:
                  template:
                    spec:
                      contaners:
                        - image: example.org/app:1.0
                """);
        var resources = new KustomizeRenderer().documents(dir.resolve("svc.yaml"));

        assertThatThrownBy(() -> new TypedManifests().parse(resources)).hasMessageContaining("contaners");
    }
}
