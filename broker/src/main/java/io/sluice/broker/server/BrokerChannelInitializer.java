package io.sluice.broker.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.config.ConfigKey;
import io.sluice.broker.handler.HandlerRegistry;
import io.sluice.broker.security.sasl.SaslAuthenticators;
import io.sluice.protocol.codec.FrameDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The per-connection pipeline: on a TLS listener the {@code SslHandler}, a chunked writer for the
 * TLS copy path of fetches and the handler that records the client certificate's principal ({@link
 * TlsPrincipal}); then idle timeout, frame decoder (4-byte size, at most {@code
 * socket.request.max.bytes}; a negative or oversized size closes the connection before anything is
 * allocated for it), request decoder, dispatcher (on a SASL listener with the connection's {@link
 * SaslSession}, which admits nothing but the SASL exchange and ApiVersions until it succeeds). Also
 * enforces {@code max.connections} and {@code max.connections.per.ip} through {@link
 * ConnectionQuotas}, closing a connection over either as soon as it is accepted (each limit's
 * rejections logged through its own {@link RejectionLog}) and adds every connection to the server's
 * group, which shutdown closes. One per listener, shared by its connections, which are tagged with
 * the listener's name; the quotas are the server's, shared by every listener. Thread-safe.
 */
final class BrokerChannelInitializer extends ChannelInitializer<SocketChannel> {
  private final BrokerConfig config;
  private final HandlerRegistry handlers;
  private final ResponseFrameWriter frames;
  private final ServerStats stats;
  private final ConnectionQuotas quotas;
  private final RequestObserver observer;
  private final String listenerName;
  private final SslContext sslContext; // null on a plaintext listener
  private final SaslAuthenticators sasl; // null unless the listener is SASL
  private final ChannelGroup openChannels;
  private final RejectionLog rejections =
      new RejectionLog(System::nanoTime, RejectionLog.DEFAULT_INTERVAL_NANOS);
  private final RejectionLog perAddressRejections =
      new RejectionLog(System::nanoTime, RejectionLog.DEFAULT_INTERVAL_NANOS);

  BrokerChannelInitializer(
      BrokerConfig config,
      HandlerRegistry handlers,
      ServerStats stats,
      ChannelGroup openChannels,
      RequestObserver observer,
      ConnectionQuotas quotas,
      ResponseFrameWriter frames,
      String listenerName,
      SslContext sslContext) {
    this(
        config,
        handlers,
        stats,
        openChannels,
        observer,
        quotas,
        frames,
        listenerName,
        sslContext,
        null);
  }

  /** As above, for a SASL listener when {@code sasl} is not null. */
  BrokerChannelInitializer(
      BrokerConfig config,
      HandlerRegistry handlers,
      ServerStats stats,
      ChannelGroup openChannels,
      RequestObserver observer,
      ConnectionQuotas quotas,
      ResponseFrameWriter frames,
      String listenerName,
      SslContext sslContext,
      SaslAuthenticators sasl) {
    this.sasl = sasl;
    this.config = config;
    this.observer = observer;
    this.quotas = quotas;
    this.frames = frames;
    this.listenerName = listenerName;
    this.sslContext = sslContext;
    this.openChannels = openChannels;
    this.handlers = handlers;
    this.stats = stats;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    openChannels.add(channel);
    InetSocketAddress remote = channel.remoteAddress();
    if (remote == null || remote.getAddress() == null) {
      channel.close(); // gone before it could be set up
      return;
    }
    InetAddress address = remote.getAddress();
    ConnectionQuotas.Verdict verdict = quotas.tryAcquire(address);
    if (verdict != ConnectionQuotas.Verdict.ADMITTED) {
      stats.connectionRejected();
      if (verdict == ConnectionQuotas.Verdict.ADDRESS_FULL) {
        perAddressRejections.rejected(
            channel.remoteAddress(),
            ConfigKey.MAX_CONNECTIONS_PER_IP.key()
                + "="
                + quotas.limitFor(address)
                + " for "
                + address.getHostAddress());
      } else {
        rejections.rejected(
            channel.remoteAddress(),
            ConfigKey.MAX_CONNECTIONS.key() + "=" + quotas.maxConnections());
      }
      channel.close();
      return;
    }
    stats.connectionOpened();
    channel
        .closeFuture()
        .addListener(
            f -> {
              quotas.release(address);
              stats.connectionClosed();
            });
    ChannelPipeline pipeline = channel.pipeline();
    if (sslContext != null) {
      // Decrypts before anything else reads; encrypts what the chunked writer hands it: buffers
      // only, so fetched records come as chunks (SliceChunkedInput), never as file regions.
      pipeline.addLast("ssl", sslContext.newHandler(channel.alloc()));
      pipeline.addLast("chunkedWriter", new ChunkedWriteHandler());
      pipeline.addLast("principal", new TlsPrincipal());
    }
    pipeline.addLast(
        "idle", new IdleStateHandler(0, 0, config.connectionsMaxIdleMs(), TimeUnit.MILLISECONDS));
    // Before SASL authentication only small frames (sasl.server.max.receive.size); the session
    // raises the limit once the client has authenticated.
    pipeline.addLast(
        "frameDecoder",
        new FrameDecoder(
            sasl == null
                ? config.socketRequestMaxBytes()
                : Math.min(config.saslServerMaxReceiveSize(), config.socketRequestMaxBytes())));
    pipeline.addLast("requestDecoder", new RequestDecoder(handlers, listenerName));
    pipeline.addLast(
        "dispatcher",
        new RequestDispatcher(
            handlers,
            frames,
            config.queuedMaxRequestsPerConnection(),
            observer,
            sasl == null
                ? null
                : new SaslSession(
                    sasl, config.failedAuthenticationDelayMs(), config.socketRequestMaxBytes())));
  }
}
