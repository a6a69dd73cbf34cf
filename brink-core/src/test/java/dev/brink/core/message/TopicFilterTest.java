package dev.brink.core.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicFilterTest {

    @Test
    void sdkFiltersParseAndFormat() {
        assertThat(TopicFilter.parse("devices/dev1/messages/devicebound/#")).contains(TopicFilter.deviceBound("dev1"));
        assertThat(TopicFilter.parse("devices/d/modules/m/messages/devicebound/#"))
                .contains(TopicFilter.moduleDeviceBound("d", "m"));
        assertThat(TopicFilter.parse("devices/d/modules/m/inputs/#")).contains(TopicFilter.moduleInputs("d", "m"));
        assertThat(TopicFilter.parse("$iothub/twin/res/#")).contains(TopicFilter.twinResponses());
        assertThat(TopicFilter.parse("$iothub/twin/PATCH/properties/desired/#")).contains(TopicFilter.twinDesired());
        assertThat(TopicFilter.parse("$iothub/methods/POST/#")).contains(TopicFilter.methods());
        for (TopicFilter f : new TopicFilter[] {TopicFilter.deviceBound("a"), TopicFilter.moduleDeviceBound("a", "b"),
            TopicFilter.moduleInputs("a", "b"), TopicFilter.twinResponses(), TopicFilter.twinDesired(),
            TopicFilter.methods()}) {
            assertThat(TopicFilter.parse(f.filter())).contains(f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"#", "devices/+/messages/devicebound/#", "devices/#", "$iothub/#",
        "devices/d/messages/devicebound/+", "devices/d/modules/+/inputs/#", "$iothub/twin/res/+",
        "devices/d/messages/events/#"})
    void otherFiltersAreNotRecognised(String filter) {
        assertThat(TopicFilter.parse(filter)).isEmpty();
    }

    @Test
    void matchesDeliveredTopics() {
        assertThat(TopicFilter.deviceBound("d").matches(IotHubTopics.parse("devices/d/messages/devicebound/x=1")))
                .isTrue();
        assertThat(TopicFilter.deviceBound("d").matches(IotHubTopics.parse("devices/e/messages/devicebound/x=1")))
                .isFalse();
        assertThat(TopicFilter.moduleInputs("d", "m").matches(IotHubTopics.parse("devices/d/modules/m/inputs/i/")))
                .isTrue();
        assertThat(TopicFilter.twinResponses().matches(IotHubTopics.parse("$iothub/twin/res/200/?$rid=1"))).isTrue();
        assertThat(TopicFilter.methods().matches(IotHubTopics.parse("$iothub/twin/res/200/?$rid=1"))).isFalse();
    }
}
