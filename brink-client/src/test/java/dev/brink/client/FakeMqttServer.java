package dev.brink.client;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLServerSocket;

/**
 * A test stand-in for the hub's MQTT endpoint until it exists: TLS on loopback with {@link TestTls}, a bare
 * MQTT 3.1.1 packet reader/writer that records CONNECT, SUBSCRIBE, PUBLISH and PUBACK, answers CONNACK with a
 * configurable code and session-present flag, SUBACK with QoS 1, PUBACK (unless told to hold), PINGRESP.
 * Test code only — the client itself never hand-writes MQTT.
 */
final class FakeMqttServer implements AutoCloseable {
    record Connect(String clientId, String username, String password, boolean cleanSession, int keepAlive,
                   int level) {
    }

    record Publish(String topic, int qos, byte[] payload) {
        String body() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    final BlockingQueue<Connect> connects = new LinkedBlockingQueue<>();
    final BlockingQueue<String> subscribes = new LinkedBlockingQueue<>();
    final BlockingQueue<Publish> publishes = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> clientAcks = new LinkedBlockingQueue<>();
    final BlockingQueue<String> disconnects = new LinkedBlockingQueue<>();
    volatile int connackCode = 0;
    volatile boolean sessionPresent = false;
    volatile boolean holdPubacks = false;
    /** Called for each client PUBLISH, with a way to publish back on the same connection. */
    volatile BiConsumer<Publish, FakeMqttServer> onPublish = (p, s) -> { };

    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile Socket current;
    private int nextPacketId = 1;

    FakeMqttServer() throws Exception {
        listener = TestTls.serverContext().getServerSocketFactory().createServerSocket(0, 10,
                InetAddress.getLoopbackAddress());
        ((SSLServerSocket) listener).setEnabledProtocols(new String[] {"TLSv1.2", "TLSv1.3"});
        Thread accept = new Thread(this::acceptLoop, "fake-mqtt-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    Connect nextConnect() throws InterruptedException {
        return poll(connects);
    }

    Publish nextPublish() throws InterruptedException {
        return poll(publishes);
    }

    static <T> T poll(BlockingQueue<T> q) throws InterruptedException {
        T v = q.poll(10, TimeUnit.SECONDS);
        if (v == null) {
            throw new AssertionError("nothing arrived within 10 s");
        }
        return v;
    }

    /** Drops the current connection without DISCONNECT, like a network failure. */
    void dropConnection() throws IOException {
        Socket s = current;
        if (s != null) {
            s.close();
        }
    }

    synchronized void deliver(String topic, int qos, byte[] payload) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, topic);
        if (qos > 0) {
            int id = nextPacketId++;
            body.write(id >> 8);
            body.write(id & 0xff);
        }
        body.writeBytes(payload);
        write(current.getOutputStream(), 0x30 | (qos << 1), body.toByteArray());
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "fake-mqtt-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                int header = in.readUnsignedByte();
                byte[] body = new byte[readLength(in)];
                in.readFully(body);
                if (!handle(s, header, new DataInputStream(new java.io.ByteArrayInputStream(body)), body.length, out)) {
                    return;
                }
            }
        } catch (EOFException | java.net.SocketException gone) {
            // client went away
        } catch (IOException e) {
            disconnects.add("error " + e);
        }
    }

    private boolean handle(Socket s, int header, DataInputStream p, int length, OutputStream out) throws IOException {
        switch (header >> 4) {
            case 1 -> {
                String protocol = readString(p);
                int level = p.readUnsignedByte();
                int flags = p.readUnsignedByte();
                int keepAlive = p.readUnsignedShort();
                String clientId = readString(p);
                String user = (flags & 0x80) != 0 ? readString(p) : null;
                String password = (flags & 0x40) != 0 ? readString(p) : null;
                connects.add(new Connect(clientId, user, password, (flags & 0x02) != 0, keepAlive,
                        protocol.equals("MQTT") ? level : -1));
                synchronized (this) {
                    write(out, 0x20, new byte[] {(byte) (sessionPresent && connackCode == 0 ? 1 : 0),
                        (byte) connackCode});
                    if (connackCode == 0) {
                        current = s;
                    }
                }
                return connackCode == 0;
            }
            case 3 -> {
                int qos = (header >> 1) & 3;
                String topic = readString(p);
                int id = qos > 0 ? p.readUnsignedShort() : 0;
                byte[] payload = p.readAllBytes();
                Publish pub = new Publish(topic, qos, payload);
                publishes.add(pub);
                if (qos > 0 && !holdPubacks) {
                    synchronized (this) {
                        write(out, 0x40, new byte[] {(byte) (id >> 8), (byte) id});
                    }
                }
                onPublish.accept(pub, this);
            }
            case 4 -> clientAcks.add(p.readUnsignedShort());
            case 8 -> {
                int id = p.readUnsignedShort();
                ByteArrayOutputStream ack = new ByteArrayOutputStream();
                ack.write(id >> 8);
                ack.write(id & 0xff);
                while (p.available() > 0) {
                    subscribes.add(readString(p));
                    p.readUnsignedByte();
                    ack.write(1);
                }
                synchronized (this) {
                    write(out, 0x90, ack.toByteArray());
                }
            }
            case 12 -> {
                synchronized (this) {
                    write(out, 0xD0, new byte[0]);
                }
            }
            case 14 -> {
                disconnects.add("DISCONNECT");
                return false;
            }
            default -> throw new IOException("unexpected packet type " + (header >> 4) + " of " + length + " bytes");
        }
        return true;
    }

    private static int readLength(DataInputStream in) throws IOException {
        int value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("bad remaining length");
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readUnsignedShort()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >> 8);
        out.write(b.length & 0xff);
        out.writeBytes(b);
    }

    private static void write(OutputStream out, int header, byte[] body) throws IOException {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(header);
        int len = body.length;
        do {
            int b = len & 0x7f;
            len >>= 7;
            packet.write(len > 0 ? b | 0x80 : b);
        } while (len > 0);
        packet.writeBytes(body);
        out.write(packet.toByteArray());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
