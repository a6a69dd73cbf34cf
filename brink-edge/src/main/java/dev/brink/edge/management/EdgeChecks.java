package dev.brink.edge.management;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.service.PemTrust;
import dev.brink.core.json.Json;
import dev.brink.edge.EdgeConfig;
import dev.brink.edge.runtime.ModuleRuntime;
import dev.brink.edge.runtime.docker.DockerModuleRuntime;
import dev.brink.edge.workload.EdgeCa;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * What {@code brink edge check} verifies (docs/edge-config.md): the hub is reachable over HTTPS and MQTT (TCP
 * connect and a TLS handshake that verifies the hub's certificate against the configured CA and host name),
 * the clock agrees with the hub's {@code Date} header, certificates are not about to expire, the module
 * runtime is usable, and the data dir's disk has room. Runs in the edge runtime (with its module runtime) for
 * {@code GET /check}, or in the CLI with only a config when the runtime is not running. Every check is bounded
 * by a few seconds; none changes anything.
 */
public final class EdgeChecks {
    public static final Duration CLOCK_SKEW_WARN = Duration.ofSeconds(30);
    public static final Duration CERT_EXPIRY_WARN = Duration.ofDays(30);
    public static final long DISK_FREE_WARN_BYTES = 1L << 30;
    private static final int TIMEOUT_MS = 5_000;

    private final EdgeConfig config;
    private final Clock clock;
    private final ModuleRuntime runtime;

    /** @param runtimeOrNull the running module runtime, or null to probe it from outside (CLI) */
    public EdgeChecks(EdgeConfig config, Clock clock, ModuleRuntime runtimeOrNull) {
        this.config = config;
        this.clock = clock;
        this.runtime = runtimeOrNull;
    }

    private record Reach(CheckResult result, X509Certificate serverCert) {
    }

    public List<CheckResult> run() {
        List<CheckResult> results = new ArrayList<>();
        SSLContext tls = tlsContext(results);
        String mqttHost = hostWithoutPort(config.parsedConnectionString().hostName());
        Reach https = reach("hub-https", "hub reachable over HTTPS", config.hubHost(), config.hubHttpsPort(), tls);
        Reach mqtt = reach("hub-mqtt", "hub reachable over MQTT/TLS", mqttHost, config.hubMqttPort(), tls);
        results.add(https.result);
        results.add(mqtt.result);
        results.add(https.serverCert == null
                ? CheckResult.warn("clock", "clock in sync with the hub", "not checked: the hub is not reachable")
                : clockSkew(tls));
        results.addAll(certificates(https.serverCert, mqtt.serverCert));
        results.add(moduleRuntime());
        results.add(disk());
        return results;
    }

    // ---- hub

    private SSLContext tlsContext(List<CheckResult> results) {
        try {
            if (config.hubCaFile() != null) {
                return PemTrust.fromFile(config.hubCaFile());
            }
            return SSLContext.getDefault();
        } catch (RuntimeException | GeneralSecurityException e) {
            results.add(CheckResult.fail("hub-ca", "hub CA file usable", "hub.ca_file " + config.hubCaFile()
                    + ": " + e.getMessage()));
            try {
                return SSLContext.getDefault();
            } catch (GeneralSecurityException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }

    private Reach reach(String id, String title, String host, int port, SSLContext tls) {
        String where = authority(host, port);
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            plain.setSoTimeout(TIMEOUT_MS);
        } catch (IOException e) {
            closeQuietly(plain);
            return new Reach(CheckResult.fail(id, title, "cannot connect to " + where + ": " + e.getMessage()), null);
        }
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true)) {
            SSLParameters params = socket.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            if (!isIpLiteral(host)) {
                params.setServerNames(List.of(new SNIHostName(host)));
            }
            socket.setSSLParameters(params);
            socket.startHandshake();
            X509Certificate cert = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            return new Reach(CheckResult.ok(id, title, where + ", " + socket.getSession().getProtocol()
                    + ", certificate verified"), cert);
        } catch (SSLException e) {
            return new Reach(CheckResult.fail(id, title, "TLS handshake with " + where + " failed: " + e.getMessage()
                    + (config.hubCaFile() == null ? " (no hub.ca_file: the JVM's trust store was used)"
                    : " (is " + config.hubCaFile() + " the hub's CA?)")), null);
        } catch (IOException e) {
            return new Reach(CheckResult.fail(id, title, where + ": " + e.getMessage()), null);
        }
    }

    private CheckResult clockSkew(SSLContext tls) {
        String title = "clock in sync with the hub";
        HttpClient http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofMillis(TIMEOUT_MS)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://" + config.hubHttpsAuthority() + "/"))
                .timeout(Duration.ofMillis(TIMEOUT_MS)).GET().build();
        try {
            Instant sent = clock.instant();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Instant received = clock.instant();
            // the hub's time is taken somewhere during the exchange: compare with its middle
            Instant now = sent.plus(Duration.between(sent, received).dividedBy(2));
            Optional<String> hubTime = hubTime(response);
            if (hubTime.isEmpty()) {
                return CheckResult.warn("clock", title, "the hub sent neither a Date header nor an error timestamp;"
                        + " clock not compared");
            }
            Instant hub = Instant.parse(hubTime.get());
            Duration skew = Duration.between(hub, now).abs();
            String detail = "local clock " + (now.isBefore(hub) ? "behind" : "ahead of") + " the hub by "
                    + skew.toMillis() / 1000.0 + " s";
            return skew.compareTo(CLOCK_SKEW_WARN) > 0
                    ? CheckResult.warn("clock", title, detail + "; more than " + CLOCK_SKEW_WARN.toSeconds()
                    + " s makes SAS tokens fail: sync the clock (NTP)")
                    : CheckResult.ok("clock", title, detail);
        } catch (IOException | RuntimeException e) {
            return CheckResult.warn("clock", title, "could not read the hub's time: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.warn("clock", title, "interrupted");
        }
    }

    /**
     * The hub's time as an ISO instant: the HTTP {@code Date} header (1 s resolution), else the
     * {@code timestampUtc} of an IoT Hub error body ({@code {"Message": "{...\"timestampUtc\":...}"}}), which
     * the unauthenticated {@code GET /} always produces.
     */
    static Optional<String> hubTime(HttpResponse<String> response) {
        Optional<String> date = response.headers().firstValue("Date");
        if (date.isPresent()) {
            return Optional.of(ZonedDateTime.parse(date.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()
                    .toString());
        }
        try {
            JsonNode body = Json.parse(response.body());
            JsonNode inner = body.path("Message").isTextual() ? Json.parse(body.path("Message").asText()) : body;
            String ts = inner.path("timestampUtc").asText("");
            return ts.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(ts).toString());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    // ---- certificates

    private List<CheckResult> certificates(X509Certificate httpsCert, X509Certificate mqttCert) {
        List<CheckResult> results = new ArrayList<>();
        if (config.hubCaFile() != null) {
            results.add(certificateFile("cert-hub-ca", "hub CA certificate (" + config.hubCaFile() + ")",
                    config.hubCaFile()));
        }
        Path edgeCa = config.dataDir().toAbsolutePath().resolve("ca").resolve(EdgeCa.CA_CERT);
        results.add(Files.exists(edgeCa) ? certificateFile("cert-edge-ca", "edge CA certificate", edgeCa)
                : CheckResult.ok("cert-edge-ca", "edge CA certificate", "not created yet (made on first start)"));
        if (httpsCert != null) {
            results.add(expiry("cert-hub-https", "hub HTTPS server certificate", httpsCert));
        }
        if (mqttCert != null && !mqttCert.equals(httpsCert)) {
            results.add(expiry("cert-hub-mqtt", "hub MQTT server certificate", mqttCert));
        }
        return results;
    }

    private CheckResult certificateFile(String id, String title, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
            if (certs.isEmpty()) {
                return CheckResult.fail(id, title, file + " holds no certificate");
            }
            // a bundle is as good as its first expiring member
            X509Certificate first = certs.stream().min((a, b) -> a.getNotAfter().compareTo(b.getNotAfter())).get();
            return expiry(id, title, first);
        } catch (IOException | GeneralSecurityException e) {
            return CheckResult.fail(id, title, "cannot read " + file + ": " + e.getMessage());
        }
    }

    private CheckResult expiry(String id, String title, X509Certificate cert) {
        Instant now = clock.instant();
        Instant notAfter = cert.getNotAfter().toInstant();
        String subject = cert.getSubjectX500Principal().getName();
        if (cert.getNotBefore().toInstant().isAfter(now)) {
            return CheckResult.fail(id, title, subject + " is not valid before " + cert.getNotBefore().toInstant()
                    + " (is the clock right?)");
        }
        long days = Duration.between(now, notAfter).toDays();
        String detail = subject + " expires " + notAfter + " (in " + days + " days)";
        if (!notAfter.isAfter(now)) {
            return CheckResult.fail(id, title, subject + " expired " + notAfter);
        }
        return Duration.between(now, notAfter).compareTo(CERT_EXPIRY_WARN) < 0
                ? CheckResult.warn(id, title, detail + ": renew it") : CheckResult.ok(id, title, detail);
    }

    // ---- local resources

    private CheckResult moduleRuntime() {
        String title = "module runtime (" + config.runtimeType() + ") usable";
        if (config.runtimeType().equals("docker")) {
            return engine(title);
        }
        Path dir = config.dataDir().toAbsolutePath().resolve("runtime");
        Path probeDir = nearestExisting(dir);
        try {
            Path probe = Files.createTempFile(probeDir, ".brink-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | RuntimeException e) {
            return CheckResult.fail("module-runtime", title, probeDir + " is not writable: " + e.getMessage());
        }
        String instances = runtime == null ? "" : "; " + runtime.list().size() + " instance(s)";
        return CheckResult.ok("module-runtime", title, probeDir + " writable" + instances);
    }

    private CheckResult engine(String title) {
        try {
            int containers;
            if (runtime != null) {
                containers = runtime.list().size();
            } else {
                try (DockerModuleRuntime probe = new DockerModuleRuntime(config.dockerUri(),
                        config.parsedConnectionString().deviceId())) {
                    containers = probe.list().size();
                }
            }
            return CheckResult.ok("module-runtime", title, "engine at " + config.dockerUri() + " answers; "
                    + containers + " Brink container(s)");
        } catch (RuntimeException e) {
            return CheckResult.fail("module-runtime", title, "engine at " + config.dockerUri() + ": " + e.getMessage());
        }
    }

    private CheckResult disk() {
        Path dir = nearestExisting(config.dataDir().toAbsolutePath());
        String title = "disk space of the data dir";
        try {
            long free = Files.getFileStore(dir).getUsableSpace();
            String detail = String.format("%.1f GiB free on the file system of %s", free / (double) (1L << 30), dir);
            return free < DISK_FREE_WARN_BYTES ? CheckResult.warn("disk", title, detail + " (less than 1 GiB)")
                    : CheckResult.ok("disk", title, detail);
        } catch (IOException e) {
            return CheckResult.fail("disk", title, "cannot read the free space of " + dir + ": " + e.getMessage());
        }
    }

    // ---- helpers

    private static Path nearestExisting(Path dir) {
        Path p = dir;
        while (p != null && !Files.isDirectory(p)) {
            p = p.getParent();
        }
        return p == null ? dir.getRoot() : p;
    }

    static String hostWithoutPort(String hostName) {
        if (hostName.startsWith("[")) {
            return hostName.substring(1, hostName.indexOf(']'));
        }
        int colon = hostName.indexOf(':');
        return colon < 0 ? hostName : hostName.substring(0, colon);
    }

    private static String authority(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static boolean isIpLiteral(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the connect failure is what gets reported
        }
    }
}
