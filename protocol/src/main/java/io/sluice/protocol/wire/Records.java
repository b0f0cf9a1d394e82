package io.sluice.protocol.wire;

/**
 * The value of a {@code records} field: the bytes of zero or more record batches, exactly as they
 * travel on the wire and lie on disk.
 *
 * <p>Two kinds exist. {@link ByteBufRecords} is a view over bytes in memory (a received Produce
 * request, a Fetch response read by a client). Any other implementation is an <em>external
 * part</em>: {@link WireWriter} does not copy it, it ends the current buffer and hands the part to
 * the caller, who sends it by other means (the broker sends a file region). Either way the size is
 * known before anything is written, so a frame's length can be computed up front.
 */
public interface Records {
  /** The number of bytes these records occupy on the wire. */
  int sizeInBytes();
}
