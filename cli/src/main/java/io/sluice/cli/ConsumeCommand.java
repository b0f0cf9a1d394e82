package io.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.client.Consumer;
import io.sluice.client.ConsumerConfig;
import io.sluice.client.ConsumerRebalanceListener;
import io.sluice.client.ConsumerRecord;
import io.sluice.client.ConsumerRecords;
import io.sluice.client.Header;
import io.sluice.client.SluiceClientException;
import io.sluice.client.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice consume}: prints records of a topic, from the beginning, an offset or the end (or a
 * group's committed offsets), as text or JSON lines. Stops after {@code --max-messages} or when
 * nothing arrived for {@code --idle-timeout-ms}; with {@code --group} it joins the group (unless a
 * partition or offset is named) and commits what it printed.
 */
@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description = "Print records of a topic, one per line.")
final class ConsumeCommand implements Callable<Integer> {
  private final Terminal terminal;
  @Mixin CommonOptions common;

  @Option(
      names = {"--topic", "-t"},
      required = true,
      description = "Topic to read.")
  String topic;

  @Option(names = "--partition", description = "Read only this partition (default: all).")
  Integer partition;

  @ArgGroup(exclusive = true)
  Start start = new Start();

  static final class Start {
    @Option(names = "--from-beginning", description = "Start at the earliest offset.")
    boolean fromBeginning;

    @Option(names = "--offset", paramLabel = "N", description = "Start at offset N.")
    Long offset;
  }

  @Option(
      names = "--group",
      paramLabel = "GROUP",
      description =
          "Join consumer group GROUP: read the partitions it assigns, from its committed offsets,"
              + " and commit what was printed. With --partition or --offset, read outside the"
              + " group's membership, still committing to it.")
  String group;

  @Option(names = "--max-messages", paramLabel = "N", description = "Stop after N records.")
  Long maxMessages;

  @Option(
      names = "--idle-timeout-ms",
      paramLabel = "MS",
      description = "Stop when no record arrived for MS milliseconds (default: wait forever).")
  Long idleTimeoutMs;

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--print-key", description = "Text format: print key<SEP>value.")
  boolean printKey;

  @Option(
      names = "--key-separator",
      defaultValue = "\t",
      paramLabel = "SEP",
      description = "Separator for --print-key (default: tab).")
  String keySeparator;

