package io.sluice.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.broker.handler.ApiHandler;
import io.sluice.broker.handler.HandlerRegistry;
import io.sluice.broker.handler.Request;
import io.sluice.broker.handler.Responder;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.codec.FrameDecoder;
import io.sluice.protocol.codec.Frames;
import io.sluice.protocol.message.ApiMessage;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.HeartbeatResponse;
import io.sluice.protocol.message.RequestHeader;
import io.sluice.protocol.message.SyncGroupRequest;
import io.sluice.protocol.message.SyncGroupResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Responses leave a connection in request order, and reading stops at the in-flight cap. */
class RequestDispatcherTest {
  private static final int MAX_IN_FLIGHT = 3;

  /** Answers later, when the test says so (like acks=all or a parked fetch). */
  private final List<Responder> parked = new ArrayList<>();

  private final EmbeddedChannel channel =
      new EmbeddedChannel(
          new FrameDecoder(1024),
          new RequestDecoder(
              new HandlerRegistry(List.of(new SlowHandler(parked), new FastHandler()))),
          new RequestDispatcher(
              new HandlerRegistry(List.of(new SlowHandler(parked), new FastHandler())),
              new ResponseFrameWriter(true, new ServerStats()),
              MAX_IN_FLIGHT));

  @AfterEach
  void finish() {
    channel.finishAndReleaseAll();
  }

  @Test
  void responses_laterRequestAnsweredFirst_writtenInRequestOrder() {
    channel.writeInbound(request(ApiKey.SYNC_GROUP, 1, new SyncGroupRequest()));
    channel.writeInbound(request(ApiKey.HEARTBEAT, 2, new HeartbeatRequest()));
    assertNull(channel.readOutbound(), "the fast answer waits for the slow one before it");

    parked.get(0).respond(new SyncGroupResponse(), (short) 0);
    assertEquals(1, correlationIdOf(channel.readOutbound()));
    assertEquals(2, correlationIdOf(channel.readOutbound()));
    assertNull(channel.readOutbound());
  }

  @Test
  void autoRead_inFlightCapReached_offUntilAnswered() {
    for (int i = 0; i < MAX_IN_FLIGHT; i++) {
      channel.writeInbound(request(ApiKey.SYNC_GROUP, i, new SyncGroupRequest()));
    }
    assertFalse(channel.config().isAutoRead());

    parked.get(0).respond(new SyncGroupResponse(), (short) 0);
    assertTrue(channel.config().isAutoRead());
    assertEquals(0, correlationIdOf(channel.readOutbound()));
  }

  @Test
  void requests_moreThanCapInOneRead_extraWaitUnstarted() {
    ByteBuf oneRead = ByteBufAllocator.DEFAULT.buffer();
    for (int i = 0; i < MAX_IN_FLIGHT + 2; i++) {
      ByteBuf frame = request(ApiKey.SYNC_GROUP, i, new SyncGroupRequest());
      oneRead.writeBytes(frame);
      frame.release();
    }
    channel.writeInbound(oneRead);
    assertEquals(MAX_IN_FLIGHT, parked.size(), "only the cap's worth of requests started");

    parked.get(0).respond(new SyncGroupResponse(), (short) 0);
    assertEquals(MAX_IN_FLIGHT + 1, parked.size(), "one answered, one more started");
    assertEquals(0, correlationIdOf(channel.readOutbound()));
    assertFalse(channel.config().isAutoRead(), "one request still waits");
  }

  @Test
  void writability_clientNotReading_responsesHeldAndReadingStopped() {
    // What Netty does when the bytes queued to a socket pass the high water mark.
    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    assertFalse(channel.isWritable());
    channel.writeInbound(request(ApiKey.HEARTBEAT, 5, new HeartbeatRequest()));
    assertNull(channel.readOutbound(), "nothing more is written to a client that does not read");
    assertFalse(channel.config().isAutoRead(), "and nothing more is read from it");

    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
    channel.runPendingTasks();
    assertEquals(5, correlationIdOf(channel.readOutbound()));
    assertTrue(channel.config().isAutoRead());
  }

  @Test
  void throttledResponse_connectionMutedAfterItForTheThrottleTime() {
    channel.freezeTime(); // the test moves the channel's clock
    channel.writeInbound(request(ApiKey.SYNC_GROUP, 1, new SyncGroupRequest()));
    parked.get(0).respond(new SyncGroupResponse(), (short) 0, 100);
    assertEquals(1, correlationIdOf(channel.readOutbound()), "the throttled response goes out");
    assertFalse(channel.config().isAutoRead(), "then nothing is read");
    channel.writeInbound(request(ApiKey.SYNC_GROUP, 2, new SyncGroupRequest()));
    assertEquals(1, parked.size(), "a request already read waits, unstarted");

    channel.advanceTimeBy(99, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertEquals(1, parked.size(), "still muted");
    channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertEquals(2, parked.size(), "unmuted: the waiting request starts");
    assertTrue(channel.config().isAutoRead());
    parked.get(1).respond(new SyncGroupResponse(), (short) 0);
    assertEquals(2, correlationIdOf(channel.readOutbound()));
  }

  @Test
  void throttledNothing_acksZero_mutedToo() {
    channel.freezeTime();
    channel.writeInbound(request(ApiKey.SYNC_GROUP, 1, new SyncGroupRequest()));
    parked.get(0).respondNothing(50);
    assertNull(channel.readOutbound());
    assertFalse(channel.config().isAutoRead());
    channel.advanceTimeBy(50, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertTrue(channel.config().isAutoRead());
  }

  @Test
  void unsupportedVersion_connectionClosed() {
    channel.writeInbound(request(ApiKey.HEARTBEAT, 7, (short) 4, new HeartbeatRequest()));
    assertFalse(channel.isActive());
  }

  private static ByteBuf request(ApiKey api, int correlationId, ApiMessage body) {
    return request(api, correlationId, (short) 0, body);
  }

  private static ByteBuf request(ApiKey api, int correlationId, short version, ApiMessage body) {
    RequestHeader header =
        new RequestHeader()
            .setRequestApiKey(api.id())
            .setRequestApiVersion(version)
            .setCorrelationId(correlationId)
            .setClientId("test");
    return Frames.encodeRequest(ByteBufAllocator.DEFAULT, header, body);
  }

  /** The correlation id of a v0 response frame (size, then correlation id). */
  private static int correlationIdOf(Object written) {
    ByteBuf frame = (ByteBuf) written;
    try {
      assertEquals(frame.readableBytes() - 4, frame.getInt(0), "size prefix covers the frame");
      return frame.getInt(4);
    } finally {
      frame.release();
    }
  }

  private record SlowHandler(List<Responder> parked) implements ApiHandler {
    @Override
    public ApiKey apiKey() {
      return ApiKey.SYNC_GROUP;
    }

    @Override
    public short lowestVersion() {
      return 0;
    }

    @Override
    public short highestVersion() {
      return 0;
    }

    @Override
    public void handle(Request request, Responder responder) {
      parked.add(responder);
    }
  }

  private static final class FastHandler implements ApiHandler {
    @Override
    public ApiKey apiKey() {
      return ApiKey.HEARTBEAT;
    }

    @Override
    public short lowestVersion() {
      return 0;
    }

    @Override
    public short highestVersion() {
      return 0;
    }

    @Override
    public void handle(Request request, Responder responder) {
      responder.respond(new HeartbeatResponse(), request.version());
    }
  }
}
