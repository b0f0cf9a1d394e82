package io.sluice.broker.group;

import io.sluice.protocol.Errors;

/** The answer to a SyncGroup: this member's assignment for the generation, or an error. */
public record SyncResult(
    Errors error, String protocolType, String protocolName, byte[] assignment) {

  static SyncResult error(Errors error) {
    return new SyncResult(error, null, null, new byte[0]);
  }
}
