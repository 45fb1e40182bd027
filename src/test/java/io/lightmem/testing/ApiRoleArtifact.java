package io.lightmem.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On a {@code @QuarkusIntegrationTest} that extends a {@code @QuarkusTest}: the same tests against the
 * built artifact, reached over the network only ({@link ServiceClients}). Tagged {@value #TAG}: the
 * build runs these against the native executable (pom.xml, profile native-its; deploy/local/test.sh).
 * The class also carries {@code @WithTestResource(ApiRoleResource.class)} (role api beside a models
 * instance) itself: found through this annotation, Quarkus would restrict the resource to the class
 * and restart the artifact and the models instance before every test.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(ApiRoleArtifact.TAG)
@ExtendWith(ServiceClients.class)
public @interface ApiRoleArtifact {

    String TAG = "native";
}
