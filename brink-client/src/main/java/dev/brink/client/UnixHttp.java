package dev.brink.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP/1.1 request over a unix domain socket (JDK 16+ {@link SocketChannel}), for the workload API only:
 * {@code Connection: close}, read to EOF, {@code Content-Length} or chunked bodies. Deliberately tiny — the
 * workload API answers small JSON documents — and not a general HTTP client.
 */
final class UnixHttp {
    private static final int MAX_RESPONSE = 1 << 20;

    record Response(int status, String body) {
    }

    private UnixHttp() {
    }

    static Response exchange(String socketPath, String method, String path, String body, Duration timeout)
            throws IOException {
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: localhost\r\nAccept: application/json\r\nConnection: close\r\n");
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(payload.length).append("\r\n");
        }
        head.append("\r\n");
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socketPath));
            write(ch, head.toString().getBytes(StandardCharsets.US_ASCII));
            write(ch, payload);
            return parse(readAll(ch, System.nanoTime() + timeout.toNanos()));
        }
    }

    private static void write(SocketChannel ch, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    // Blocking reads; the deadline is checked between reads (the workload API answers at once).
    private static byte[] readAll(SocketChannel ch, long deadline) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (ch.read(buf) >= 0) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
            if (out.size() > MAX_RESPONSE || System.nanoTime() > deadline) {
                throw new IOException("workload response too large or too slow");
            }
        }
        return out.toByteArray();
    }

    static Response parse(byte[] raw) throws IOException {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.") || headEnd < 0) {
            throw new IOException("not an HTTP response");
        }
        String[] lines = text.substring(0, headEnd).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[1].matches("\\d{3}")) {
            throw new IOException("malformed HTTP status line: " + lines[0]);
        }
        boolean chunked = false;
        int length = -1;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].toLowerCase(Locale.ROOT);
            if (line.startsWith("transfer-encoding:") && line.contains("chunked")) {
                chunked = true;
            } else if (line.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        int start = headEnd + 4;
        byte[] body;
        if (chunked) {
            body = dechunk(raw, start);
        } else {
            int end = length >= 0 ? Math.min(raw.length, start + length) : raw.length;
            body = java.util.Arrays.copyOfRange(raw, start, end);
        }
        return new Response(Integer.parseInt(statusLine[1]), new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] raw, int pos) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            int lineEnd = indexOfCrlf(raw, pos);
            String sizeText = new String(raw, pos, lineEnd - pos, StandardCharsets.US_ASCII).split(";")[0].trim();
            int size = Integer.parseInt(sizeText, 16);
            pos = lineEnd + 2;
            if (size == 0) {
                return out.toByteArray();
            }
            if (pos + size > raw.length) {
                throw new IOException("truncated chunked body");
            }
            out.write(raw, pos, size);
            pos += size + 2;
        }
    }

    private static int indexOfCrlf(byte[] raw, int from) throws IOException {
        for (int i = from; i + 1 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n') {
                return i;
            }
        }
        throw new IOException("truncated chunked body");
    }
}
