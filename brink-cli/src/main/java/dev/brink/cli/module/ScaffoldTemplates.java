package dev.brink.cli.module;

/** The files of a scaffolded module project; {@code %NAME%} etc. are replaced by {@link Scaffold}. */
final class ScaffoldTemplates {
    private ScaffoldTemplates() {
    }

    /** Plugin versions: the ones Brink's own build uses (root pom.xml), so they are in the local repository. */
    static final String POM = """
            <?xml version="1.0" encoding="UTF-8"?>
            <project xmlns="http://maven.apache.org/POM/4.0.0"
                     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                     xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
              <modelVersion>4.0.0</modelVersion>
              <groupId>com.example</groupId>
              <artifactId>%NAME%</artifactId>
              <version>0.1.0</version>
              <name>%NAME%</name>
              <description>A Brink edge module</description>

              <properties>
                <maven.compiler.release>17</maven.compiler.release>
                <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                <brink.version>%BRINK_VERSION%</brink.version>
                <!-- reproducible jar: the same sources give the same package digest -->
                <project.build.outputTimestamp>2026-01-01T00:00:00Z</project.build.outputTimestamp>
              </properties>

              <dependencies>
                <!-- the Brink SDK; install it once from your Brink clone (see README.md) -->
                <dependency>
                  <groupId>dev.brink</groupId>
                  <artifactId>brink-client</artifactId>
                  <version>${brink.version}</version>
                </dependency>
              </dependencies>

              <build>
                <finalName>%NAME%</finalName>
                <pluginManagement>
                  <plugins>
                    <plugin><artifactId>maven-clean-plugin</artifactId><version>3.4.1</version></plugin>
                    <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                    <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.14.0</version></plugin>
                    <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version></plugin>
                    <plugin><artifactId>maven-jar-plugin</artifactId><version>3.4.2</version></plugin>
                    <plugin><artifactId>maven-install-plugin</artifactId><version>3.1.4</version></plugin>
                  </plugins>
                </pluginManagement>
                <plugins>
                  <plugin>
                    <!-- target/%NAME%.jar: runnable, with the SDK inside; `brink module package` wraps it -->
                    <artifactId>maven-shade-plugin</artifactId>
                    <version>3.6.0</version>
                    <executions>
                      <execution>
                        <phase>package</phase>
                        <goals><goal>shade</goal></goals>
                        <configuration>
                          <createDependencyReducedPom>false</createDependencyReducedPom>
                          <transformers>
                            <transformer implementation="org.apache.maven.plugins.shade.resource.ManifestResourceTransformer">
                              <mainClass>%PACKAGE%.%CLASS%</mainClass>
                            </transformer>
                          </transformers>
                          <filters>
                            <filter>
                              <artifact>*:*</artifact>
                              <excludes>
                                <exclude>META-INF/*.SF</exclude><exclude>META-INF/*.DSA</exclude><exclude>META-INF/*.RSA</exclude>
                                <exclude>META-INF/MANIFEST.MF</exclude><exclude>META-INF/versions/*/module-info.class</exclude>
                                <exclude>module-info.class</exclude>
                              </excludes>
                            </filter>
                          </filters>
                        </configuration>
                      </execution>
                    </executions>
                  </plugin>
                </plugins>
              </build>
            </project>
            """;

