package io.sluice.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The container's entry point, run on this host with the environment a container gets: it starts
 * the broker from the built jars with the SLUICE_* variables applied (two listeners, as in the
 * compose file, produced to through one and consumed from through the other), the health command
 * asks the running broker, and SIGTERM (what {@code docker stop} sends) runs the clean shutdown.
 */
class EntrypointIT {
  private static final Pattern LISTENING =
      Pattern.compile("Sluice broker listening on (\\S+):(\\d+),");
  private static final Pattern HOST_LISTENER =
      Pattern.compile("listening on /127\\.0\\.0\\.2:(\\d+) for listener PLAINTEXT_HOST");
  private static final Pattern METRICS =
      Pattern.compile("metrics, health and readiness on http://([^/]+)/");

  private Path dataDir;
  private Process broker;
  private final BlockingQueue<String> output = new LinkedBlockingQueue<>();
  private final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void createDataDir() throws Exception {
    dataDir = Files.createTempDirectory("sluice-entrypoint-");
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (broker != null) {
      broker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  @Test
  void runsTheBrokerFromTheEnvironmentAnswersHealthAndStopsCleanlyOnSigterm() throws Exception {
    Map<String, String> env =
        Map.of(
            // The compose file's two listeners, on two loopback addresses and free ports.
            "SLUICE_LISTENERS", "PLAINTEXT://127.0.0.1:0,PLAINTEXT_HOST://127.0.0.2:0",
            "SLUICE_LISTENER_SECURITY_PROTOCOL_MAP", "PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT",
            "SLUICE_LOG_DIRS", dataDir.toString(),
            "SLUICE_METRICS_PORT", "0",
            "SLUICE_NUM_PARTITIONS", "2",
            "SLUICE_NUM_NETWORK_THREADS", "2",
            "SLUICE_HEAP_OPTS", "-Xmx256m");
    ProcessBuilder builder = Entrypoint.builder(env, "run").redirectErrorStream(true);
    broker = builder.start();
    broker.getOutputStream().close();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  all.add(line);
                  output.add(line);
                }
              } catch (Exception e) {
                output.add("reader: " + e);
              }
            },
            "entrypoint-output");
    reader.setDaemon(true);
    reader.start();

    Matcher metrics = await(METRICS);
    Matcher listening = await(LISTENING);
    String bootstrap = listening.group(1) + ":" + listening.group(2);
    // Logged before the startup line, which came last.
    Matcher hostListener =
        all.stream()
            .map(HOST_LISTENER::matcher)
            .filter(Matcher::find)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no PLAINTEXT_HOST listener logged: " + all));
    String hostBootstrap = "127.0.0.2:" + hostListener.group(1);
    int metricsPort =
        Integer.parseInt(metrics.group(1).substring(metrics.group(1).lastIndexOf(':') + 1));

    // The health check the image runs, against this broker.
    Entrypoint.Result health = Entrypoint.run(Map.of(), "health", Integer.toString(metricsPort));
    assertEquals(0, health.exitCode(), health.stderr());
    assertEquals("ready\n", health.stdout());

    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, hostBootstrap);
    producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
      for (int i = 0; i < 5; i++) {
        assertEquals(
            i, producer.send(new ProducerRecord<>("env", 1, null, "v" + i)).get().offset());
      }
    }
    Properties consumerProps = new Properties();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
      assertEquals(2, consumer.partitionsFor("env").size(), "SLUICE_NUM_PARTITIONS=2");
      assertEquals(
          "127.0.0.1", consumer.partitionsFor("env").get(0).leader().host(), "its own listener");
      TopicPartition tp = new TopicPartition("env", 1);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < 5 && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
      }
    }
    assertEquals(List.of("v0", "v1", "v2", "v3", "v4"), values);
    assertTrue(Files.isDirectory(dataDir.resolve("env-1")), "data in SLUICE_LOG_DIRS");

    // SIGTERM through the handle: Process.destroy() would also close our end of its output.
    assertTrue(broker.toHandle().destroy());
    assertTrue(broker.waitFor(60, TimeUnit.SECONDS), "stopped within 60 s of SIGTERM");
    assertEquals(143, broker.exitValue(), "the JVM's exit status after SIGTERM");
    reader.join(10_000);
    assertTrue(
        all.stream().anyMatch(line -> line.contains("shut down cleanly")),
        "clean shutdown logged: " + all);
    broker = null;

    Entrypoint.Result down = Entrypoint.run(Map.of(), "health", Integer.toString(metricsPort));
    assertTrue(down.exitCode() != 0, "health fails once the broker is gone");
  }

  private Matcher await(Pattern pattern) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      String line = output.poll(200, TimeUnit.MILLISECONDS);
      if (line == null) {
        if (!broker.isAlive()) {
          throw new AssertionError("the entry point exited " + broker.exitValue() + ": " + all);
        }
        continue;
      }
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        return m;
      }
    }
    throw new AssertionError("no line matching " + pattern + " within 60 s: " + all);
  }
}
