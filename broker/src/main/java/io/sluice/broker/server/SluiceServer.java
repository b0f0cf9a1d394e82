package io.sluice.broker.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.config.Endpoint;
import io.sluice.broker.config.SaslConfig;
import io.sluice.broker.config.SslConfig;
import io.sluice.broker.handler.HandlerRegistry;
import io.sluice.broker.security.sasl.SaslAuthenticators;
import io.sluice.broker.security.sasl.ScramCredentialStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty server: one acceptor thread, {@code num.network.threads} event loops (epoll where the
 * native transport loads, NIO elsewhere) that decode, append, slice fetches and write. Every
 * listener is bound on the same acceptor and event loops and counts against the same connection
 * limits; each connection knows the listener it came in on. Started by {@link #start}, stopped by
 * {@link #close}; thread-safe.
 *
 * <p>Implementation notes: shutdown closes every client connection itself, through {@link
 * #connections}, before it stops the event loops. Stopping a Netty 4.2 event loop does not reliably
 * close its channels: the loop closes them ({@code IoHandler.prepareToDestroy}) only if it sees the
 * shutdown at the top of an iteration, and with a quiet period of 0 a shutdown requested while the
 * loop is running a task (an OffsetCommit answer handed over by the checkpoint thread, an acks=all
 * answer from the flusher) lets the loop exit at the bottom of that iteration without closing
 * anything. The sockets then stayed open with no thread serving them, and clients noticed only at
 * their request timeout.
 */
public final class SluiceServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SluiceServer.class);

  private final EventLoopGroup acceptor;
  private final EventLoopGroup workers;
  private final Map<String, Channel> serverChannels; // by listener name, the first listener first
  private final ChannelGroup connections;
  private final ServerStats stats;
  private final boolean epoll;

  private SluiceServer(
      EventLoopGroup acceptor,
      EventLoopGroup workers,
      Map<String, Channel> serverChannels,
      ChannelGroup connections,
      ServerStats stats,
      boolean epoll) {
    this.acceptor = acceptor;
    this.workers = workers;
    this.serverChannels = serverChannels;
    this.connections = connections;
    this.stats = stats;
    this.epoll = epoll;
  }

  /** Binds every listener and starts serving; fails if an address cannot be bound. */
  public static SluiceServer start(BrokerConfig config, HandlerRegistry handlers) {
    return start(config, handlers, RequestObserver.NONE);
  }

  /** As {@link #start(BrokerConfig, HandlerRegistry)}, telling {@code observer} every answer. */
  public static SluiceServer start(
      BrokerConfig config, HandlerRegistry handlers, RequestObserver observer) {
    return start(config, handlers, observer, ScramCredentialStore.NONE);
  }

  /**
   * As {@link #start(BrokerConfig, HandlerRegistry, RequestObserver)}, SASL listeners checking
   * SCRAM users against {@code scram}.
   */
  public static SluiceServer start(
      BrokerConfig config,
      HandlerRegistry handlers,
      RequestObserver observer,
      ScramCredentialStore scram) {
    SecureRandom random = new SecureRandom();
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup acceptor =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("sluice-acceptor"), ioHandlerFactory());
    EventLoopGroup workers = newWorkerGroup(config);
    ServerStats stats = new ServerStats();
    // stayClosed: a connection accepted just before shutdown is closed as soon as it is added.
    ChannelGroup connections =
        new DefaultChannelGroup("sluice-connections", GlobalEventExecutor.INSTANCE, true);
    // One count over all listeners: max.connections and max.connections.per.ip are the broker's.
    ConnectionQuotas quotas =
        new ConnectionQuotas(
            config.maxConnections(),
            config.maxConnectionsPerIp(),
            config.maxConnectionsPerIpOverrides());
    ResponseFrameWriter frames = new ResponseFrameWriter(config.fetchZeroCopy(), stats);
    ResponseFrameWriter tlsFrames = new ResponseFrameWriter(ResponseFrameWriter.Path.TLS, stats);
    Map<String, Channel> bound = new LinkedHashMap<>();
    try {
      for (Endpoint listener : config.listeners().bound()) {
        SslConfig ssl = config.listeners().ssl(listener.listenerName());
        SslContext sslContext = ssl == null ? null : SslContexts.server(ssl);
        SaslConfig sasl = config.listeners().sasl(listener.listenerName());
        BrokerChannelInitializer initializer =
            new BrokerChannelInitializer(
                config,
                handlers,
                stats,
                connections,
                observer,
                quotas,
                sslContext == null ? frames : tlsFrames,
                listener.listenerName(),
                sslContext,
                sasl == null ? null : new SaslAuthenticators(sasl, scram, random));
        Channel channel =
            bind(bootstrap(config, acceptor, workers, initializer), address(listener));
        bound.put(listener.listenerName(), channel);
        log.info(
            "listening on {} for listener {} ({}, {} transport)",
            channel.localAddress(),
            listener.listenerName(),
            config.listeners().protocol(listener.listenerName()),
            epoll ? "epoll" : "nio");
      }
      return new SluiceServer(acceptor, workers, bound, connections, stats, epoll);
    } catch (RuntimeException e) {
      for (Channel channel : bound.values()) {
        channel.close().syncUninterruptibly();
      }
      acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static ServerBootstrap bootstrap(
      BrokerConfig config,
      EventLoopGroup acceptor,
      EventLoopGroup workers,
      BrokerChannelInitializer initializer) {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(acceptor, workers)
            .channel(serverChannelClass())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(
                    config.writeBufferLowBytes(), config.writeBufferHighBytes()))
            .childHandler(initializer);
    if (config.socketSendBufferBytes() > 0) {
      bootstrap.childOption(ChannelOption.SO_SNDBUF, config.socketSendBufferBytes());
    }
    if (config.socketReceiveBufferBytes() > 0) {
      bootstrap.childOption(ChannelOption.SO_RCVBUF, config.socketReceiveBufferBytes());
    }
    return bootstrap;
  }

  private static InetSocketAddress address(Endpoint listener) {
    return listener.host().isEmpty()
        ? new InetSocketAddress(listener.port())
        : new InetSocketAddress(listener.host(), listener.port());
  }

  /**
   * Binds the listener. Netty rethrows a failed bind as the checked {@link IOException} it got
   * (undeclared); it comes out of here as an {@link UncheckedIOException} whose message names the
   * address and the reason in one line, e.g. {@code cannot listen on 127.0.0.1:9092: Address
   * already in use}.
   */
  private static Channel bind(ServerBootstrap bootstrap, InetSocketAddress address) {
    try {
      return bootstrap.bind(address).syncUninterruptibly().channel();
    } catch (Exception e) {
      if (e instanceof IOException io) {
        throw new UncheckedIOException(
            "cannot listen on " + hostPort(address) + ": " + reason(io), io);
      }
      throw e;
    }
  }

  private static String hostPort(InetSocketAddress address) {
    String host = address.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /** The system's reason without Netty's prefix ({@code bind(..) failed with error(-98): }). */
  private static String reason(IOException e) {
    String message = String.valueOf(e.getMessage());
    int colon = message.lastIndexOf(": ");
    return colon >= 0 ? message.substring(colon + 2) : message;
  }

  /** Event loops of the configured size and the best transport available. */
  private static EventLoopGroup newWorkerGroup(BrokerConfig config) {
    int threads =
        config.numNetworkThreads() > 0
            ? config.numNetworkThreads()
            : Runtime.getRuntime().availableProcessors();
    return new MultiThreadIoEventLoopGroup(
        threads, new DefaultThreadFactory("sluice-network"), ioHandlerFactory());
  }

  private static IoHandlerFactory ioHandlerFactory() {
    return Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  private static Class<? extends ServerSocketChannel> serverChannelClass() {
    return Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /** The first listener's bound address. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverChannels.values().iterator().next().localAddress();
  }

  /** Every listener's bound address by listener name, the first listener first. */
  public Map<String, InetSocketAddress> localAddresses() {
    Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
    serverChannels.forEach(
        (name, channel) -> addresses.put(name, (InetSocketAddress) channel.localAddress()));
    return Collections.unmodifiableMap(addresses);
  }

  public ServerStats stats() {
    return stats;
  }

  public boolean usesEpoll() {
    return epoll;
  }

  /**
   * Stops accepting, closes every connection (responses not yet written are dropped; the client
   * sees the disconnect and retries elsewhere or later), then stops the event loops; returns once
   * no request is being served any more.
   */
  @Override
  public void close() {
    Map<String, InetSocketAddress> addresses = localAddresses();
    for (Channel channel : serverChannels.values()) {
      channel.close().syncUninterruptibly();
    }
    acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    connections.close().awaitUninterruptibly();
    workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    log.info("stopped listening on {}", addresses.values());
  }
}
