package io.lightmem.api.grpc;

import io.lightmem.testing.ApiRoleArtifact;
import io.lightmem.testing.ApiRoleResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ServerServicesTest} against the built artifact in role api: in CI, the native executable. */
@QuarkusIntegrationTest
@WithTestResource(ApiRoleResource.class)
@ApiRoleArtifact
class ServerServicesIT extends ServerServicesTest {
}
