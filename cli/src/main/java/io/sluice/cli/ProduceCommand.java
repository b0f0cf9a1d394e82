package io.sluice.cli;

import io.sluice.client.Producer;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import io.sluice.client.RecordMetadata;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice produce}: one record per line of standard input (optionally {@code key<SEP>value}),
 * or {@code --count} generated records. Exits 0 only when every record was acknowledged.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = "Send records: lines from standard input, or generated ones with --count.")
final class ProduceCommand implements Callable<Integer> {
  private final Terminal terminal;
  @Mixin CommonOptions common;
  @Mixin AcksOption acks;

  @Option(
      names = {"--topic", "-t"},
      required = true,
      description = "Topic to write to.")
  String topic;

  @Option(
      names = "--key-separator",
      paramLabel = "SEP",
      description = "Split each line at the first SEP into key and value.")
  String keySeparator;

  @Option(names = "--partition", description = "Write every record to this partition.")
  Integer partition;

  @Option(
      names = "--count",
      paramLabel = "N",
      description = "Instead of reading stdin, send N generated records (value \"record-<i>\").")
  Long count;

  @Option(
      names = "--property",
      paramLabel = "KEY=VALUE",
      description = "Producer setting by Kafka name, e.g. linger.ms=10 (repeatable).")
  Map<String, String> properties = new LinkedHashMap<>();

  ProduceCommand(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  public Integer call() throws Exception {
    ProducerConfig config = config(common, acks.value, properties);
    long sent = 0;
    List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
    try (Producer<byte[], byte[]> producer = new Producer<>(config)) {
      if (count != null) {
        for (long i = 0; i < count && !failedEarly(futures); i++) {
          futures.add(producer.send(record(null, "record-" + i)));
          sent++;
        }
      } else {
        BufferedReader in =
            new BufferedReader(new InputStreamReader(terminal.in(), StandardCharsets.UTF_8));
        String line;
        while (!failedEarly(futures) && (line = in.readLine()) != null) {
          futures.add(producer.send(parse(line)));
          sent++;
        }
      }
      producer.flush();
    }
    long failed = 0;
    Throwable firstError = null;
    for (CompletableFuture<RecordMetadata> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        failed++;
        if (firstError == null) {
          firstError = e.getCause();
        }
      }
    }
    if (failed > 0) {
      terminal
          .err()
          .printf("error: %d of %d records failed: %s%n", failed, sent, Main.describe(firstError));
      int code = Main.exitCode(firstError);
      return code == ExitCode.USAGE ? ExitCode.FAILED : code;
    }
    terminal.err().printf("sent %d records to %s%n", sent, topic);
    return ExitCode.OK;
  }

  /**
   * Whether the last send failed at once (no metadata, no memory): the broker is unreachable or the
   * topic unusable, and sending more lines would only wait out the same timeout again.
   */
  private static boolean failedEarly(List<CompletableFuture<RecordMetadata>> futures) {
    return !futures.isEmpty() && futures.get(futures.size() - 1).isCompletedExceptionally();
  }

  static ProducerConfig config(CommonOptions common, String acks, Map<String, String> properties) {
    ProducerConfig.Builder builder =
        ProducerConfig.builder()
            .bootstrapServers(common.bootstrapServer)
            .properties(common.securityProperties())
            .clientId("sluice-cli")
            .maxBlockMs(common.timeoutMs)
            .requestTimeoutMs(common.timeoutMs)
            .deliveryTimeoutMs(Math.max(120_000, common.timeoutMs + 10_000));
    // With acks 0 or 1 idempotence turns itself off, as in Kafka, unless --property sets it.
    builder.acks("all".equals(acks) ? -1 : Integer.parseInt(acks));
    return builder.properties(properties).build();
  }

  private ProducerRecord<byte[], byte[]> parse(String line) {
    if (keySeparator != null) {
      int at = line.indexOf(keySeparator);
      if (at >= 0) {
        return record(line.substring(0, at), line.substring(at + keySeparator.length()));
      }
    }
    return record(null, line);
  }

  private ProducerRecord<byte[], byte[]> record(String key, String value) {
    return new ProducerRecord<>(
        topic,
        partition,
        null,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8),
        List.of());
  }
}
