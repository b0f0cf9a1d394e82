package io.sluice.broker.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.metadata.BrokerNode;
import io.sluice.broker.metadata.SingleNodeMetadata;
import io.sluice.broker.metadata.Topics;
import io.sluice.broker.storage.LogConfig;
import io.sluice.broker.storage.LogManager;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ApiMessage;
import io.sluice.protocol.message.CreateTopicsRequest;
import io.sluice.protocol.message.CreateTopicsResponse;
import io.sluice.protocol.message.DeleteTopicsRequest;
import io.sluice.protocol.message.DeleteTopicsResponse;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.MetadataResponse;
import io.sluice.protocol.wire.WireWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topic creation and deletion leave the calling thread (the event loop) at once: the disk work runs
 * on the admin executor, and the response is sent from there. The executor here queues tasks until
 * the test runs them, so what happened on the caller is visible.
 */
class TopicAdminOffLoopTest {
  @TempDir Path dir;

  private final Queue<Runnable> adminTasks = new ArrayDeque<>();
  private final Executor admin = adminTasks::add;

  @Test
  void createTopics_handled_diskWorkAndAnswerOnlyOnAdminExecutor() {
    try (LogManager logs = LogManager.open(LogConfig.defaults(List.of(dir)), Clock.systemUTC())) {
      Topics topics = new Topics(logs, admin);
      CreateTopicsHandler handler = new CreateTopicsHandler(config(), topics, Authorization.NONE);
      CapturingResponder responder = new CapturingResponder();
      CreateTopicsRequest request = new CreateTopicsRequest().setTimeoutMs(1000);
      request
          .topics()
          .add(
              new CreateTopicsRequest.CreatableTopic()
                  .setName("orders")
                  .setNumPartitions(3)
                  .setReplicationFactor((short) 1));

      handle(handler, ApiKey.CREATE_TOPICS, (short) 7, request, responder);

      assertEquals(0, logs.partitionCount("orders"), "no partition created on the caller");
      assertNull(responder.body);
      runAdminTasks();
      CreateTopicsResponse response = (CreateTopicsResponse) responder.body;
      assertEquals(Errors.NONE.code(), response.topics().get(0).errorCode());
      assertEquals(3, response.topics().get(0).numPartitions());
      assertEquals(3, logs.partitionCount("orders"));
    }
  }

  @Test
  void metadata_autoCreation_onAdminExecutor_knownTopicsAnsweredAtOnce() {
    try (LogManager logs = LogManager.open(LogConfig.defaults(List.of(dir)), Clock.systemUTC())) {
      Topics topics = new Topics(logs, admin);
      BrokerNode node = new BrokerNode(0, "cluster");
      node.advertise(config().advertised(9092));
      MetadataHandler handler =
          new MetadataHandler(
              config(), new SingleNodeMetadata(node, topics), topics, Authorization.NONE);
      MetadataRequest request = new MetadataRequest().setAllowAutoTopicCreation(true);
      request.topics().add(new MetadataRequest.MetadataRequestTopic().setName("clicks"));

      CapturingResponder creating = new CapturingResponder();
      handle(handler, ApiKey.METADATA, (short) 12, request, creating);
      assertEquals(0, logs.partitionCount("clicks"));
      assertNull(creating.body);
      runAdminTasks();
      MetadataResponse created = (MetadataResponse) creating.body;
      assertEquals(2, created.topics().get(0).partitions().size());

      CapturingResponder known = new CapturingResponder();
      handle(handler, ApiKey.METADATA, (short) 12, request, known);
      assertEquals(0, adminTasks.size(), "an existing topic needs no admin work");
      assertEquals(2, ((MetadataResponse) known.body).topics().get(0).partitions().size());
    }
  }

  @Test
  void deleteTopics_handled_deletionOnlyOnAdminExecutor() {
    try (LogManager logs = LogManager.open(LogConfig.defaults(List.of(dir)), Clock.systemUTC())) {
      Topics topics = new Topics(logs, admin);
      topics.create("doomed", 2, false);
      DeleteTopicsHandler handler = new DeleteTopicsHandler(topics, Authorization.NONE);
      CapturingResponder responder = new CapturingResponder();
      DeleteTopicsRequest request = new DeleteTopicsRequest().setTopicNames(List.of("doomed"));

      handle(handler, ApiKey.DELETE_TOPICS, (short) 5, request, responder);

      assertEquals(2, logs.partitionCount("doomed"));
      runAdminTasks();
      DeleteTopicsResponse response = (DeleteTopicsResponse) responder.body;
      assertEquals(Errors.NONE.code(), response.responses().get(0).errorCode());
      assertEquals(0, logs.partitionCount("doomed"));
    }
  }

  private void runAdminTasks() {
    while (!adminTasks.isEmpty()) {
      adminTasks.poll().run();
    }
  }

  private static BrokerConfig config() {
    return BrokerConfig.from(Map.of("num.partitions", "2"));
  }

  private static void handle(
      ApiHandler handler, ApiKey api, short version, ApiMessage body, Responder responder) {
    ByteBuf buf = Unpooled.buffer();
    try {
      body.write(new WireWriter(buf), version);
      handler.handle(new Request(api, version, 1, "test", null, buf), responder);
    } finally {
      buf.release();
    }
  }

  /** Keeps the one response; the tests run single-threaded. */
  private static final class CapturingResponder implements Responder {
    ApiMessage body;

    @Override
    public void respond(ApiMessage body, short version) {
      this.body = body;
    }

    @Override
    public void respondNothing() {
      throw new AssertionError("every topic request is answered");
    }

    @Override
    public EventExecutor executor() {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isOpen() {
      return true;
    }
  }
}
