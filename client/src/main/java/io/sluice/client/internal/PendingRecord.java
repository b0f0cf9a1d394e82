package io.sluice.client.internal;

import io.sluice.client.Callback;
import io.sluice.client.Header;
import io.sluice.client.RecordMetadata;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A record accepted by {@code send}, waiting in a batch for its outcome. */
record PendingRecord(
    long timestamp,
    byte[] key,
    byte[] value,
    List<Header> headers,
    CompletableFuture<RecordMetadata> future,
    Callback callback) {

  /**
   * An upper bound of the record's encoded size: the 21 bytes of varint overhead Kafka allows for,
   * plus key, value and headers with their own length varints.
   */
  static int estimateSize(byte[] key, byte[] value, List<Header> headers) {
    int size = 21 + 5 + 5 + 5;
    size += key == null ? 0 : key.length;
    size += value == null ? 0 : value.length;
    for (Header h : headers) {
      size += 10 + h.key().length() * 3 + (h.value() == null ? 0 : h.value().length);
    }
    return size;
  }
}
