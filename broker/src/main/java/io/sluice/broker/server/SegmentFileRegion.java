package io.sluice.broker.server;

import io.netty.channel.DefaultFileRegion;
import io.sluice.broker.storage.FileSlice;

/**
 * A fetched slice of a segment file, sent with {@code sendfile} (epoll checks {@code instanceof
 * DefaultFileRegion} for its native path). The segment's {@code FileChannel} is shared: releasing
 * this region returns the slice's lease instead of closing the channel, as {@link
 * DefaultFileRegion} would.
 */
final class SegmentFileRegion extends DefaultFileRegion {
  private final FileSlice slice;
  private final ServerStats stats;

  SegmentFileRegion(FileSlice slice, ServerStats stats) {
    super(slice.channel(), slice.position(), slice.length());
    this.slice = slice;
    this.stats = stats;
  }

  @Override
  protected void deallocate() {
    stats.fileRegionSent(transferred());
    slice.release();
  }
}
