package io.sluice.testcontainers;

import com.github.dockerjava.api.command.InspectContainerResponse;
import java.time.Duration;
import java.util.Locale;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * A Sluice broker in a container, in the manner of Testcontainers' {@code KafkaContainer}:
 *
 * <pre>{@code
 * @Container
 * static SluiceContainer sluice = new SluiceContainer("sluice:latest");
 * ...
 * props.put("bootstrap.servers", sluice.getBootstrapServers());
 * }</pre>
 *
 * <p>The broker has two listeners, as Testcontainers' {@code KafkaContainer} has: {@code PLAINTEXT}
 * on container port {@value #KAFKA_PORT}, advertised as the mapped port on {@link #getHost()}, the
 * address the test's JVM reaches it under ({@link #getBootstrapServers()}); and {@code BROKER} on
 * container port {@value #BROKER_PORT}, advertised under the container's first network alias, the
 * address other containers on the same {@link org.testcontainers.containers.Network} reach it under
 * ({@link #getNetworkBootstrapServers()}). Each client is told the addresses of the listener it
 * connected to. The mapped port is known only once the container runs, so the container first waits
 * for a start script, which {@link #containerIsStarting} writes with the real addresses (the
 * technique of Testcontainers' Kafka module). The container counts as started when {@code /ready}
 * on the metrics port answers 200: log directories loaded, listeners bound.
 *
 * <p>Any broker key can be set with {@link #withBrokerConfig}; it becomes a {@code SLUICE_*}
 * variable, which the image's entry point maps back. Not thread-safe (like every container).
 */
public class SluiceContainer extends GenericContainer<SluiceContainer> {
  /** The image name this class is written for; tags and registries may differ. */
  public static final DockerImageName DEFAULT_IMAGE_NAME = DockerImageName.parse("sluice");

  /** Container port of the listener the test's JVM reaches through a mapped port. */
  public static final int KAFKA_PORT = 9092;

  /** Container port of the listener other containers on the same network reach. */
  public static final int BROKER_PORT = 9093;

  /** Container port of {@code /metrics}, {@code /health} and {@code /ready}. */
  public static final int METRICS_PORT = 9644;

  static final String START_SCRIPT = "/tmp/sluice_start.sh";

  public SluiceContainer(String image) {
    this(DockerImageName.parse(image));
  }

  public SluiceContainer(DockerImageName image) {
    super(image);
    image.assertCompatibleWith(DEFAULT_IMAGE_NAME);
    withExposedPorts(KAFKA_PORT, METRICS_PORT);
    withBrokerConfig(
        "listeners", "PLAINTEXT://0.0.0.0:" + KAFKA_PORT + ",BROKER://0.0.0.0:" + BROKER_PORT);
    withBrokerConfig("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT");
    withBrokerConfig("metrics.port", Integer.toString(METRICS_PORT));
    withBrokerConfig("group.initial.rebalance.delay.ms", "0");
    // The image's entry point runs any other command as given: wait for the start script.
    withCommand(
        "bash",
        "-c",
        "while [ ! -f " + START_SCRIPT + " ]; do sleep 0.05; done; exec bash " + START_SCRIPT);
    waitingFor(
        Wait.forHttp("/ready")
            .forPort(METRICS_PORT)
            .forStatusCode(200)
            .withStartupTimeout(Duration.ofSeconds(60)));
  }

  /** Sets a key of {@code server.properties} (Kafka's key names), e.g. {@code num.partitions}. */
  public SluiceContainer withBrokerConfig(String key, String value) {
    return withEnv(envName(key), value);
  }

  /** {@code host:port} for a client in the test's JVM. */
  public String getBootstrapServers() {
    return getHost() + ":" + getMappedPort(KAFKA_PORT);
  }

  /**
   * {@code alias:port} for a client in another container on the same network: the first network
   * alias (Testcontainers gives every container one) and {@value #BROKER_PORT}.
   */
  public String getNetworkBootstrapServers() {
    return getNetworkAliases().get(0) + ":" + BROKER_PORT;
  }

  /** Base URL of the metrics and health endpoint, e.g. {@code http://localhost:32771}. */
  public String getMetricsUrl() {
    return "http://" + getHost() + ":" + getMappedPort(METRICS_PORT);
  }

  @Override
  protected void containerIsStarting(InspectContainerResponse containerInfo) {
    super.containerIsStarting(containerInfo);
    String script =
        startScript(getHost() + ":" + getMappedPort(KAFKA_PORT), getNetworkBootstrapServers());
    copyFileToContainer(Transferable.of(script, 0755), START_SCRIPT);
  }

  /**
   * The script that starts the broker with its listeners advertised at the real addresses: {@code
   * hostAddress} for the test's JVM, {@code networkAddress} for other containers.
   */
  static String startScript(String hostAddress, String networkAddress) {
    return "#!/usr/bin/env bash\n"
        + "export "
        + envName("advertised.listeners")
        + "='PLAINTEXT://"
        + hostAddress
        + ",BROKER://"
        + networkAddress
        + "'\n"
        + "exec /opt/sluice/docker/sluice-entrypoint.sh run\n";
  }

  /**
   * The environment variable the image's entry point maps onto {@code key}: {@code SLUICE_} plus
   * the key upper-cased, with {@code '-'} as {@code ___}, {@code '_'} as {@code __} and {@code '.'}
   * as {@code _} (Kafka's image convention).
   */
  static String envName(String key) {
    StringBuilder name = new StringBuilder("SLUICE_");
    for (char c : key.toCharArray()) {
      switch (c) {
        case '-' -> name.append("___");
        case '_' -> name.append("__");
        case '.' -> name.append('_');
        default -> name.append(c);
      }
    }
    return name.toString().toUpperCase(Locale.ROOT);
  }
}
