package io.sluice.cli;

import io.sluice.client.Consumer;
import io.sluice.client.ConsumerConfig;
import io.sluice.client.ConsumerRecord;
import io.sluice.client.Producer;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import io.sluice.client.TopicPartition;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code sluice perf e2e}: one process produces and consumes; each record carries its send time
 * ({@code System.nanoTime}, comparable within the process) in its first 8 bytes, and the consumer
 * records now minus that: the latency from {@code send} to {@code poll}.
 */
@Command(
    name = "e2e",
    mixinStandardHelpOptions = true,
    description = "End-to-end latency from produce to poll.")
final class PerfEndToEnd implements Callable<Integer> {
  private final Terminal terminal;
  @Mixin CommonOptions common;
  @Mixin AcksOption acks;
  @Mixin PerfOutput output;
  @Mixin SendOptions send = new SendOptions("perf-e2e", 10000, 1024, 1000, 0);

  PerfEndToEnd(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  @SuppressWarnings("try") // the progress printer is a resource only for its close()
  public Integer call() throws Exception {
    if (send.recordSize < 8) {
      throw new IllegalArgumentException("--record-size must be >= 8, got " + send.recordSize);
    }
    PerfCommand.ensureTopic(common, send.topic, 1);
    ProducerConfig producerConfig =
        ProduceCommand.config(
            common, acks.value, Map.of("linger.ms", Long.toString(send.lingerMs)));
    ConsumerConfig consumerConfig =
        ConsumerConfig.builder()
            .bootstrapServers(common.bootstrapServer)
            .properties(common.securityProperties())
            .clientId("sluice-perf-e2e")
            .fetchMaxWaitMs(100)
            .requestTimeoutMs(common.timeoutMs)
            .build();
    LatencyReport report = new LatencyReport(System::nanoTime);
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (Consumer<byte[], byte[]> consumer = new Consumer<>(consumerConfig);
        Producer<byte[], byte[]> producer = new Producer<>(producerConfig);
        AutoCloseable progress = output.progressEverySecond(terminal, report)) {
      List<TopicPartition> partitions = consumer.partitionsFor(send.topic);
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      Thread sending = new Thread(() -> produce(producer, failure), "sluice-perf-e2e-producer");
      sending.setDaemon(true);
      sending.start();
      long lastRecord = System.nanoTime();
      while (report.records() < send.numRecords && failure.get() == null) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          long now = System.nanoTime();
          report.record(send.recordSize, now - ByteBuffer.wrap(r.value()).getLong());
          lastRecord = now;
        }
        if (System.nanoTime() - lastRecord > common.timeoutMs * 1_000_000L) {
          break;
        }
      }
      sending.join(common.timeoutMs);
    }
    output.printSummary(terminal, report.summary(), "round trips", Map.of());
    if (failure.get() != null) {
      terminal.err().println("error: " + Main.describe(failure.get()));
      return ExitCode.FAILED;
    }
    return report.records() >= send.numRecords ? ExitCode.OK : ExitCode.FAILED;
  }

  private void produce(Producer<byte[], byte[]> producer, AtomicReference<Exception> failure) {
    PerfProduce.Throttle throttle = new PerfProduce.Throttle(send.throughput);
    try {
      for (long i = 0; i < send.numRecords && failure.get() == null; i++) {
        byte[] value = new byte[send.recordSize];
        ByteBuffer.wrap(value).putLong(System.nanoTime());
        producer.send(
            new ProducerRecord<>(send.topic, null, null, null, value, List.of()),
            (metadata, error) -> {
              if (error != null) {
                failure.compareAndSet(null, error);
              }
            });
        throttle.await(i + 1);
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    }
  }
}
