package io.sluice.client.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.sluice.client.SluiceClientException;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.codec.FrameDecoder;
import io.sluice.protocol.codec.Frames;
import io.sluice.protocol.message.ApiMessage;
import io.sluice.protocol.message.RequestHeader;
import io.sluice.protocol.message.ResponseHeader;
import io.sluice.protocol.wire.FramePart;
import io.sluice.protocol.wire.WireReader;
import io.sluice.protocol.wire.WireWriter;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One TCP connection to one broker, with requests pipelined on it. Kafka brokers answer the
 * requests of a connection in the order they were sent, so the in-flight requests form a FIFO
 * queue: each response must carry the correlation id at its head, or the connection is broken and
 * closed.
 *
 * <p>A request that gets no answer within {@code request.timeout.ms} closes the connection (a later
 * answer could not be told apart from the answers behind it); every request in flight then fails
 * with a retriable error. Response parsers run on the I/O thread and must copy what they keep: the
 * frame is released as soon as the parser returns.
 *
 * <p>Thread-safe: {@link #send} may be called from any thread; the queue and the correlation
 * counter are confined to the channel's event loop.
 */
final class BrokerConnection {
  private final Channel channel;
  private final String address;
  private final String clientId;
  private final long requestTimeoutMs;
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private int nextCorrelationId;
  private volatile Map<ApiKey, Short> versions = Map.of();

  private record InFlight(
      int correlationId,
      ApiKey api,
      short version,
      Function<WireReader, ?> parser,
      CompletableFuture<Object> result) {}

  private BrokerConnection(Channel channel, String address, String clientId, long timeoutMs) {
    this.channel = channel;
    this.address = address;
    this.clientId = clientId;
    this.requestTimeoutMs = timeoutMs;
  }

  /** Opens a connection; completes when TCP is established (versions are not negotiated yet). */
  static CompletableFuture<BrokerConnection> open(
      Transport transport,
      String host,
      int port,
      String clientId,
      long requestTimeoutMs,
      int maxFrameBytes) {
    String address = host + ":" + port;
    if (transport.isClosing()) {
      // A callback still running while the client closes (a join answered during close, say)
      // must not start a connection the stopping event loop would refuse.
      return CompletableFuture.failedFuture(
          new SluiceClientException(
              Errors.NETWORK_EXCEPTION,
              null,
              "not connecting to broker at " + address + ": the client is closing",
              false,
              null));
    }
    CompletableFuture<BrokerConnection> result = new CompletableFuture<>();
    BrokerConnection[] holder = new BrokerConnection[1];
    ChannelFuture connect =
        transport
            .bootstrap((int) Math.min(Integer.MAX_VALUE, requestTimeoutMs))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    BrokerConnection connection =
                        new BrokerConnection(ch, address, clientId, requestTimeoutMs);
                    holder[0] = connection;
                    ch.pipeline()
                        .addLast(new FrameDecoder(maxFrameBytes))
                        .addLast(connection.new ResponseHandler());
                  }
                })
            .connect(host, port);
    connect.addListener(
        f -> {
          if (f.isSuccess()) {
            result.complete(holder[0]);
          } else {
            result.completeExceptionally(
                new SluiceClientException(
                    Errors.NETWORK_EXCEPTION,
                    null,
                    "cannot connect to broker at " + address + ": " + describeConnect(f.cause()),
                    true,
                    f.cause()));
          }
        });
    return result;
  }

  /** Netty's connect failures carry native call names; users need the plain reason. */
  private static String describeConnect(Throwable t) {
    if (t instanceof io.netty.channel.ConnectTimeoutException) {
      return "connection timed out";
    }
    if (t instanceof java.net.ConnectException) {
      return "connection refused";
    }
    return describe(t);
  }

  private static String describe(Throwable t) {
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  String address() {
    return address;
  }

  boolean isActive() {
    return channel.isActive();
  }

  /** The version of {@code api} agreed with this broker, or -1 if the broker does not have it. */
  short version(ApiKey api) {
    Short v = versions.get(api);
    return v == null ? -1 : v;
  }

  void setVersions(Map<ApiKey, Short> negotiated) {
    this.versions = Map.copyOf(negotiated);
  }

  /** The agreed version of {@code api}, failing if the broker does not support it. */
  short requireVersion(ApiKey api) {
    short v = version(api);
    if (v < 0) {
      throw new SluiceClientException(
          Errors.UNSUPPORTED_VERSION,
          null,
          "broker at " + address + " does not support " + api + " in a version this client speaks",
          false,
          null);
    }
    return v;
  }

  /**
   * Sends a request at the version agreed for {@code api}, failing if there is none; {@code parser}
   * reads the response at that version. The future completes on the I/O thread.
   */
  <R> CompletableFuture<R> send(
      ApiKey api, ApiMessage body, BiFunction<WireReader, Short, R> parser) {
    short version = requireVersion(api);
    return send(api, version, body, r -> parser.apply(r, version));
  }

  /**
   * Sends a request; the future completes with the parser's result, on the I/O thread.
   *
   * @param body the request body, written at {@code version} on the I/O thread
   * @param parser reads the response body at {@code version}
   */
  @SuppressWarnings("unchecked")
  <R> CompletableFuture<R> send(
      ApiKey api, short version, ApiMessage body, Function<WireReader, R> parser) {
    CompletableFuture<Object> result = new CompletableFuture<>();
    channel.eventLoop().execute(() -> write(api, version, body, parser, result));
    return (CompletableFuture<R>) (CompletableFuture<?>) result;
  }

  /**
   * Sends a request the broker does not answer ({@code acks=0} produce); the future completes when
   * the bytes are written to the socket.
   */
  CompletableFuture<Void> sendWithoutResponse(ApiKey api, short version, ApiMessage body) {
    CompletableFuture<Object> result = new CompletableFuture<>();
    channel.eventLoop().execute(() -> write(api, version, body, null, result));
    return result.thenApply(x -> null);
  }

  private void write(
      ApiKey api,
      short version,
      ApiMessage body,
      Function<WireReader, ?> parser,
      CompletableFuture<Object> result) {
    if (!channel.isActive()) {
      result.completeExceptionally(closedError());
      return;
    }
    int correlationId = nextCorrelationId++;
    ByteBuf frame;
    try {
      frame = encode(api, version, correlationId, body);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    if (parser != null) {
      InFlight request = new InFlight(correlationId, api, version, parser, result);
      inFlight.addLast(request);
      channel
          .eventLoop()
          .schedule(() -> checkTimeout(request), requestTimeoutMs, TimeUnit.MILLISECONDS);
    }
    channel
        .writeAndFlush(frame)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                fail(request(api), f.cause());
              } else if (parser == null) {
                result.complete(null);
              }
            });
  }

  /**
   * The request frame. Like {@link Frames#encodeRequest}, except that {@link BatchRecords} parts
   * (produced batches) are not copied: the frame is a composite of the encoded header and body
   * pieces and the batches' own buffers, retained for the write.
   */
  private ByteBuf encode(ApiKey api, short version, int correlationId, ApiMessage body) {
    RequestHeader header =
        new RequestHeader()
            .setRequestApiKey(api.id())
            .setRequestApiVersion(version)
            .setCorrelationId(correlationId)
            .setClientId(clientId);
    if (api != ApiKey.PRODUCE) {
      return Frames.encodeRequest(channel.alloc(), header, body);
    }
    ByteBuf first = channel.alloc().buffer();
    WireWriter writer = new WireWriter(channel.alloc(), first);
    List<FramePart> parts;
    try {
      first.writeInt(0);
      header.write(writer, api.requestHeaderVersion(version));
      body.write(writer, version);
    } finally {
      int size = writer.sizeInBytes() - FrameDecoder.SIZE_PREFIX_BYTES;
      parts = writer.finish();
      first.setInt(0, size);
    }
    CompositeByteBuf frame = channel.alloc().compositeBuffer(parts.size());
    for (FramePart part : parts) {
      frame.addComponent(
          true, part.map(b -> b, records -> ((BatchRecords) records).buf().retainedDuplicate()));
    }
    return frame;
  }

  private String request(ApiKey api) {
    return api + " request to " + address;
  }

  private void checkTimeout(InFlight request) {
    if (!request.result().isDone() && inFlight.contains(request)) {
      request
          .result()
          .completeExceptionally(
              new SluiceClientException(
                  Errors.REQUEST_TIMED_OUT,
                  null,
                  request(request.api())
                      + " got no answer within request.timeout.ms="
                      + requestTimeoutMs,
                  true,
                  null));
      fail(request(request.api()) + " timed out", null);
    }
  }

  /** Closes the connection and fails every request in flight with a retriable error. */
  private void fail(String why, Throwable cause) {
    channel.close();
    SluiceClientException error =
        new SluiceClientException(
            Errors.NETWORK_EXCEPTION,
            null,
            "connection to broker at "
                + address
                + " failed: "
                + why
                + (cause == null ? "" : ": " + describe(cause)),
            true,
            cause);
    InFlight request;
    while ((request = inFlight.pollFirst()) != null) {
      request.result().completeExceptionally(error);
    }
  }

  private SluiceClientException closedError() {
    return new SluiceClientException(
        Errors.NETWORK_EXCEPTION,
        null,
        "connection to broker at " + address + " is closed",
        true,
        null);
  }

  void close() {
    channel.close();
  }

  private final class ResponseHandler extends SimpleChannelInboundHandler<ByteBuf> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      InFlight request = inFlight.pollFirst();
      if (request == null) {
        fail("a response arrived with no request in flight", null);
        return;
      }
      WireReader reader = new WireReader(frame);
      Object value;
      try {
        ResponseHeader header = Frames.readResponseHeader(request.api(), request.version(), reader);
        if (header.correlationId() != request.correlationId()) {
          request.result().completeExceptionally(closedError());
          fail(
              "expected correlation id "
                  + request.correlationId()
                  + " but got "
                  + header.correlationId(),
              null);
          return;
        }
        value = request.parser().apply(reader);
      } catch (RuntimeException e) {
        request.result().completeExceptionally(e);
        return;
      }
      request.result().complete(value);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      fail("the broker closed the connection", null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail("I/O error", cause);
    }
  }
}