  ConsumeCommand(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  public Integer call() throws Exception {
    if (!"text".equals(format) && !"json".equals(format)) {
      throw new IllegalArgumentException("--format must be text or json, got " + format);
    }
    ConsumerConfig config =
        ConsumerConfig.builder()
            .bootstrapServers(common.bootstrapServer)
            .properties(common.securityProperties())
            .clientId("sluice-cli")
            .groupId(group)
            .enableAutoCommit(false)
            .autoOffsetReset(start.fromBeginning ? "earliest" : "latest")
            .requestTimeoutMs(Math.max(common.timeoutMs, 1000))
            .build();
    ObjectMapper mapper = new ObjectMapper();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    // Ctrl-C (SIGINT) or SIGTERM: stop reading, commit what was printed, leave the group and print
    // the summary before the JVM goes (the hook waits for that, a bounded time).
    Thread hook =
        new Thread(
            () -> {
              stop.set(true);
              try {
                finished.await(Math.max(common.timeoutMs, 1000) + 5000, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "sluice-consume-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      long printed;
      try (Consumer<byte[], byte[]> consumer = new Consumer<>(config)) {
        printed = read(consumer, mapper, stop);
      } // close() leaves the group, before the summary says we are done
      terminal.err().printf("consumed %d records from %s%n", printed, topic);
      terminal.err().flush();
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it returns once finished is counted down
      }
    }
    return ExitCode.OK;
  }

  /** Commits of a group's offsets are batched: at most one per this many ms while reading. */
  static final long COMMIT_INTERVAL_MS = 1000;

  /**
   * Reads and prints until the count, the idle timeout or {@code stop}; returns what it printed.
   */
  private long read(Consumer<byte[], byte[]> consumer, ObjectMapper mapper, AtomicBoolean stop)
      throws Exception {
    long printed = 0;
    boolean member = group != null && partition == null && start.offset == null;
    if (member) {
      // A member of the group: shares the topic with the group's other consumers.
      consumer.subscribe(List.of(topic), new CommitOnRevoke(consumer, terminal));
    } else {
      assign(consumer);
    }
    long started = System.nanoTime();
    // The idle timer starts once this consumer has partitions: a group join is not idleness.
    long lastRecord = member ? -1 : started;
    long lastCommit = System.nanoTime();
    boolean uncommitted = false;
    while (!stop.get() && (maxMessages == null || printed < maxMessages)) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
      for (TopicPartition tp : records.partitions()) {
        for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
          if (maxMessages != null && printed >= maxMessages) {
            consumer.seek(tp, r.offset()); // so that a commit covers only what was printed
            break;
          }
          terminal.out().println("json".equals(format) ? json(mapper, r) : text(r));
          printed++;
        }
      }
      terminal.out().flush();
      long now = System.nanoTime();
      if (lastRecord < 0) {
        if (!consumer.assignment().isEmpty()) {
          lastRecord = now;
        } else if (now - started > Math.max(common.timeoutMs, 1000) * 1_000_000L) {
          throw new IllegalStateException(
              "group "
                  + group
                  + " assigned no partition of "
                  + topic
                  + " to this consumer in "
                  + common.timeoutMs
                  + " ms");
        }
      }
      if (!records.isEmpty()) {
        lastRecord = now;
        uncommitted = group != null;
      } else if (idleTimeoutMs != null
          && lastRecord >= 0
          && now - lastRecord > idleTimeoutMs * 1_000_000L) {
        break;
      }
      if (uncommitted && now - lastCommit >= COMMIT_INTERVAL_MS * 1_000_000L) {
        consumer.commitSync();
        lastCommit = now;
        uncommitted = false;
      }
    }
    if (group != null) {
      consumer.commitSync();
    }
    return printed;
  }

  /** Outside the group's membership: the named partition, or all, at the asked position. */
  private void assign(Consumer<byte[], byte[]> consumer) {
    List<TopicPartition> partitions =
        partition != null
            ? List.of(new TopicPartition(topic, partition))
            : consumer.partitionsFor(topic);
    consumer.assign(partitions);
    if (start.offset != null) {
      partitions.forEach(tp -> consumer.seek(tp, start.offset));
    } else if (start.fromBeginning && group == null) {
      consumer.seekToBeginning(partitions);
    } else if (group == null) {
      consumer.seekToEnd(partitions);
    }
    partitions.forEach(consumer::position); // resolve now: "the end" means the end at start
  }

  /**
   * Commits what was printed before the group takes partitions away. A failed commit is reported,
   * not fatal: the records are then read again by the partitions' next owner (at least once).
   */
  private record CommitOnRevoke(Consumer<byte[], byte[]> consumer, Terminal terminal)
      implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      try {
        consumer.commitSync();
      } catch (SluiceClientException e) {
        terminal.err().println("warning: commit before rebalance failed: " + e.getMessage());
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
  }

  private String text(ConsumerRecord<byte[], byte[]> r) {
    String value = r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8);
    if (!printKey) {
      return value;
    }
    String key = r.key() == null ? "null" : new String(r.key(), StandardCharsets.UTF_8);
    return key + keySeparator + value;
  }

  private static String json(ObjectMapper mapper, ConsumerRecord<byte[], byte[]> r)
      throws Exception {
    ObjectNode node = mapper.createObjectNode();
    node.put("topic", r.topic());
    node.put("partition", r.partition());
    node.put("offset", r.offset());
    node.put("timestamp", r.timestamp());
    node.put("key", r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
    node.put("value", r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header h : r.headers()) {
      headers.put(
          h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
    }
    node.set("headers", mapper.valueToTree(headers));
    return mapper.writeValueAsString(node);
  }
}
