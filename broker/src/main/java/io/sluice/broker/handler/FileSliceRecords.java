package io.sluice.broker.handler;

import io.sluice.broker.storage.FileSlice;
import io.sluice.protocol.wire.Records;

/**
 * The records of one fetched partition as a slice of a segment file: an external part of the
 * response, sent by the server as a file region (or copied, when zero-copy is off). Owns the
 * slice's lease until the server releases it.
 */
public record FileSliceRecords(FileSlice slice) implements Records {
  @Override
  public int sizeInBytes() {
    return slice.length();
  }
}
