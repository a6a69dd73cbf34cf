package dev.brink.edge.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.ClientOptions;
import dev.brink.client.ModuleClient;
import dev.brink.core.json.Json;
import dev.brink.core.message.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The module the offline end-to-end tests deploy (a process package whose entrypoint runs this main with the test
 * classpath). A real brink-client {@link ModuleClient#fromEnvironment} — tokens signed through the workload API,
 * TLS trust from its trust bundle — connected to the edge hub at {@code IOTEDGE_GATEWAYHOSTNAME:$EDGE_MQTT_PORT}.
 *
 * <p>The test drives it through files in {@code $CTRL_DIR} because the module outlives nothing the test holds (the
 * edge runtime restarts it): {@code command} holds one line {@code <id> <verb> <args…>}; each id is executed once,
 * ever — a restarted instance sees {@code done-<id>} and skips it — and its result goes to {@code done-<id>}
 * (written atomically). Every desired patch received is appended to {@code desired.log}, every (re)connect to
 * {@code connected.log}, the desired properties of the twin GET made at start to {@code twin.log}.
 *
 * <ul>
 *   <li>{@code send <count> <bodyBytes> <window> <run>}: sends {@code count} messages to output {@code out}, QoS 1,
 *       numbered by the property {@code seq} (and {@code run}), at most {@code window} awaiting their PUBACK; stops
 *       at the first failure. Result: {@code acked=<n> contiguous=<bool> ms=<elapsed> error=<first error>}.</li>
 *   <li>{@code report <count> <key>}: {@code count} reported patches {@code {"<key>":{"p<i>":i,"last":i}}}, one at a
 *       time. Result: {@code version=<last reported $version> ms=<elapsed>}.</li>
 * </ul>
 */
public final class SenderModule {
    private static final Object LOG_LOCK = new Object();

    private SenderModule() {
    }

    public static void main(String[] args) throws Exception {
        Path ctrl = Path.of(System.getenv("CTRL_DIR"));
        int port = Integer.parseInt(System.getenv("EDGE_MQTT_PORT"));
        Duration opTimeout = Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault("OP_TIMEOUT_S", "60")));
        ModuleClient client = ModuleClient.fromEnvironment(System.getenv(), ClientOptions.builder().port(port)
                .operationTimeout(opTimeout).reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(2)).build());
        client.onDesiredPropertiesUpdate((patch, version) -> append(ctrl.resolve("desired.log"), patch.toString()));
        client.onConnectionStateChange((state, cause) -> append(ctrl.resolve("connected.log"),
                ProcessHandle.current().pid() + " " + state + (cause == null ? "" : " " + cause.getMessage())));
        openWithRetry(client);
        append(ctrl.resolve("connected.log"), ProcessHandle.current().pid() + " OPENED");
        // like every SDK-based module at start: read the twin (answered from the edge's cache when offline)
        append(ctrl.resolve("twin.log"), ProcessHandle.current().pid() + " " + client.getTwin().desired());
        Path command = ctrl.resolve("command");
        while (true) {
            if (Files.exists(command)) {
                String[] words = Files.readString(command).trim().split("\\s+");
                Path done = ctrl.resolve("done-" + words[0]);
                if (!Files.exists(done)) {
                    String result = switch (words[1]) {
                        case "send" -> send(client, Integer.parseInt(words[2]), Integer.parseInt(words[3]),
                                Integer.parseInt(words[4]), words[5]);
                        case "report" -> report(client, Integer.parseInt(words[2]), words[3]);
                        default -> "unknown command " + words[1];
                    };
                    Path tmp = ctrl.resolve("done-" + words[0] + ".tmp");
                    Files.writeString(tmp, result);
                    Files.move(tmp, done, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Thread.sleep(50);
        }
    }

    /** The edge hub may still be opening its listeners when the module starts. */
    private static void openWithRetry(ModuleClient client) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                client.open();
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                System.err.println("open failed, retrying: " + e);
                Thread.sleep(500);
            }
        }
    }

    private static String send(ModuleClient client, int count, int bodyBytes, int window, String run)
            throws InterruptedException {
        Semaphore slots = new Semaphore(window);
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        boolean[] acked = new boolean[count];
        List<CompletableFuture<Void>> all = new ArrayList<>(count);
        String pad = "x".repeat(Math.max(0, bodyBytes - 40));
        long start = System.nanoTime();
        for (int i = 0; i < count && firstError.get() == null; i++) {
            slots.acquire();
            if (firstError.get() != null) {
                slots.release();
                break;
            }
            int seq = i;
            byte[] body = ("{\"seq\":" + seq + ",\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8);
            Message m = Message.builder().body(body).contentType("application/json").contentEncoding("utf-8")
                    .property("seq", Integer.toString(seq)).property("run", run).build();
            CompletableFuture<Void> f;
            try {
                f = client.sendOutputAsync("out", m);
            } catch (RuntimeException e) {
                firstError.compareAndSet(null, e);
                slots.release();
                break;
            }
            all.add(f.whenComplete((v, e) -> {
                if (e == null) {
                    acked[seq] = true;
                } else {
                    firstError.compareAndSet(null, e);
                }
                slots.release();
            }));
        }
        for (CompletableFuture<Void> f : all) {
            try {
                f.join();
            } catch (RuntimeException ignored) {
                // counted through acked[] / firstError
            }
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        int n = 0;
        boolean contiguous = true;
        boolean gap = false;
        for (boolean a : acked) {
            if (a) {
                n++;
                contiguous &= !gap;
            } else {
                gap = true;
            }
        }
        Throwable e = firstError.get();
        return "acked=" + n + " contiguous=" + contiguous + " ms=" + ms + " error="
                + (e == null ? "none" : e.toString().replace('\n', ' '));
    }

    private static String report(ModuleClient client, int count, String key) {
        long start = System.nanoTime();
        long version = -1;
        for (int i = 0; i < count; i++) {
            ObjectNode patch = Json.object();
            patch.putObject(key).put("p" + i, i).put("last", i);
            version = client.updateReportedProperties(patch);
        }
        return "version=" + version + " ms=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static void append(Path file, String line) {
        synchronized (LOG_LOCK) {
            try {
                Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                System.err.println("cannot write " + file + ": " + e);
            }
        }
    }
}
