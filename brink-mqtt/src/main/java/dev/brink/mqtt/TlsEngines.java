package dev.brink.mqtt;

import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which TLS implementation Brink's servers use: BoringSSL through netty-tcnative when its native library loads on
 * this platform (linux x86_64 and aarch64 are packaged), else the JDK's. Every message of a device connection is
 * decrypted and its PUBACK encrypted, and under load the JDK's SSLEngine was the largest single CPU item of the edge
 * hub and the hub (docs/benchmarks.md); BoringSSL does the same work for a fraction of it. Both speak TLS 1.2/1.3
 * with the same certificates, so clients see no difference.
 *
 * <p>{@code -Dbrink.tls.engine=jdk} forces the JDK's engine (for comparisons, or if a platform's native library
 * misbehaves); {@code openssl} or unset prefers BoringSSL.
 */
public final class TlsEngines {
    /** System property choosing the engine: {@code jdk} or {@code openssl} (default). */
    public static final String PROPERTY = "brink.tls.engine";
    private static final Logger LOG = LoggerFactory.getLogger(TlsEngines.class);
    private static volatile boolean logged;

    private TlsEngines() {
    }

    /** The engine options for a TLS server (or client) of this process. */
    public static SSLEngineOptions preferred() {
        String wanted = System.getProperty(PROPERTY, "openssl").trim().toLowerCase(Locale.ROOT);
        SSLEngineOptions chosen;
        String why;
        if (wanted.equals("jdk")) {
            chosen = new JdkSSLEngineOptions();
            why = "JDK (" + PROPERTY + "=jdk)";
        } else if (OpenSSLEngineOptions.isAvailable()) {
            chosen = new OpenSSLEngineOptions();
            why = "BoringSSL (netty-tcnative)";
        } else {
            chosen = new JdkSSLEngineOptions();
            why = "JDK (netty-tcnative not available on this platform: "
                    + OpenSSLEngineOptions.class.getSimpleName() + ".isAvailable() is false)";
        }
        if (!logged) {
            logged = true;
            LOG.info("TLS engine: {}", why);
        }
        return chosen;
    }
}
