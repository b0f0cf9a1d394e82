package io.sluice.broker.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.group.CommittedOffsets;
import io.sluice.broker.group.GroupCoordinator;
import io.sluice.broker.metadata.BrokerNode;
import io.sluice.broker.metadata.ProducerIds;
import io.sluice.broker.metadata.Replication;
import io.sluice.broker.metadata.SingleNodeMetadata;
import io.sluice.broker.metadata.Topics;
import io.sluice.broker.purgatory.FetchWaiters;
import io.sluice.broker.security.acl.AccessControlEntry;
import io.sluice.broker.security.acl.AclBinding;
import io.sluice.broker.security.acl.AclBindingFilter;
import io.sluice.broker.security.acl.AclFile;
import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.security.acl.AclPermissionType;
import io.sluice.broker.security.acl.Authorizer;
import io.sluice.broker.security.acl.AuthorizerConfig;
import io.sluice.broker.security.acl.PatternType;
import io.sluice.broker.security.acl.ResourcePattern;
import io.sluice.broker.security.acl.ResourceType;
import io.sluice.broker.security.sasl.ScramCredentialStore;
import io.sluice.broker.storage.LogManager;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.ApiMessage;
import io.sluice.protocol.wire.WireWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Every handler of a single-node broker with the ACL authorizer on, driven in-process: requests are
 * sent as a chosen principal from 127.0.0.1, and the answer is awaited (some handlers answer from
 * the offsets or group threads). The ACLs are changed through the same authorizer the handlers
 * read. Topic administration runs on the calling thread. Not thread-safe: one test drives it.
 */
final class AclHarness implements AutoCloseable {
  static final String ADMIN = "User:admin";
  static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

  final LogManager logs;
  final Topics topics;
  final Authorizer authorizer;
  private final CommittedOffsets offsets;
  private final GroupCoordinator groups;
  private final HandlerRegistry registry;

  AclHarness(Path dir, boolean allowEveryoneIfNoAclFound) {
    BrokerConfig config =
        BrokerConfig.from(
            Map.of(
                "log.dirs",
                dir.toString(),
                "num.partitions",
                "1",
                "group.initial.rebalance.delay.ms",
                "0"));
    logs = LogManager.open(config.log(), Clock.systemUTC());
    topics = new Topics(logs, Runnable::run);
    BrokerNode node = new BrokerNode(0, "cluster");
    node.advertise(config.advertised(9092));
    offsets = CommittedOffsets.open(dir);
    groups = GroupCoordinator.open(config.groups(), dir);
    authorizer =
        Authorizer.open(
            new AuthorizerConfig(true, Set.of(ADMIN), allowEveryoneIfNoAclFound),
            AclFile.open(dir),
            Runnable::run);
    registry =
        HandlerRegistry.forBroker(
            config,
            new SingleNodeMetadata(node, topics),
            topics,
            logs,
            new FetchWaiters(),
            new ProducerIds(dir, Runnable::run),
            offsets,
            groups,
            Replication.NONE,
            ScramCredentialStore.NONE,
            new Authorization(authorizer));
  }

  /** Sends {@code body} as {@code principal} and returns the answer (null for no answer). */
  ApiMessage send(String principal, ApiKey api, int version, ApiMessage body) {
    ByteBuf buf = Unpooled.buffer();
    CompletableFuture<ApiMessage> answer = new CompletableFuture<>();
    try {
      body.write(new WireWriter(buf), (short) version);
      Request request =
          new Request(api, (short) version, 1, "test", CLIENT, buf, "PLAINTEXT", principal);
      registry.forKey(api.id()).handle(request, new Capture(answer));
      return answer.get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(api + " v" + version + " was not answered", e);
    } finally {
      buf.release();
    }
  }

  void grant(AclBinding... bindings) {
    for (Authorizer.Outcome outcome : authorizer.create(List.of(bindings)).join()) {
      if (outcome.error() != Errors.NONE) {
        throw new AssertionError(outcome.message());
      }
    }
  }

  void revokeAll() {
    authorizer.delete(List.of(AclBindingFilter.ANY)).join();
  }

  static AclBinding acl(
      ResourceType type,
      String name,
      PatternType patternType,
      String principal,
      AclOperation op,
      AclPermissionType permission) {
    return new AclBinding(
        new ResourcePattern(type, name, patternType),
        new AccessControlEntry(principal, "*", op, permission));
  }

  @Override
  public void close() {
    authorizer.close();
    groups.close();
    offsets.close();
    logs.close();
  }

  private static final class Capture implements Responder {
    private final CompletableFuture<ApiMessage> answer;

    Capture(CompletableFuture<ApiMessage> answer) {
      this.answer = answer;
    }

    @Override
    public void respond(ApiMessage body, short version) {
      answer.complete(body);
    }

    @Override
    public void respondNothing() {
      answer.complete(null);
    }

    @Override
    public EventExecutor executor() {
      return ImmediateEventExecutor.INSTANCE;
    }

    @Override
    public boolean isOpen() {
      return true;
    }
  }
}
