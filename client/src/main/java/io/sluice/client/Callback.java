package io.sluice.client;

/**
 * Called once per sent record, on the producer's I/O thread, when the record is acknowledged or has
 * failed. Exactly one argument is non-null. Implementations must be quick and must not block: they
 * delay every other record's completion.
 */
@FunctionalInterface
public interface Callback {
  void onCompletion(RecordMetadata metadata, Exception exception);
}
