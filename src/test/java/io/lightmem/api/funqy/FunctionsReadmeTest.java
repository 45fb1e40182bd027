package io.lightmem.api.funqy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lightmem.testing.AuthProfile;
import io.lightmem.testing.Conversations;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's curl examples, parsed as a shell would pass them to curl and sent to the service as it
 * runs in production (authentication on; $LIGHTMEM_KEY is the bootstrap key), give what the README
 * says; its function table lists every function with the event types it is mapped to.
 */
@QuarkusTest
@TestProfile(AuthProfile.class)
class FunctionsReadmeTest {

    private static final String KEY_HEADER = "-H \"Authorization: Bearer $LIGHTMEM_KEY\"";

    private static final Pattern URL = Pattern.compile("localhost:8080(/\\w*)");
    private static final Pattern HEADER = Pattern.compile("-H '([^':]+): ([^']*)'");
    private static final Pattern DATA = Pattern.compile("-d '((?:[^']|'\\\\'')*)'");

    @TestHTTPResource("/")
    URI root;

    @Inject
    FunctionCatalog catalog;

    @Test
    void theCurlExamplesWorkAsDocumented() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        List<String> commands = curlCommands(readme);
        assertThat(commands).hasSize(3);
        // A fresh scope instead of the README's "alice", so reruns against one database stay independent.
        String userId = Conversations.newUser();

        HttpResponse<String> added = run(commands.get(0), userId);
        HttpResponse<String> found = run(commands.get(1), userId);
        HttpResponse<String> asEvent = run(commands.get(2), userId);

        String expected = "2024-01-15T10:30:00.000 Mon My favorite color is blue.";
        assertThat(readme).contains("(`" + expected + "`)");
        assertThat(added.statusCode()).isEqualTo(200);
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(json(found).at("/formatted/0").asText()).isEqualTo(expected);
        assertThat(asEvent.statusCode()).isEqualTo(200);
        assertThat(asEvent.headers().firstValue("ce-type")).hasValue("io.lightmem.v1.Retrieve.response");
        assertThat(json(asEvent).at("/formatted/0").asText()).isEqualTo(expected);
    }

    @Test
    void theTableListsEveryFunctionWithItsEventTypes() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(catalog.all()).hasSize(19);
        for (FunctionCatalog.Function function : catalog.all()) {
            assertThat(readme).contains("`" + function.name() + "`");
            assertThat(function.trigger()).isEqualTo("io.lightmem.v1." + function.name());
            assertThat(function.responseType()).isEqualTo("io.lightmem.v1." + function.name() + ".response");
            assertThat(function.responseSource()).isEqualTo("/lightmem/" + function.name());
        }
    }

    /** The curl commands of the README's functions section, continuation lines joined. */
    private static List<String> curlCommands(String readme) {
        int section = readme.indexOf("### HTTP functions and CloudEvents");
        int start = readme.indexOf("```bash", section);
        String block = readme.substring(start, readme.indexOf("```", start + 7)).replace("\\\n", " ");
        List<String> commands = new ArrayList<>();
        for (String line : block.split("\n(?=curl )")) {
            int curl = line.indexOf("curl ");
            if (curl >= 0) {
                commands.add(line.substring(curl).replaceAll("\n#[^\n]*", ""));
            }
        }
        return commands;
    }

    private HttpResponse<String> run(String command, String userId) throws Exception {
        Matcher url = URL.matcher(command);
        assertThat(url.find()).as(command).isTrue();
        Matcher data = DATA.matcher(command);
        assertThat(data.find()).as(command).isTrue();
        String body = data.group(1).replace("'\\''", "'").replace("\"alice\"", "\"" + userId + "\"");
        HttpRequest.Builder request = HttpRequest.newBuilder(root.resolve(url.group(1)))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        Matcher header = HEADER.matcher(command);
        while (header.find()) {
            request.header(header.group(1), header.group(2));
        }
        assertThat(command).as("the example carries the key").contains(KEY_HEADER);
        request.header("Authorization", "Bearer " + AuthProfile.BOOTSTRAP_KEY);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return new ObjectMapper().readTree(response.body());
    }
}
