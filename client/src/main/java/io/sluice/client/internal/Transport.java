package io.sluice.client.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sluice.client.SecurityConfig;
import java.util.concurrent.TimeUnit;

/**
 * The Netty event loop of one client instance (producer, consumer or admin): one I/O thread, epoll
 * where the native transport loads, NIO elsewhere. Closing it closes every connection made through
 * it.
 *
 * <p>Thread-safe.
 */
final class Transport implements AutoCloseable {
  private final EventLoopGroup group;
  private final Class<? extends SocketChannel> channelType;
  private final SslContext tls; // null: plaintext

  Transport(String threadName) {
    this(threadName, SecurityConfig.PLAINTEXT);
  }

  /** A transport whose connections use TLS when {@code security} says SSL or SASL_SSL. */
  Transport(String threadName, SecurityConfig security) {
    this.tls = ClientTls.context(security);
    IoHandlerFactory factory;
    if (Epoll.isAvailable()) {
      factory = EpollIoHandler.newFactory();
      channelType = EpollSocketChannel.class;
    } else {
      factory = NioIoHandler.newFactory();
      channelType = NioSocketChannel.class;
    }
    group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(threadName, true), factory);
  }

  /** A TLS handler for a new connection to {@code host:port} (SNI, host name check), or null. */
  SslHandler tlsHandler(ByteBufAllocator allocator, String host, int port) {
    return tls == null ? null : tls.newHandler(allocator, host, port);
  }

  Bootstrap bootstrap(int connectTimeoutMs) {
    return new Bootstrap()
        .group(group)
        .channel(channelType)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs);
  }

  /**
   * True once {@link #close} has begun: no new connection can be registered with the event loop, so
   * callers refuse to open one instead of handing Netty a channel it must force-close.
   */
  boolean isClosing() {
    return group.isShuttingDown();
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
