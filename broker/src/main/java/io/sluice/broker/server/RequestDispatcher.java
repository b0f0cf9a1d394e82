package io.sluice.broker.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.broker.handler.ApiHandler;
import io.sluice.broker.handler.HandlerRegistry;
import io.sluice.broker.handler.Request;
import io.sluice.broker.handler.Responder;
import io.sluice.protocol.ProtocolException;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.message.ApiMessage;
import io.sluice.protocol.wire.FramePart;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each request to its API handler and writes the responses in request order.
 *
 * <p>Implementation notes: every request gets a {@link Slot} at the tail of a per-connection queue;
 * handlers complete slots in any order and from any thread (acks=all completes on the flusher,
 * which hops here); the queue is drained from the head while the head is complete and the channel
 * is writable. While the queue holds {@code maxInFlight} requests, or the channel is above its
 * write-buffer high water mark, no new request is started: reading stops (auto-read off) and
 * requests already read wait unparsed. Fetched records stay file slices until the moment they are
 * written. So a client that does not read its socket holds at most one water mark of written bytes,
 * {@code maxInFlight} responses whose records are leases rather than memory, and the bytes of one
 * socket read. All state is confined to the channel's event loop.
 */
final class RequestDispatcher extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

  private final HandlerRegistry handlers;
  private final ResponseFrameWriter frames;
  private final int maxInFlight;
  private final RequestObserver observer;
  private final ArrayDeque<Slot> queue = new ArrayDeque<>();
  private final ArrayDeque<Request> waiting = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private boolean closed;
  private boolean failed; // exceptionCaught ran: later errors of this connection log at DEBUG
  private final SaslSession sasl; // null unless the listener is SASL
  private boolean closeWhenDrained; // close once every queued response is written
  private ScheduledFuture<?> unmute; // non-null while the connection is muted (client quotas)
  private long mutedUntilNanos;

  RequestDispatcher(HandlerRegistry handlers, ResponseFrameWriter frames, int maxInFlight) {
    this(handlers, frames, maxInFlight, RequestObserver.NONE);
  }

  RequestDispatcher(
      HandlerRegistry handlers,
      ResponseFrameWriter frames,
      int maxInFlight,
      RequestObserver observer) {
    this(handlers, frames, maxInFlight, observer, null);
  }

  /** A dispatcher for a connection of a SASL listener: {@code sasl} gates every request. */
  RequestDispatcher(
      HandlerRegistry handlers,
      ResponseFrameWriter frames,
      int maxInFlight,
      RequestObserver observer,
      SaslSession sasl) {
    this.sasl = sasl;
    this.handlers = handlers;
    this.observer = observer;
    this.frames = frames;
    this.maxInFlight = maxInFlight;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Request request = (Request) msg;
    if (!isOpen()) {
      request.body().release();
      return;
    }
    // Requests already read past the cap (one socket read may hold many) wait here, unparsed, so
    // that at most maxInFlight responses of a connection are ever being built or held.
    if (!waiting.isEmpty() || !canStartRequest()) {
      waiting.addLast(request);
      updateAutoRead();
      return;
    }
    dispatch(request);
  }

  private boolean isOpen() {
    return !closed && ctx.channel().isActive();
  }

  private boolean canStartRequest() {
    return unmute == null && queue.size() < maxInFlight && ctx.channel().isWritable();
  }

  /**
   * Mutes the connection for {@code ms} from now (a client over its quota, after its throttled
   * response is written): reading stops and waiting requests stay unparsed until the timer fires. A
   * longer throttle extends the mute; a shorter one leaves it.
   */
  private void mute(int ms) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    if (unmute != null && until <= mutedUntilNanos) {
      return;
    }
    if (unmute != null) {
      unmute.cancel(false);
    }
    mutedUntilNanos = until;
    unmute = ctx.executor().schedule(this::unmuted, ms, TimeUnit.MILLISECONDS);
    updateAutoRead();
  }

  private void unmuted() {
    unmute = null;
    drain();
  }

  private void dispatch(Request request) {
    try {
      if (sasl != null && !sasl.authenticated()) {
        dispatchUnauthenticated(request);
        return;
      }
      if (sasl != null && !sasl.principal().equals(request.principal())) {
        request = request.withPrincipal(sasl.principal());
      }
      ApiHandler handler = handlers.forKey(request.apiKey().id());
      if (!handler.accepts(request.version())) {
        log.debug(
            "closing {}: {} version {} not supported",
            ctx.channel().remoteAddress(),
            request.apiKey(),
            request.version());
        ctx.close();
        return;
      }
      Slot slot = new Slot(request);
      queue.addLast(slot);
      updateAutoRead();
      handler.handle(request, slot);
    } catch (ProtocolException | SluiceException e) {
      log.debug(
          "closing {}: bad {} v{} request: {}",
          ctx.channel().remoteAddress(),
          request.apiKey(),
          request.version(),
          e.toString());
      ctx.close();
    } catch (RuntimeException e) {
      log.warn("closing {}: {} handler failed", ctx.channel().remoteAddress(), request.apiKey(), e);
      ctx.close();
    } finally {
      request.body().release();
    }
  }

  /**
   * Before SASL authentication completes: ApiVersions goes to its handler, SaslHandshake and
   * SaslAuthenticate to the session, anything else closes the connection unanswered (as Kafka
   * does). After a failed authentication, until its delayed answer, requests are dropped.
   */
  private void dispatchUnauthenticated(Request request) {
    if (sasl.failed()) {
      return;
    }
    ApiHandler handler = handlers.forKey(request.apiKey().id());
    boolean here = SaslSession.servedHere(request.apiKey());
    if (!here && !SaslSession.servedByHandlers(request.apiKey())) {
      log.debug(
          "closing {}: {} before SASL authentication",
          ctx.channel().remoteAddress(),
          request.apiKey());
      ctx.close();
      return;
    }
    if (!handler.accepts(request.version())) {
      log.debug(
          "closing {}: {} version {} not supported",
          ctx.channel().remoteAddress(),
          request.apiKey(),
          request.version());
      ctx.close();
      return;
    }
    Slot slot = new Slot(request);
    queue.addLast(slot);
    updateAutoRead();
    if (here) {
      sasl.handle(
          request,
          slot,
          new SaslSession.Connection() {
            @Override
            public Channel channel() {
              return ctx.channel();
            }

            @Override
            public void closeAfterResponses() {
              closeWhenDrained = true;
              drain();
            }
          });
    } else {
      handler.handle(request, slot);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    drain();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent) {
      log.debug("closing idle connection {}", ctx.channel().remoteAddress());
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(event);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    if (unmute != null) {
      unmute.cancel(false);
      unmute = null;
    }
    for (Slot slot : queue) {
      if (slot.parts != null) {
        ResponseFrameWriter.release(slot.parts);
      }
    }
    queue.clear();
    for (Request request : waiting) {
      request.body().release();
    }
    waiting.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A peer that resets or goes away (an IOException from the socket) is routine, and every write
    // still queued fails after it: one DEBUG line. Anything else is a WARN, once per connection.
    if (cause instanceof DecoderException || cause instanceof java.io.IOException || failed) {
      log.debug("closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      log.warn("closing {} after an error", ctx.channel().remoteAddress(), cause);
    }
    failed = true;
    ctx.close();
  }

  /**
   * Writes completed responses from the head of the queue while the channel takes them, then starts
   * waiting requests as room frees up.
   */
  private void drain() {
    Channel channel = ctx.channel();
    boolean wrote = false;
    while (!closed && !queue.isEmpty() && queue.peekFirst().parts != null && channel.isWritable()) {
      Slot slot = queue.pollFirst();
      List<FramePart> parts = slot.parts;
      slot.parts = null;
      for (int i = 0; i < parts.size(); i++) {
        Object message;
        try {
          message = frames.writable(ctx.alloc(), parts.get(i));
        } catch (RuntimeException e) {
          ResponseFrameWriter.release(parts.subList(i + 1, parts.size()));
          log.error("cannot read fetched records for {}; closing the connection", slot.request, e);
          ctx.close();
          return;
        }
        ctx.write(message, ctx.voidPromise());
      }
      wrote = true;
      if (slot.throttleMs > 0) {
        mute(slot.throttleMs);
      }
    }
    if (wrote) {
      ctx.flush();
    }
    if (closeWhenDrained && !closed && queue.isEmpty()) {
      closed = true; // nothing more is read or answered; the close follows the last write
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    while (isOpen() && !waiting.isEmpty() && canStartRequest()) {
      dispatch(waiting.pollFirst());
    }
    updateAutoRead();
  }

  private void updateAutoRead() {
    Channel channel = ctx.channel();
    boolean read = !closed && waiting.isEmpty() && canStartRequest();
    if (channel.config().isAutoRead() != read) {
      channel.config().setAutoRead(read);
    }
  }

  /** One request's place in the response order. Fields confined to the event loop. */
  private final class Slot implements Responder {
    private final Request request;
    private final long startedNanos = System.nanoTime();
    private List<FramePart> parts;
    private boolean responded;
    private int throttleMs; // mute the connection this long once the response is written

    Slot(Request request) {
      this.request = request;
    }

    @Override
    public void respond(ApiMessage body, short version) {
      respond(body, version, 0);
    }

    @Override
    public void respondNothing(int throttleMs) {
      EventExecutor executor = ctx.executor();
      if (executor.inEventLoop()) {
        complete(null, (short) 0, throttleMs);
      } else {
        try {
          executor.execute(() -> complete(null, (short) 0, throttleMs));
        } catch (RejectedExecutionException e) {
          log.debug("dropping the completion of {}: event loop stopped", request.apiKey());
        }
      }
    }

    @Override
    public void respond(ApiMessage body, short version, int throttleMs) {
      if (body == null) {
        throw new NullPointerException("body");
      }
      EventExecutor executor = ctx.executor();
      if (executor.inEventLoop()) {
        complete(body, version, throttleMs);
      } else {
        try {
          executor.execute(() -> complete(body, version, throttleMs));
        } catch (RejectedExecutionException e) {
          // The broker is shutting down and the connection is gone with its event loop.
          log.debug("dropping the response to {}: event loop stopped", request.apiKey());
        }
      }
    }

    @Override
    public void respondNothing() {
      // As in respond: a stopped event loop means the broker is shutting down.
      respondNothing(0);
    }

    /** A null body completes the slot without writing anything. */
    private void complete(ApiMessage body, short version, int throttleMs) {
      if (responded) {
        throw new IllegalStateException("second response to " + request);
      }
      responded = true;
      this.throttleMs = throttleMs;
      observer.completed(request.apiKey(), System.nanoTime() - startedNanos, body);
      List<FramePart> built;
      try {
        built =
            body == null
                ? List.of()
                : frames.build(
                    ctx.alloc(), request.apiKey(), request.correlationId(), body, version);
      } catch (RuntimeException e) {
        log.error("cannot write the response to {}; closing the connection", request, e);
        ctx.close();
        return;
      }
      if (closed) {
        ResponseFrameWriter.release(built);
        return;
      }
      parts = built;
      drain();
    }

    @Override
    public EventExecutor executor() {
      return ctx.executor();
    }

    @Override
    public boolean isOpen() {
      return RequestDispatcher.this.isOpen();
    }
  }
}
