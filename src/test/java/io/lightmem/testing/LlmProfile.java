package io.lightmem.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** The application with the openai memory manager, talking to a scripted LLM server. */
public class LlmProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(ScriptedLlmResource.class));
    }
}
