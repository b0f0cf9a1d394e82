package io.sluice.broker.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The single-node store: the file's lines, reopening, removal, and a file that does not parse. */
class FileClientQuotaStoreTest {
  @TempDir Path dir;

  @Test
  void alter_writesTheFile_reopenReadsTheSameQuotas() throws Exception {
    FileClientQuotaStore store = FileClientQuotaStore.open(dir, Runnable::run);
    assertEquals(QuotaConfigs.EMPTY, store.current());
    QuotaEntity alice = new QuotaEntity("alice", null);
    QuotaEntity pair = new QuotaEntity("a%20b", QuotaEntity.DEFAULT);
    QuotaEntity clients = new QuotaEntity(null, QuotaEntity.DEFAULT);
    store
        .alter(
            Map.of(
                alice, Map.of("producer_byte_rate", 100000.0, "consumer_byte_rate", 2048.0),
                pair, Map.of("consumer_byte_rate", 5000.0),
                clients, Map.of("producer_byte_rate", 1.0)))
        .get();
    List<String> lines =
        Files.readAllLines(dir.resolve(FileClientQuotaStore.FILE_NAME), StandardCharsets.UTF_8);
    assertEquals(
        List.of(
            "client-id=<default> producer_byte_rate=1",
            "user=a%20b,client-id=<default> consumer_byte_rate=5000",
            "user=alice consumer_byte_rate=2048 producer_byte_rate=100000"),
        lines.subList(1, lines.size()));
    assertTrue(lines.get(0).startsWith("#"));
    FileClientQuotaStore reopened = FileClientQuotaStore.open(dir, Runnable::run);
    assertEquals(store.current(), reopened.current());
    assertEquals(3, reopened.current().entities().size());

    Map<String, Double> remove = new HashMap<>();
    remove.put("producer_byte_rate", null);
    reopened.alter(Map.of(clients, remove)).get();
    assertEquals(2, FileClientQuotaStore.open(dir, Runnable::run).current().entities().size());
  }

  @Test
  void open_badLine_namesFileAndLine() throws Exception {
    Files.writeString(
        dir.resolve(FileClientQuotaStore.FILE_NAME),
        "# header\nuser=alice producer_byte_rate=10\ngroup=x producer_byte_rate=1\n");
    IOException e =
        assertThrows(IOException.class, () -> FileClientQuotaStore.open(dir, Runnable::run));
    assertTrue(e.getMessage().endsWith("line 3: not a quota entity: group=x"), e.getMessage());
  }
}
