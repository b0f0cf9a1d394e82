package io.sluice.client;

import io.sluice.protocol.Errors;

/**
 * A produce whose outcome is unknown: the batch was sent at least once, and no answer arrived
 * before {@code delivery.timeout.ms}. The records may or may not be in the log; a reader must check
 * before sending them again. Never thrown for a batch that was never sent (that is a plain timeout:
 * the records are certainly not in the log).
 */
public final class IndeterminateException extends SluiceClientException {
  private static final long serialVersionUID = 1L;

  public IndeterminateException(TopicPartition topicPartition, String message, Throwable cause) {
    super(Errors.REQUEST_TIMED_OUT, topicPartition, message, false, cause);
  }
}
