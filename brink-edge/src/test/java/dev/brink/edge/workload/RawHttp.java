package dev.brink.edge.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * HTTP/1.1 over a unix socket the way the official Java SDK's {@code HttpsHsmClient} does it: one request with
 * {@code Connection: close}, then read to EOF. Asserts what such clients depend on: a Content-Length (no
 * chunking) and {@code Content-Type: application/json}.
 */
final class RawHttp {
    record Response(int status, JsonNode json) {
    }

    private RawHttp() {
    }

    static Response unix(Path socket, String method, String path, String body) throws IOException {
        return unix(socket, method, path, body, "localhost");
    }

    /** @param host the Host header's value, or null to send none */
    static Response unix(Path socket, String method, String path, String body, String host) throws IOException {
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n")
                + "Connection: close\r\n"
                + "Accept: application/json\r\n"
                + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + payload.length + "\r\n")
                + "\r\n";
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer p = ByteBuffer.wrap(payload);
            while (p.hasRemaining()) {
                ch.write(p);
            }
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (ch.read(buf) >= 0) { // EOF: the server closes after the response
                raw.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return parse(raw.toString(StandardCharsets.UTF_8));
        }
    }

    private static Response parse(String text) {
        int headEnd = text.indexOf("\r\n\r\n");
        assertThat(headEnd).as("complete HTTP response head").isPositive();
        String[] lines = text.substring(0, headEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Integer length = null;
        String type = null;
        for (String line : lines) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring(15).trim());
            } else if (lower.startsWith("content-type:")) {
                type = lower.substring(13).trim();
            }
            assertThat(lower).doesNotStartWith("transfer-encoding:");
        }
        assertThat(length).as("Content-Length").isNotNull();
        assertThat(type).as("Content-Type").startsWith("application/json");
        String body = text.substring(headEnd + 4);
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(length);
        return new Response(status, Json.parse(body));
    }
}
