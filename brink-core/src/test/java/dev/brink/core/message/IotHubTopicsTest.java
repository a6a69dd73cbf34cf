package dev.brink.core.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.message.IotHubTopic.DeviceBound;
import dev.brink.core.message.IotHubTopic.MethodRequest;
import dev.brink.core.message.IotHubTopic.MethodResponse;
import dev.brink.core.message.IotHubTopic.ModuleInput;
import dev.brink.core.message.IotHubTopic.Telemetry;
import dev.brink.core.message.IotHubTopic.TwinDesiredPatch;
import dev.brink.core.message.IotHubTopic.TwinGet;
import dev.brink.core.message.IotHubTopic.TwinReportedPatch;
import dev.brink.core.message.IotHubTopic.TwinResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IotHubTopicsTest {

    @Test
    void javaDeviceTelemetry() {
        Telemetry t = (Telemetry) IotHubTopics.parse("devices/dev1/messages/events/$.mid=4f..&$.cid=9a..&temp=21.5");
        assertThat(t).isEqualTo(new Telemetry("dev1", null, "$.mid=4f..&$.cid=9a..&temp=21.5"));
        assertThat(t.fromDevice()).isTrue();
        Message m = t.toMessage(new byte[] {1});
        assertThat(m.messageId()).isEqualTo("4f..");
        assertThat(m.correlationId()).isEqualTo("9a..");
        assertThat(m.properties()).containsExactly(entry("temp", "21.5"));
    }

    @Test
    void javaModuleOutputWithTrailingSlash() {
        String topic = "devices/edge1/modules/filter/messages/events/$.mid=..&$.cid=..&$.on=output1&$.cmid=filter/";
        Telemetry t = (Telemetry) IotHubTopics.parse(topic);
        assertThat(t.deviceId()).isEqualTo("edge1");
        assertThat(t.moduleId()).isEqualTo("filter");
        assertThat(t.propertyBag()).isEqualTo("$.mid=..&$.cid=..&$.on=output1&$.cmid=filter");
        Message m = t.toMessage(null);
        assertThat(m.outputName()).isEqualTo("output1");
        assertThat(m.connectionModuleId()).isEqualTo("filter");
        assertThat(m.properties()).isEmpty();
        assertThat(t.topic()).isEqualTo(topic);
    }

    @Test
    void nodeTelemetryDeviceAndModuleForms() {
        Telemetry device = (Telemetry) IotHubTopics.parse(
                "devices/dev1/messages/events/%24.mid=m1&%24.cid=c1&%24.ct=application%2Fjson&key=v");
        assertThat(device.toMessage(null).contentType()).isEqualTo("application/json");
        assertThat(device.properties().applicationProperties()).containsExactly(entry("key", "v"));

        Telemetry output = (Telemetry) IotHubTopics.parse(
                "devices/edge1/modules/sensor/messages/events/%24.on=temperatureOutput&%24.mid=m2&t=1/");
        assertThat(output.moduleId()).isEqualTo("sensor");
        assertThat(output.toMessage(null).outputName()).isEqualTo("temperatureOutput");

        // Node's plain sendEvent from a module: no trailing slash.
        Telemetry plain = (Telemetry) IotHubTopics.parse("devices/edge1/modules/sensor/messages/events/%24.mid=m3");
        assertThat(plain.toMessage(null).messageId()).isEqualTo("m3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"devices/dev1/messages/events", "devices/dev1/messages/events/",
        "devices/dev1/messages/events//"})
    void telemetryWithoutProperties(String topic) {
        Telemetry t = (Telemetry) IotHubTopics.parse(topic);
        assertThat(t.propertyBag()).isEmpty();
        assertThat(t.topic()).isEqualTo("devices/dev1/messages/events/");
    }

    @Test
    void docsExampleWithQuestionMark() {
        Telemetry t = (Telemetry) IotHubTopics.parse("devices/dev1/messages/events/?food=pizza&drink=tea");
        assertThat(t.properties().applicationProperties()).containsExactly(entry("food", "pizza"),
                entry("drink", "tea"));
    }

    @Test
    void idsWithSpecialCharactersStayRaw() {
        Telemetry t = (Telemetry) IotHubTopics.parse("devices/d:1.a+b%c/modules/m$(1)/messages/events/");
        assertThat(t.deviceId()).isEqualTo("d:1.a+b%c");
        assertThat(t.moduleId()).isEqualTo("m$(1)");
    }

    @Test
    void c2dDeliveryAsSentByTheRealHub() {
        String topic = "devices/dev1/messages/devicebound/%24.mid=abc&%24.to=%2Fdevices%2Fdev1%2Fmessages"
                + "%2FdeviceBound&%24.cid=xyz&color=red";
        DeviceBound d = (DeviceBound) IotHubTopics.parse(topic);
        assertThat(d.deviceId()).isEqualTo("dev1");
        assertThat(d.moduleId()).isNull();
        assertThat(d.fromDevice()).isFalse();
        Message m = d.toMessage("hi".getBytes());
        assertThat(m.to()).isEqualTo("/devices/dev1/messages/deviceBound");
        assertThat(m.messageId()).isEqualTo("abc");
        assertThat(m.correlationId()).isEqualTo("xyz");
        assertThat(m.properties()).containsExactly(entry("color", "red"));
        assertThat(d.topic()).isEqualTo(topic);
        assertThat(new DeviceBound("dev1", null, PropertyBag.encodeForDelivery(m)).topic()).isEqualTo(topic);
    }

    @Test
    void moduleDeviceBound() {
        DeviceBound d = (DeviceBound) IotHubTopics.parse("devices/d1/modules/m1/messages/devicebound/%24.mid=1");
        assertThat(d.moduleId()).isEqualTo("m1");
        assertThat(d.topic()).isEqualTo("devices/d1/modules/m1/messages/devicebound/%24.mid=1");
    }

    @Test
    void moduleInputSafeFormat() {
        String topic = "devices/e1/modules/m2/inputs/in1/%24.mid=..&%24.cdid=e1&%24.cmid=m1&%24.ct=application"
                + "%2Fjson&userKey=v";
        ModuleInput in = (ModuleInput) IotHubTopics.parse(topic);
        assertThat(in).isEqualTo(new ModuleInput("e1", "m2", "in1", topic.substring(topic.indexOf("%24"))));
        Message m = in.toMessage(null);
        assertThat(m.inputName()).isEqualTo("in1");
        assertThat(m.connectionDeviceId()).isEqualTo("e1");
        assertThat(m.connectionModuleId()).isEqualTo("m1");
        assertThat(m.contentType()).isEqualTo("application/json");
        assertThat(m.properties()).containsExactly(entry("userKey", "v"));
        assertThat(in.topic()).isEqualTo(topic);
    }

    @Test
    void moduleInputWithoutBagKeepsTheSlashAfterTheInputName() {
        ModuleInput in = (ModuleInput) IotHubTopics.parse("devices/e1/modules/m2/inputs/in1");
        assertThat(in.propertyBag()).isEmpty();
        assertThat(in.topic()).isEqualTo("devices/e1/modules/m2/inputs/in1/");
        assertThat(IotHubTopics.parse("devices/e1/modules/m2/inputs/in1/")).isEqualTo(in);
    }

    @Test
    void twinGetJavaAndNode() {
        assertThat(IotHubTopics.parse("$iothub/twin/GET/?$rid=3f2504e0-4f89-11d3-9a0c-0305e82c3301"))
                .isEqualTo(new TwinGet("3f2504e0-4f89-11d3-9a0c-0305e82c3301"));
        assertThat(IotHubTopics.parse("$iothub/twin/GET/?$rid=1").fromDevice()).isTrue();
        assertThat(new TwinGet("7").topic()).isEqualTo("$iothub/twin/GET/?$rid=7");
    }

    @Test
    void reportedPatchWithAndWithoutVersion() {
        assertThat(IotHubTopics.parse("$iothub/twin/PATCH/properties/reported/?$rid=r1"))
                .isEqualTo(new TwinReportedPatch("r1", null));
        TwinReportedPatch p = (TwinReportedPatch) IotHubTopics.parse(
                "$iothub/twin/PATCH/properties/reported/?$rid=r1&$version=12");
        assertThat(p.version()).isEqualTo(12L);
        assertThat(p.topic()).isEqualTo("$iothub/twin/PATCH/properties/reported/?$rid=r1&$version=12");
    }

    @Test
    void twinResponses() {
        TwinResponse get = (TwinResponse) IotHubTopics.parse("$iothub/twin/res/200/?$rid=abc");
        assertThat(get).isEqualTo(new TwinResponse(200, "abc", null));
        TwinResponse patch = (TwinResponse) IotHubTopics.parse("$iothub/twin/res/204/?$rid=abc&$version=5");
        assertThat(patch.version()).isEqualTo(5L);
        assertThat(patch.topic()).isEqualTo("$iothub/twin/res/204/?$rid=abc&$version=5");
        // Parameter order and %24 keys are tolerated when reading.
        assertThat(IotHubTopics.parse("$iothub/twin/res/412/?%24version=3&%24rid=x"))
                .isEqualTo(new TwinResponse(412, "x", 3L));
    }

    @Test
    void desiredPatchNotification() {
        assertThat(IotHubTopics.parse("$iothub/twin/PATCH/properties/desired/?$version=25"))
                .isEqualTo(new TwinDesiredPatch(25L));
        assertThat(new TwinDesiredPatch(25L).topic()).isEqualTo("$iothub/twin/PATCH/properties/desired/?$version=25");
        assertThat(IotHubTopics.parse("$iothub/twin/PATCH/properties/desired/")).isEqualTo(new TwinDesiredPatch(null));
    }

    @Test
    void methodRequestAndResponse() {
        MethodRequest req = (MethodRequest) IotHubTopics.parse("$iothub/methods/POST/reboot/?$rid=1a");
        assertThat(req).isEqualTo(new MethodRequest("reboot", "1a"));
        assertThat(req.topic()).isEqualTo("$iothub/methods/POST/reboot/?$rid=1a");
        assertThat(IotHubTopics.parse("$iothub/methods/res/200/?$rid=1a")).isEqualTo(new MethodResponse(200, "1a"));
        assertThat(IotHubTopics.parse("$iothub/methods/res/-1/?$rid=1a")).isEqualTo(new MethodResponse(-1, "1a"));
        assertThat(new MethodResponse(404, "q").topic()).isEqualTo("$iothub/methods/res/404/?$rid=q");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "foo/bar", "devices/", "devices//messages/events/", "devices/d1/messages/other/x",
        "devices/d1/modules//messages/events/", "devices/d1/modules/m1/inputs/", "devices/d1/messages/eventsX",
        "$iothub/twin/GET/", "$iothub/twin/GET/?$rid=", "$iothub/twin/res/20/?$rid=1",
        "$iothub/twin/res/abc/?$rid=1", "$iothub/twin/PATCH/properties/other/?$rid=1",
        "$iothub/twin/PATCH/properties/reported/?$rid=1&$version=x", "$iothub/methods/POST//?$rid=1",
        "$iothub/methods/POST/a/b/?$rid=1", "$iothub/methods/res/ok/?$rid=1", "$iothub/unknown/x",
        "$iothub/twin/GET/extra/?$rid=1"})
    void rejectsUnknownOrMalformedTopicsWithAClearMessage(String topic) {
        assertThatThrownBy(() -> IotHubTopics.parse(topic)).isInstanceOf(BrinkException.class)
                .hasMessageContaining("invalid IoT Hub topic")
                .satisfies(e -> assertThat(((BrinkException) e).errorCode()).isEqualTo(ErrorCode.ArgumentInvalid));
        assertThat(IotHubTopics.tryParse(topic)).isEmpty();
    }

    @Test
    void everyCanonicalTopicParsesBackToItself() {
        IotHubTopic[] all = {new Telemetry("d", null, "a=1"), new Telemetry("d", "m", "a=1"),
            new Telemetry("d", "m", ""), new DeviceBound("d", null, "%24.mid=1"), new DeviceBound("d", "m", ""),
            new ModuleInput("d", "m", "in", "%24.mid=1"), new TwinGet("r"), new TwinReportedPatch("r", 4L),
            new TwinResponse(204, "r", 9L), new TwinResponse(500, "r", null), new TwinDesiredPatch(3L),
            new MethodRequest("m", "r"), new MethodResponse(200, "r")};
        for (IotHubTopic t : all) {
            assertThat(IotHubTopics.parse(t.topic())).as(t.topic()).isEqualTo(t);
        }
    }

    @Test
    void buildersRejectValuesThatWouldCorruptATopic() {
        assertThatThrownBy(() -> new TwinGet("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MethodRequest("a/b", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Telemetry("a/b", null, "").topic()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TwinResponse(42, "1", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
