package io.lightmem.api.mcp;

import io.lightmem.testing.ApiRoleArtifact;
import io.lightmem.testing.ApiRoleResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link McpToolValidationTest} against the built artifact in role api: in CI, the native executable. */
@QuarkusIntegrationTest
@WithTestResource(ApiRoleResource.class)
@ApiRoleArtifact
class McpToolValidationIT extends McpToolValidationTest {
}
