package dev.brink.bench.mqtt;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The load generator's MQTT side: Vert.x MQTT 3.1.1 clients over TLS on a few event loops of their own.
 * Connections are opened at a bounded rate with a bounded number of handshakes in progress, so that a
 * connection storm measures the broker's steady state, not its accept queue.
 */
final class LoadGenerator implements AutoCloseable {
    private static final int KEEP_ALIVE_SECONDS = 60;

    private static final int CONNECT_ATTEMPTS = 3;

    private final Vertx vertx;
    private final AtomicInteger retries = new AtomicInteger();
    private final AtomicReference<String> firstRetryCause = new AtomicReference<>();

    LoadGenerator(int eventLoops) {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops)
                .setBlockedThreadCheckInterval(10_000));
    }

    /** A connected device: its client and the event-loop context all its handlers run on. */
    record Connected(DeviceLogin login, MqttClient client, Context context) {
    }

    /** The outcome of {@link #connectAll}: connected devices in order, failures, and how long it took. */
    record ConnectResult(List<Connected> connected, int failed, String firstFailure, double seconds) {
    }

    /**
     * Connects every device of {@code target}, at most {@code perSecond} CONNECTs a second and at most
     * {@code maxPending} handshakes at once; waits for all of them to finish (or fail).
     *
     * @param maxInflight the client's own in-flight QoS 1 limit (the publisher's window stays below it)
     */
    ConnectResult connectAll(MqttTarget target, boolean cleanSession, int maxInflight, int perSecond,
            int maxPending) throws InterruptedException {
        List<DeviceLogin> logins = target.devices();
        List<Connected> connected = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        Semaphore pending = new Semaphore(maxPending);
        CountDownLatch done = new CountDownLatch(logins.size());
        long start = System.nanoTime();
        long intervalNanos = 1_000_000_000L / Math.max(1, perSecond);
        for (int i = 0; i < logins.size(); i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            pending.acquire();
            DeviceLogin login = logins.get(i);
            connectWithRetry(target, login, cleanSession, maxInflight, CONNECT_ATTEMPTS).onComplete(ar -> {
                if (ar.succeeded()) {
                    connected.add(ar.result());
                } else {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, login.deviceId() + ": " + ar.cause());
                }
                pending.release();
                done.countDown();
            });
        }
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("connections did not finish within 120 s");
        }
        List<Connected> ordered = new ArrayList<>(connected);
        ordered.sort(java.util.Comparator.comparing(c -> c.login().deviceId()));
        return new ConnectResult(ordered, failed.get(), firstFailure.get(), (System.nanoTime() - start) / 1e9);
    }

    /** A failed attempt is retried after a second; retries are counted and reported. */
    private Future<Connected> connectWithRetry(MqttTarget target, DeviceLogin login, boolean cleanSession,
            int maxInflight, int attempts) {
        return connect(target, login, cleanSession, maxInflight).recover(e -> {
            if (attempts <= 1) {
                return Future.failedFuture(e);
            }
            retries.incrementAndGet();
            firstRetryCause.compareAndSet(null, login.deviceId() + ": " + e);
            return Future.<Long>future(p -> vertx.setTimer(1000, p::complete))
                    .compose(x -> connectWithRetry(target, login, cleanSession, maxInflight, attempts - 1));
        });
    }

    /** Connection attempts that failed and were retried, since this generator started. */
    int retries() {
        return retries.get();
    }

    /** Why the first retried attempt failed (null if none was retried). */
    String firstRetryCause() {
        return firstRetryCause.get();
    }

    /** One TLS connection and CONNECT; completes on the connection's own event loop. */
    Future<Connected> connect(MqttTarget target, DeviceLogin login, boolean cleanSession, int maxInflight) {
        MqttClientOptions options = new MqttClientOptions()
                .setClientId(login.clientId())
                .setUsername(login.username())
                .setPassword(login.password())
                .setCleanSession(cleanSession)
                .setKeepAliveInterval(KEEP_ALIVE_SECONDS)
                .setMaxInflightQueue(maxInflight)
                .setAutoKeepAlive(true);
        options.setSsl(true);
        options.setTrustOptions(new PemTrustOptions().addCertPath(target.caPem().toString()));
        options.setHostnameVerificationAlgorithm("HTTPS"); // the certificates carry IP SAN 127.0.0.1
        options.setTcpNoDelay(true);
        options.setConnectTimeout(30_000);
        // generous: on a shared 2-core machine, queued handshakes wait for CPU on both sides
        options.setSslHandshakeTimeout(30).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
        MqttClient client = MqttClient.create(vertx, options);
        return client.connect(target.port(), target.host())
                .map(ack -> new Connected(login, client, Vertx.currentContext()));
    }

    /** Disconnects every client and waits (bounded) for it. */
    static void disconnectAll(List<Connected> clients) {
        List<Future<Void>> all = new ArrayList<>();
        for (Connected c : clients) {
            if (c.client().isConnected()) {
                all.add(c.client().disconnect().recover(e -> Future.succeededFuture()));
            }
        }
        try {
            Future.all(all).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("some clients did not disconnect cleanly: " + e);
        }
    }

    Vertx vertx() {
        return vertx;
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("closing the load generator's Vert.x failed: " + e);
        }
    }
}
