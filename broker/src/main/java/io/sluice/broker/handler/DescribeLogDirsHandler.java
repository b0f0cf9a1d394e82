package io.sluice.broker.handler;

import io.sluice.broker.security.acl.AclOperation;
import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.LogManager;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.DescribeLogDirsRequest;
import io.sluice.protocol.message.DescribeLogDirsResponse;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Lists this broker's log directories with the size of each partition in them (Kafka's
 * DescribeLogDirs): offset lag 0 and no future replicas (Sluice moves no partition between
 * directories); from v4 the directory's file system size and usable space. An offline directory is
 * listed with {@code KAFKA_STORAGE_ERROR}. Answered from memory and one file-system query per
 * directory.
 */
final class DescribeLogDirsHandler extends VersionedHandler {
  private final LogManager logs;
  private final Authorization authorization;

  DescribeLogDirsHandler(LogManager logs, Authorization authorization) {
    super(ApiKey.DESCRIBE_LOG_DIRS, 1, 5);
    this.logs = logs;
    this.authorization = authorization;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    DescribeLogDirsRequest req = DescribeLogDirsRequest.read(request.reader(), version);
    Map<String, Set<Integer>> wanted = null; // null: every partition
    if (req.topics() != null) {
      wanted = new HashMap<>();
      for (DescribeLogDirsRequest.DescribableLogDirTopic t : req.topics()) {
        wanted.computeIfAbsent(t.topic(), k -> new HashSet<>()).addAll(t.partitions());
      }
    }
    DescribeLogDirsResponse response = new DescribeLogDirsResponse();
    if (!authorization.cluster(request, AclOperation.DESCRIBE)) {
      // Kafka: no directories, and from v3 the error code saying why.
      if (version >= 3) {
        response.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
      }
      responder.respond(response, version);
      return;
    }
    for (LogManager.DirectoryState dir : logs.directories()) {
      DescribeLogDirsResponse.DescribeLogDirsResult result =
          new DescribeLogDirsResponse.DescribeLogDirsResult()
              .setLogDir(dir.path().toAbsolutePath().toString())
              .setErrorCode(
                  dir.failure() == null ? Errors.NONE.code() : Errors.KAFKA_STORAGE_ERROR.code());
      try {
        FileStore store = Files.getFileStore(dir.path());
        result.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
      } catch (IOException e) {
        result.setTotalBytes(-1).setUsableBytes(-1);
      }
      Map<String, DescribeLogDirsResponse.DescribeLogDirsTopic> topics = new TreeMap<>();
      for (Log log : dir.logs()) {
        String topic = log.topicPartition().topic();
        int partition = log.topicPartition().partition();
        if (wanted != null && !wanted.getOrDefault(topic, Set.of()).contains(partition)) {
          continue;
        }
        topics
            .computeIfAbsent(
                topic, t -> new DescribeLogDirsResponse.DescribeLogDirsTopic().setName(t))
            .partitions()
            .add(
                new DescribeLogDirsResponse.DescribeLogDirsPartition()
                    .setPartitionIndex(partition)
                    .setPartitionSize(log.sizeInBytes())
                    .setOffsetLag(0)
                    .setIsFutureKey(false));
      }
      result.topics().addAll(topics.values());
      response.results().add(result);
    }
    responder.respond(response, version);
  }
}
