package dev.brink.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.util.Locale;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The listeners run on BoringSSL where Brink packages its native library (Linux x86_64 and aarch64), and still
 * speak TLS 1.2 and 1.3 to a JDK client (the official Java SDK is one). (Older versions: the JDK refuses them itself.)
 */
class TlsEnginesTest {

    @Test
    void boringSslOnThePackagedPlatformsAndTheJdkOnRequest() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        boolean packaged = os.contains("linux") && (arch.equals("amd64") || arch.equals("aarch64"));
        assertThat(TlsEngines.preferred()).isInstanceOf(packaged ? OpenSSLEngineOptions.class
                : JdkSSLEngineOptions.class);
        String before = System.getProperty(TlsEngines.PROPERTY);
        System.setProperty(TlsEngines.PROPERTY, "jdk");
        try {
            assertThat(TlsEngines.preferred()).isInstanceOf(JdkSSLEngineOptions.class);
        } finally {
            if (before == null) {
                System.clearProperty(TlsEngines.PROPERTY);
            } else {
                System.setProperty(TlsEngines.PROPERTY, before);
            }
        }
    }

    @Test
    void theListenerSpeaksTls12And13ToAJdkClient() throws Exception {
        Vertx vertx = Vertx.vertx();
        ProtocolHead head = ProtocolHead.start(vertx,
                new HeadOptions("tls", "127.0.0.1", 0, TestTls.get().serverCertificate, 1), new MemoryBackend(), null);
        try {
            for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
                try (SSLSocket socket = handshake(head.port(), protocol)) {
                    assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
                }
            }
        } finally {
            head.close();
            vertx.close().await();
        }
    }

    private static SSLSocket handshake(int port, String protocol) throws Exception {
        SSLSocket socket = (SSLSocket) TestTls.get().clientContext.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setEnabledProtocols(new String[] {protocol});
        try {
            socket.startHandshake();
        } catch (Exception e) {
            socket.close();
            throw e;
        }
        return socket;
    }
}
