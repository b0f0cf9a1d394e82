package io.sluice.broker.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.handler.HandlerRegistry;
import io.sluice.protocol.codec.FrameDecoder;
import java.util.concurrent.TimeUnit;

/**
 * The per-connection pipeline: idle timeout, frame decoder (4-byte size, at most {@code
 * socket.request.max.bytes}; a negative or oversized size closes the connection before anything is
 * allocated for it), request decoder, dispatcher. Also enforces {@code max.connections} (rejections
 * logged through {@link RejectionLog}) and adds every connection to the server's group, which
 * shutdown closes. Shared by all connections; thread-safe.
 */
final class BrokerChannelInitializer extends ChannelInitializer<SocketChannel> {
  private final BrokerConfig config;
  private final HandlerRegistry handlers;
  private final ResponseFrameWriter frames;
  private final ServerStats stats;
  private final RequestObserver observer;
  private final ChannelGroup openChannels;
  private final RejectionLog rejections =
      new RejectionLog(System::nanoTime, RejectionLog.DEFAULT_INTERVAL_NANOS);

  BrokerChannelInitializer(
      BrokerConfig config,
      HandlerRegistry handlers,
      ServerStats stats,
      ChannelGroup openChannels,
      RequestObserver observer) {
    this.config = config;
    this.observer = observer;
    this.openChannels = openChannels;
    this.handlers = handlers;
    this.stats = stats;
    this.frames = new ResponseFrameWriter(config.fetchZeroCopy(), stats);
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    openChannels.add(channel);
    int open = stats.connectionOpened();
    channel.closeFuture().addListener(f -> stats.connectionClosed());
    if (open > config.maxConnections()) {
      stats.connectionRejected();
      rejections.rejected(channel.remoteAddress(), config.maxConnections());
      channel.close();
      return;
    }
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast(
        "idle", new IdleStateHandler(0, 0, config.connectionsMaxIdleMs(), TimeUnit.MILLISECONDS));
    pipeline.addLast("frameDecoder", new FrameDecoder(config.socketRequestMaxBytes()));
    pipeline.addLast("requestDecoder", new RequestDecoder(handlers));
    pipeline.addLast(
        "dispatcher",
        new RequestDispatcher(handlers, frames, config.queuedMaxRequestsPerConnection(), observer));
  }
}
