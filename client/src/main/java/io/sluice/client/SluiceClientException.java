package io.sluice.client;

import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;

/**
 * A client operation failed. {@link #retriable()} says whether repeating the same operation may
 * succeed (a leader moved, a connection dropped, a timeout) or not (an unknown topic, a record too
 * large). {@link #topicPartition()} names the partition concerned, or is null when the failure is
 * not about one partition.
 */
public class SluiceClientException extends SluiceException {
  private static final long serialVersionUID = 1L;

  private final transient TopicPartition topicPartition;
  private final boolean retriable;

  public SluiceClientException(Errors error, TopicPartition topicPartition, String message) {
    this(error, topicPartition, message, error.retriable(), null);
  }

  public SluiceClientException(
      Errors error,
      TopicPartition topicPartition,
      String message,
      boolean retriable,
      Throwable cause) {
    super(error, message, cause);
    this.topicPartition = topicPartition;
    this.retriable = retriable;
  }

  public boolean retriable() {
    return retriable;
  }

  public TopicPartition topicPartition() {
    return topicPartition;
  }
}
