package dev.brink.edge.workload;

import com.microsoft.azure.sdk.iot.device.ClientConfiguration;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.hsm.UnixDomainSocketChannel;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Runs in a child JVM (the SDK reads IOTEDGE_* from the real environment): creates a module client with the
 * official Java SDK's {@code ModuleClient.createFromEnvironment(channel, MQTT)} and prints the SAS token it
 * obtained through the workload API's {@code sign}, without connecting. Argument {@code unix} supplies a JDK 16+
 * {@link UnixDomainSocketChannel} for {@code unix://} workload URIs; otherwise null (http URIs).
 */
public final class OfficialSdkModuleMain {
    private OfficialSdkModuleMain() {
    }

    public static void main(String[] args) {
        try {
            UnixDomainSocketChannel channel = args.length > 0 && args[0].equals("unix") ? new JdkUnixChannel() : null;
            ModuleClient client = ModuleClient.createFromEnvironment(channel, IotHubClientProtocol.MQTT);
            // The token is not public API; the client's configuration holds the workload-backed provider.
            Field config = InternalClient.class.getDeclaredField("config");
            config.setAccessible(true);
            ClientConfiguration cc = (ClientConfiguration) config.get(client);
            System.out.println("TOKEN=" + new String(cc.getSasTokenAuthentication().getSasToken()));
            System.out.flush();
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }

    /** The SDK's unix socket abstraction over a JDK SocketChannel (the SDK ships no implementation). */
    public static final class JdkUnixChannel implements UnixDomainSocketChannel {
        private SocketChannel channel;

        @Override
        public void open(String address) throws IOException {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(address));
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }

        @Override
        public int read(byte[] bytes) throws IOException {
            return channel.read(ByteBuffer.wrap(bytes));
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
