package dev.brink.hub.configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.json.Json;
import org.junit.jupiter.api.Test;

class ConfigurationContentTest {
    @Test
    void wholeDesiredDropsReadOnlyKeysAndPathsReplaceMembers() {
        ConfigurationContent content = ConfigurationContent.parse(Json.parse("""
                {"modulesContent":{"m":{"properties.desired":{"a":{"x":1},"$version":7,"$metadata":{}},
                                        "properties.desired.a.y":2}}}"""));
        ObjectNode current = Json.parseObject("{\"old\":1,\"$version\":3}");
        assertThat(ConfigurationContent.resolve(content.modules().get("m"), current))
                .isEqualTo(Json.parse("{\"a\":{\"x\":1,\"y\":2}}"));

        ConfigurationContent device = ConfigurationContent.parse(
                Json.parse("{\"deviceContent\":{\"properties.desired.a\":{\"z\":3}}}"));
        assertThat(ConfigurationContent.resolve(device.device(), Json.parseObject("{\"a\":{\"x\":1},\"k\":true}")))
                .isEqualTo(Json.parse("{\"a\":{\"z\":3},\"k\":true}"));
    }

    @Test
    void namesTheBadEntry() {
        assertThatThrownBy(() -> ConfigurationContent.parse(Json.parse("{\"modulesContent\":{\"mod1\":[]}}")))
                .isInstanceOf(BrinkException.class).hasMessageContaining("modulesContent.mod1");
        assertThatThrownBy(() -> ConfigurationContent.parse(
                Json.parse("{\"modulesContent\":{\"mod1\":{\"properties.desired.$x\":1}}}")))
                .hasMessageContaining("properties.desired.$x");
        assertThatThrownBy(() -> ConfigurationContent.parse(Json.parse("{\"moduleContent\":{\"a\":1}}")))
                .hasMessageContaining("moduleContent");
    }
}
