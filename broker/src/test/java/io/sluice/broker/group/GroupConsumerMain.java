package io.sluice.broker.group;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * A group consumer in a child JVM, so that a test can kill it with SIGKILL: it stops heartbeating
 * without a LeaveGroup, as a crashed machine does. Reports on stdout, one line each: {@code A
 * <partition>,<partition>...} when assigned, {@code R <partition> <offset>} per record (before
 * committing it).
 *
 * <p>Arguments: bootstrap servers, group, topic, session timeout ms, heartbeat interval ms.
 */
public final class GroupConsumerMain {
  private GroupConsumerMain() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            GroupClients.consumer(
                args[0], args[1], Integer.parseInt(args[3]), Integer.parseInt(args[4])))) {
      consumer.subscribe(
          List.of(args[2]),
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              out.println("A ");
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              StringBuilder line = new StringBuilder("A ");
              for (TopicPartition partition : partitions) {
                line.append(partition.partition()).append(',');
              }
              out.println(line);
            }
          });
      while (true) {
        var records = consumer.poll(Duration.ofMillis(100));
        for (ConsumerRecord<byte[], byte[]> record : records) {
          out.println("R " + record.partition() + " " + record.offset());
        }
        if (!records.isEmpty()) {
          try {
            consumer.commitSync();
          } catch (KafkaException rebalancing) {
            // The next owner reads them again.
          }
        }
      }
    }
  }
}
