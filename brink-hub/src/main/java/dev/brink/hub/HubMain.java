package dev.brink.hub;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs a hub until SIGTERM/SIGINT. Prints the service connection string, the CA path and, last,
 * {@code Hub listening on https://host:port} — scripts and tests wait for that line.
 */
@Command(name = "brink-hub", mixinStandardHelpOptions = true,
        description = "Runs a Brink hub: device registry, twins and the IoT Hub service REST API over HTTPS.")
public final class HubMain implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir = HubConfig.DEFAULT_DATA_DIR;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host = HubConfig.DEFAULT_HOST;

    @Option(names = "--hub-host-name", paramLabel = "NAME",
            description = "HostName for connection strings and SAS audiences (default: the bind host).")
    String hubHostName;

    @Option(names = "--https-port", paramLabel = "PORT",
            description = "Service REST port, 0 = any free port (default: ${DEFAULT-VALUE}).")
    int httpsPort = HubConfig.DEFAULT_HTTPS_PORT;

    @Option(names = "--mqtt-port", paramLabel = "PORT", description = "Device MQTT port (default: ${DEFAULT-VALUE}).")
    int mqttPort = HubConfig.DEFAULT_MQTT_PORT;

    @Option(names = "--san-dns", paramLabel = "NAME", split = ",",
            description = "Extra DNS name for the server certificate (repeatable).")
    List<String> sanDns = new ArrayList<>();

    @Option(names = "--san-ip", paramLabel = "IP", split = ",",
            description = "Extra IP address for the server certificate (repeatable).")
    List<String> sanIp = new ArrayList<>();

    private final PrintStream out;

    HubMain(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        int code = new CommandLine(new HubMain(System.out))
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("brink-hub: failed to start: " + e.getMessage());
                    return 1;
                })
                .execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        HubConfig config = HubConfig.builder().dataDir(dataDir).host(host).hubHostName(hubHostName)
                .httpsPort(httpsPort).mqttPort(mqttPort).sanDnsNames(sanDns).sanIpAddresses(sanIp).build();
        HubServer hub = HubServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hub.close();
            stopped.countDown();
        }, "brink-hub-shutdown"));
        out.println("Service connection string: " + hub.serviceConnectionString());
        out.println("  (also in " + hub.serviceConnectionStringPath() + ")");
        out.println("CA certificate: " + hub.caCertificatePath());
        out.println("Hub listening on https://" + config.host() + ":" + hub.httpsPort());
        out.flush();
        // the JVM exits through the shutdown hook; wait here so main never returns while the hub runs
        stopped.await();
        return 0;
    }
}