    static final String MAIN = """
            package %PACKAGE%;

            import dev.brink.client.MethodResponse;
            import dev.brink.client.ModuleClient;
            import dev.brink.core.json.Json;
            import java.time.Instant;
            import java.util.concurrent.CountDownLatch;

            /**
             * %NAME%: a Brink edge module. Started by an edge runtime, which gives it its identity through the
             * environment (IOTEDGE_*); runs until SIGTERM.
             * <ul>
             *   <li>reports {@code startedAt} in its module twin, and the version of every desired-properties patch;</li>
             *   <li>answers the direct method {@code ping};</li>
             *   <li>with an edge hub: forwards what arrives on input {@code input1} to output {@code output1}.</li>
             * </ul>
             */
            public final class %CLASS% {
                public static void main(String[] args) throws Exception {
                    CountDownLatch stopped = new CountDownLatch(1);
                    Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
                    try (ModuleClient client = ModuleClient.fromEnvironment()) {
                        // Handlers run one at a time on the client's dispatch thread and may call the client.
                        client.onDesiredPropertiesUpdate((patch, version) -> {
                            System.out.println("desired properties, version " + version + ": " + patch);
                            client.updateReportedProperties(Json.object().put("lastDesiredVersion", version));
                        });
                        client.onMethod("ping", request ->
                                MethodResponse.ok(Json.object().put("pong", Instant.now().toString())));
                        // Inputs are delivered by an edge hub; a module connected straight to a hub has none.
                        if (client.connectSettings().viaGateway()) {
                            client.onInput("input1", message ->
                                    client.sendOutput("output1", message.toBuilder().inputName(null).build()));
                        }
                        client.open();
                        client.updateReportedProperties(Json.object().put("startedAt", Instant.now().toString()));
                        System.out.println("%NAME% started as " + client.deviceId() + "/" + client.moduleId());
                        stopped.await();
                    }
                }
            }
            """;

    static final String DEPLOYMENT = """
            {
              "modulesContent": {
                "$edgeAgent": {
                  "properties.desired": {
                    "schemaVersion": "1.1",
                    "runtime": {"type": "process", "settings": {}},
                    "systemModules": {
                      "edgeAgent": {"type": "process", "settings": {"image": "brink:edge-agent"}},
                      "edgeHub": {"type": "process", "status": "running", "restartPolicy": "always",
                                  "settings": {"image": "brink:edge-hub"}}
                    },
                    "modules": {
                      "%NAME%": {
                        "version": "0.1.0",
                        "type": "process",
                        "status": "running",
                        "restartPolicy": "always",
                        "settings": {"image": "%PACKAGE_PATH%"}
                      }
                    }
                  }
                },
                "$edgeHub": {
                  "properties.desired": {
                    "schemaVersion": "1.1",
                    "routes": {
                      "upstream": "FROM /messages/modules/%NAME%/outputs/* INTO $upstream"
                    },
                    "storeAndForwardConfiguration": {"timeToLiveSecs": 7200}
                  }
                }
              }
            }
            """;

    static final String README = """
            # %NAME%

            A Brink edge module (Java 17, Brink's `brink-client` SDK), made by `brink module new %NAME%`.
            The code is the class `%PACKAGE%.%CLASS%` in `src/main/java/`.

            ## Build

            The SDK, `dev.brink:brink-client:%BRINK_VERSION%`, comes from your local Maven repository. Install it once
            from your Brink clone (offline works on a machine that has built Brink):

            ```sh
            cd /path/to/brink && ./mvnw -o -q -pl brink-client -am install -DskipTests
            ```

            Then, here:

            ```sh
            mvn -o -q package                              # target/%NAME%.jar: runnable, SDK included
            brink module package target/%NAME%.jar -o target/%NAME%.tar.gz
            ```

            (no `mvn`? use the wrapper of the Brink clone: `/path/to/brink/mvnw -o -q package`.)
            `brink module package` prints the package's sha256 digest and a pinned `settings.image`
            (`…/%NAME%.tar.gz@sha256:…`); the package is reproducible, so the same sources give the same digest.

            ## Deploy

            `deployment.json` deploys this module (process runtime) with a route of its outputs to the hub:

            ```sh
            brink hub deploy <edge-device> -m deployment.json
            brink edge list                # %NAME%  running …
            brink edge logs %NAME%
            brink hub twin show <edge-device> --module %NAME%    # reported: startedAt
            brink hub invoke <edge-device> --module %NAME% ping --payload '{}'
            ```

            A deployment replaces the device's whole module list: merge this module into your manifest when the
            device runs others. See docs/deployment-manifest.md and docs/module-packages.md in the Brink repository.
            """;
}
