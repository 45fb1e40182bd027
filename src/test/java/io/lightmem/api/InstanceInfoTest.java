package io.lightmem.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.config.Urls;
import io.lightmem.deploy.RuntimeProperties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** ShowInstance shows settings from an allow-list only, and never a URL's user-info. */
class InstanceInfoTest {

    @Test
    void everyLightmemSettingIsEitherShownOrSecret() {
        Set<String> undecided = new TreeSet<>();
        for (String property : RuntimeProperties.load().names()) {
            String name = property.replace("[*]", "");
            if (name.startsWith("lightmem.") && !InstanceInfo.SHOWN.contains(name) && !InstanceInfo.SECRET.contains(name)) {
                undecided.add(name);
            }
        }
        assertThat(undecided).as("settings on neither list of InstanceInfo: add each to SHOWN or SECRET").isEmpty();
        assertThat(InstanceInfo.SHOWN).doesNotContainAnyElementsOf(InstanceInfo.SECRET);
    }

    @Test
    void urlsLoseTheirUserInfoWhereverTheyAreInAText() {
        assertThat(Urls.withoutUserInfo("https://bob:s3cret@llm.example/v1")).isEqualTo("https://llm.example/v1");
        assertThat(Urls.withoutUserInfo("call to http://token@10.0.0.1:8000/v1/chat failed; retry http://a:b@c/d"))
                .isEqualTo("call to http://10.0.0.1:8000/v1/chat failed; retry http://c/d");
        assertThat(Urls.withoutUserInfo("jdbc:postgresql://app:pw@db:5432/lightmem?ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/lightmem?ssl=true");
        assertThat(Urls.withoutUserInfo("https://llm.example/v1?user=a@b")).isEqualTo("https://llm.example/v1?user=a@b");
        assertThat(Urls.withoutUserInfo("mail alice@example.com")).isEqualTo("mail alice@example.com");
        assertThat(Urls.withoutUserInfo(null)).isNull();
    }
}
