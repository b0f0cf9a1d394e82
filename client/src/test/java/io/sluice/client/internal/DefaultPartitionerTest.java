package io.sluice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class DefaultPartitionerTest {

  @Test
  void hash_randomKeysOfEveryLength_equalsKafkaMurmur2() {
    Random random = new Random(42);
    for (int length = 0; length < 64; length++) {
      for (int i = 0; i < 50; i++) {
        byte[] key = new byte[length];
        random.nextBytes(key);
        assertEquals(Utils.murmur2(key), Murmur2.hash(key), "length=" + length);
      }
    }
  }

  @Test
  void hash_knownKey_hasKafkaValue() {
    // A fixed point, so a change to both implementations at once still shows.
    byte[] key = "21".getBytes(StandardCharsets.UTF_8);
    assertEquals(-973932308, Murmur2.hash(key));
    assertEquals(-973932308, Utils.murmur2(key));
  }

  @Test
  void partitionForKey_manyKeysAndPartitionCounts_matchesKafkaBuiltInPartitioner() {
    Random random = new Random(7);
    for (int partitions = 1; partitions <= 17; partitions++) {
      for (int i = 0; i < 500; i++) {
        byte[] key = ("key-" + random.nextInt()).getBytes(StandardCharsets.UTF_8);
        assertEquals(
            BuiltInPartitioner.partitionForKey(key, partitions),
            DefaultPartitioner.partitionForKey(key, partitions),
            "partitions=" + partitions);
      }
    }
  }

  @Test
  void partition_unkeyedRecords_stickUntilBatchSizeThenMove() {
    DefaultPartitioner partitioner = new DefaultPartitioner(1000);
    int first = partitioner.partition("t", null, 100, 8);
    for (int i = 1; i < 10; i++) {
      assertEquals(first, partitioner.partition("t", null, 100, 8), "record " + i);
    }
    int moved = partitioner.partition("t", null, 100, 8);
    assertTrue(moved != first, "after 1000 bytes the partition changes");
  }

  @Test
  void partition_manyUnkeyedRecords_spreadOverAllPartitions() {
    DefaultPartitioner partitioner = new DefaultPartitioner(100);
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      seen.add(partitioner.partition("t", null, 100, 4));
    }
    assertEquals(Set.of(0, 1, 2, 3), seen);
  }
}
