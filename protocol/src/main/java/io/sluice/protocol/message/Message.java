package io.sluice.protocol.message;

import io.sluice.protocol.wire.WireWriter;

/** A Kafka protocol structure that can write itself at a given version. */
public interface Message {
  void write(WireWriter writer, short version);
}
