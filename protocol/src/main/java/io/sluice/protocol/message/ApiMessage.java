package io.sluice.protocol.message;

/** The body of a request or response of one Kafka API. */
public interface ApiMessage extends Message {
  short apiKey();
}
