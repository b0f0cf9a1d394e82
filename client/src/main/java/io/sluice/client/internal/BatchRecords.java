package io.sluice.client.internal;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.wire.Records;

/**
 * An encoded producer batch as the {@code records} of a Produce request. Not a {@code
 * ByteBufRecords} on purpose: the {@code WireWriter} treats it as an external part and does not
 * copy it, and {@link BrokerConnection} puts the batch's own (direct) buffer into the request
 * frame, so the record bytes go from the batch to the socket without another copy.
 */
record BatchRecords(ByteBuf buf) implements Records {
  @Override
  public int sizeInBytes() {
    return buf.readableBytes();
  }
}
