package dev.brink.cli;

import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brink hub start}: runs a hub in this JVM until SIGTERM / Ctrl-C (or, when embedded, until the
 * calling thread is interrupted). The data directory keeps the database, the CA and the service connection
 * string, so the other hub commands find this hub by default.
 */
@Command(name = "start", mixinStandardHelpOptions = true, description = "Run a hub in the foreground.")
final class HubStartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = HubOptions.DEFAULT_DATA_DIR,
            description = "Data directory (database, certificates, connection string; default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--host", paramLabel = "H", defaultValue = HubConfig.DEFAULT_HOST,
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--hub-host-name", paramLabel = "NAME",
            description = "HostName in connection strings and SAS audiences (default: the --host value).")
    String hubHostName;

    @Option(names = "--https-port", paramLabel = "PORT", defaultValue = "" + HubConfig.DEFAULT_HTTPS_PORT,
            description = "Service REST API port, 0 for any free port (default: ${DEFAULT-VALUE}).")
    int httpsPort;

    @Option(names = "--mqtt-port", paramLabel = "PORT", defaultValue = "" + HubConfig.DEFAULT_MQTT_PORT,
            description = "Device MQTT/TLS port (default: ${DEFAULT-VALUE}).")
    int mqttPort;

    @Option(names = "--san-dns", paramLabel = "NAME", description = "Extra DNS name for the server certificate (repeatable).")
    List<String> sanDns = new ArrayList<>();

    @Option(names = "--san-ip", paramLabel = "IP", description = "Extra IP address for the server certificate (repeatable).")
    List<String> sanIp = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        HubConfig config = HubConfig.builder().dataDir(dataDir).host(host).hubHostName(hubHostName)
                .httpsPort(httpsPort).mqttPort(mqttPort).sanDnsNames(sanDns).sanIpAddresses(sanIp).build();
        HubServer server = HubServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "brink-hub-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Service connection string: " + server.serviceConnectionString());
        out.println("CA certificate: " + server.caCertificatePath().toAbsolutePath().normalize());
        out.println("Hub listening on https://" + host + ":" + server.httpsPort());
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            // Embedded use (tests, other commands): interrupting the thread stops the hub.
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running and closes the server
            }
            server.close();
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
