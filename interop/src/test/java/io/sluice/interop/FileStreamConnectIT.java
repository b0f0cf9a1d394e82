package io.sluice.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.broker.EmbeddedBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.distributed.DistributedHerder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Connect 4.4's distributed worker, in-process, against an embedded Sluice broker. The worker
 * creates its config, offset and status topics itself (CreateTopics with {@code
 * cleanup.policy=compact}); a FileStreamSource connector copies a file into a topic and a
 * FileStreamSink connector copies the topic into another file. The worker is stopped, lines are
 * appended to the input, and a new worker of the same group finds its connectors in the config
 * topic and its positions in the offset topic and the sink's consumer group: the output then holds
 * every input line exactly once, in order.
 */
@Timeout(300)
class FileStreamConnectIT {
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final String GROUP = "sluice-connect";
  private static final String CONFIGS = "connect-configs";
  private static final String OFFSETS = "connect-offsets";
  private static final String STATUS = "connect-status";
  private static final String TOPIC = "lines";
  private static final String SINK = "file-sink";

  @TempDir Path tmp;

  private static Map<String, String> workerProps(String bootstrap) {
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put("group.id", GROUP);
    props.put("config.storage.topic", CONFIGS);
    props.put("offset.storage.topic", OFFSETS);
    props.put("status.storage.topic", STATUS);
    props.put("config.storage.replication.factor", "1");
    props.put("offset.storage.replication.factor", "1");
    props.put("status.storage.replication.factor", "1");
    props.put("offset.storage.partitions", "5");
    props.put("status.storage.partitions", "3");
    props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    props.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    props.put("listeners", "http://127.0.0.1:0");
    props.put("offset.flush.interval.ms", "200");
    // The connectors and converters are on the class path and declare themselves as services.
    props.put("plugin.discovery", "service_load");
    return props;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(100); // polling a condition with a deadline, not synchronising on time
    }
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> lines(int from, int to) {
    List<String> lines = new ArrayList<>();
    for (int i = from; i < to; i++) {
      lines.add("line " + i + " of the input, with some text to make it longer");
    }
    return lines;
  }

  private static void append(Path file, List<String> lines) throws Exception {
    Files.write(
        file,
        lines,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
  }

  private static void postConnector(HttpClient http, URI rest, String json) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(rest.resolve("/connectors"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(201, response.statusCode(), response.body());
  }

  private static String connectorState(HttpClient http, URI rest, String name) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(rest.resolve("/connectors/" + name + "/status"))
                  .timeout(Duration.ofSeconds(30))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() + " " + response.body();
    } catch (java.io.IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Both connectors and their one task each report RUNNING. */
  private static boolean running(HttpClient http, URI rest) {
    for (String name : List.of("file-source", SINK)) {
      String status = connectorState(http, rest, name);
      if (!status.startsWith("200 ") || status.split("\"state\":\"RUNNING\"", -1).length - 1 != 2) {
        return false;
      }
    }
    return true;
  }

  /** The sink's consumer group has committed the topic's end offset. */
  private static boolean sinkCommittedEnd(Admin admin) {
    try {
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
      OffsetAndMetadata committed =
          admin
              .listConsumerGroupOffsets("connect-" + SINK)
              .partitionsToOffsetAndMetadata()
              .get()
              .get(tp);
      return committed != null && committed.offset() == end;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Connect<DistributedHerder> startWorker(String bootstrap) {
    return new ConnectDistributed().startConnect(workerProps(bootstrap));
  }

  @Test
  void fileSourceAndSink_copyTheFile_andANewWorkerResumesWithoutDuplicates() throws Exception {
    Path input = tmp.resolve("input.txt");
    Path output = tmp.resolve("output.txt");
    List<String> first = lines(0, 500);
    append(input, first);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      String bootstrap = broker.bootstrapServers();
      Properties adminProps = new Properties();
      adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (Admin admin = Admin.create(adminProps)) {
        // One partition keeps the lines in order from the source file to the sink file.
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();

        Connect<DistributedHerder> worker = startWorker(bootstrap);
        try {
          URI rest = worker.rest().serverUrl();
          postConnector(
              http,
              rest,
              "{\"name\":\"file-source\",\"config\":{"
                  + "\"connector.class\":\"org.apache.kafka.connect.file.FileStreamSourceConnector\","
                  + "\"tasks.max\":\"1\",\"topic\":\""
                  + TOPIC
                  + "\",\"file\":\""
                  + jsonPath(input)
                  + "\"}}");
          postConnector(
              http,
              rest,
              "{\"name\":\""
                  + SINK
                  + "\",\"config\":{"
                  + "\"connector.class\":\"org.apache.kafka.connect.file.FileStreamSinkConnector\","
                  + "\"tasks.max\":\"1\",\"topics\":\""
                  + TOPIC
                  + "\",\"file\":\""
                  + jsonPath(output)
                  + "\"}}");
          await("both connectors running", () -> running(http, rest));
          await("the output to hold the input", () -> readLines(output).size() >= first.size());
          assertEquals(first, readLines(output));
          await("the sink's offsets committed", () -> sinkCommittedEnd(admin));
        } finally {
          worker.stop();
        }

        // The worker created its three topics compacted, through CreateTopics with configs.
        Map<ConfigResource, Config> configs =
            admin
                .describeConfigs(
                    List.of(
                        new ConfigResource(ConfigResource.Type.TOPIC, CONFIGS),
                        new ConfigResource(ConfigResource.Type.TOPIC, OFFSETS),
                        new ConfigResource(ConfigResource.Type.TOPIC, STATUS)))
                .all()
                .get();
        assertEquals(3, configs.size());
        for (Map.Entry<ConfigResource, Config> e : configs.entrySet()) {
          assertEquals(
              "compact", e.getValue().get("cleanup.policy").value(), e.getKey().toString());
        }
        Map<String, Integer> partitions = new HashMap<>();
        admin
            .describeTopics(List.of(CONFIGS, OFFSETS, STATUS))
            .allTopicNames()
            .get()
            .forEach((name, d) -> partitions.put(name, d.partitions().size()));
        assertEquals(Map.of(CONFIGS, 1, OFFSETS, 5, STATUS, 3), partitions);

        List<String> more = lines(500, 800);
        append(input, more);
        List<String> all = new ArrayList<>(first);
        all.addAll(more);

        // A new worker of the same group: connectors from the config topic, positions from the
        // offset topic (source) and the consumer group (sink). Nothing is posted again.
        Connect<DistributedHerder> second = startWorker(bootstrap);
        try {
          URI rest = second.rest().serverUrl();
          await("both connectors running again", () -> running(http, rest));
          await("the output to hold every line", () -> readLines(output).size() >= all.size());
          await("the sink's offsets committed again", () -> sinkCommittedEnd(admin));
          assertEquals(all, readLines(output));
        } finally {
          second.stop();
        }
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        assertEquals(
            all.size(),
            admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset(),
            "each line produced once");
      }
    }
  }

  private static String jsonPath(Path path) {
    return path.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
