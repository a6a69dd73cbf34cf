package dev.brink.hub.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The JSON form of an event in the events stream (one line each):
 * <pre>{"offset":12,"enqueuedTime":"2024-05-01T10:00:00.123Z","deviceId":"d1","moduleId":null,
 *  "systemProperties":{"$.mid":"..","$.cdid":"d1"},"applicationProperties":{"k":"v"},
 *  "body":"{\"t\":21}","bodyEncoding":"utf-8"}</pre>
 * The body is the UTF-8 text when the bytes are valid UTF-8, else base64 with {@code "bodyEncoding":"base64"}.
 */
public final class EventJson {
    public static final String UTF8 = "utf-8";
    public static final String BASE64 = "base64";

    private EventJson() {
    }

    public static ObjectNode of(DeviceEvent e) {
        ObjectNode json = Json.object();
        json.put("offset", e.offset());
        json.put("enqueuedTime", e.enqueuedTime().toString());
        json.put("deviceId", e.deviceId());
        if (e.moduleId() == null) {
            json.putNull("moduleId");
        } else {
            json.put("moduleId", e.moduleId());
        }
        ObjectNode system = json.putObject("systemProperties");
        e.systemProperties().forEach(system::put);
        ObjectNode app = json.putObject("applicationProperties");
        e.applicationProperties().forEach(app::put);
        String text = utf8(e.body());
        if (text != null) {
            json.put("body", text);
            json.put("bodyEncoding", UTF8);
        } else {
            json.put("body", Base64.getEncoder().encodeToString(e.body()));
            json.put("bodyEncoding", BASE64);
        }
        return json;
    }

    /** The text when {@code bytes} are valid UTF-8, else null. */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
