package io.sluice.client.testing;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/** The fake broker's request handlers, one method per API, over kafka-clients' data classes. */
final class FakeHandlers {
  private static final AtomicLong NEXT_PRODUCER_ID = new AtomicLong(1000);

  private final KafkaFakeBroker broker;
  private final FakeLog log;

  FakeHandlers(KafkaFakeBroker broker) {
    this.broker = broker;
    this.log = broker.log;
  }

  ApiMessage handle(RequestHeader header, AbstractRequest request) throws InterruptedException {
    ApiMessage data = request.data();
    return switch (header.apiKey()) {
      case METADATA -> metadata((MetadataRequestData) data);
      case PRODUCE -> produce((ProduceRequestData) data);
      case FETCH -> fetch((FetchRequestData) data);
      case LIST_OFFSETS -> listOffsets((ListOffsetsRequestData) data);
      case CREATE_TOPICS -> createTopics((CreateTopicsRequestData) data);
      case DELETE_TOPICS -> deleteTopics(request);
      case INIT_PRODUCER_ID ->
          broker.refuseProducerIds
              ? new InitProducerIdResponseData()
                  .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
              : new InitProducerIdResponseData()
                  .setProducerId(NEXT_PRODUCER_ID.getAndIncrement())
                  .setProducerEpoch((short) 0);
      case FIND_COORDINATOR -> findCoordinator(header);
      case OFFSET_COMMIT -> offsetCommit((OffsetCommitRequestData) data);
      case OFFSET_FETCH -> offsetFetch((OffsetFetchRequestData) data);
      default -> throw new IllegalStateException("unsupported " + header.apiKey());
    };
  }

  private MetadataResponseData metadata(MetadataRequestData request) {
    MetadataResponseData response =
        new MetadataResponseData().setClusterId("fake").setControllerId(0);
    response
        .brokers()
        .add(
            new MetadataResponseData.MetadataResponseBroker()
                .setNodeId(0)
                .setHost("127.0.0.1")
                .setPort(broker.port()));
    List<String> names = new ArrayList<>();
    if (request.topics() == null) {
      names.addAll(log.topicNames());
    } else {
      request.topics().forEach(t -> names.add(t.name()));
    }
    for (String name : names) {
      if (!log.exists(name) && request.allowAutoTopicCreation()) {
        log.create(name, 1);
      }
      MetadataResponseData.MetadataResponseTopic topic =
          new MetadataResponseData.MetadataResponseTopic()
              .setName(name)
              .setTopicId(broker.topicIds.computeIfAbsent(name, n -> Uuid.randomUuid()));
      if (!log.exists(name)) {
        topic.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
      }
      for (int p = 0; p < log.partitions(name); p++) {
        topic
            .partitions()
            .add(
                new MetadataResponseData.MetadataResponsePartition()
                    .setPartitionIndex(p)
                    .setLeaderId(0)
                    .setReplicaNodes(KafkaFakeBroker.list(0))
                    .setIsrNodes(KafkaFakeBroker.list(0)));
      }
      response.topics().add(topic);
    }
    return response;
  }

  private ProduceResponseData produce(ProduceRequestData request) {
    broker.produceRequests.incrementAndGet();
    if (broker.stalled) {
      return null;
    }
    ProduceResponseData response = new ProduceResponseData();
    for (ProduceRequestData.TopicProduceData t : request.topicData()) {
      ProduceResponseData.TopicProduceResponse topic =
          new ProduceResponseData.TopicProduceResponse().setName(t.name());
      for (ProduceRequestData.PartitionProduceData p : t.partitionData()) {
        ProduceResponseData.PartitionProduceResponse partition =
            new ProduceResponseData.PartitionProduceResponse().setIndex(p.index());
        if (!log.exists(t.name()) || p.index() >= log.partitions(t.name())) {
          partition.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        } else {
          ByteBuffer bytes = ((MemoryRecords) p.records()).buffer().duplicate();
          partition.setBaseOffset(log.append(t.name(), p.index(), bytes));
        }
        topic.partitionResponses().add(partition);
      }
      response.responses().add(topic);
    }
    if (request.acks() == 0) {
      return null;
    }
    if (broker.silencedProduces.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return null;
    }
    return response;
  }

  private FetchResponseData fetch(FetchRequestData request) throws InterruptedException {
    long deadline = System.currentTimeMillis() + request.maxWaitMs();
    while (true) {
      FetchResponseData response = new FetchResponseData();
      int bytes = 0;
      for (FetchRequestData.FetchTopic t : request.topics()) {
        FetchResponseData.FetchableTopicResponse topic =
            new FetchResponseData.FetchableTopicResponse().setTopic(t.topic());
        for (FetchRequestData.FetchPartition p : t.partitions()) {
          FetchResponseData.PartitionData partition =
              new FetchResponseData.PartitionData().setPartitionIndex(p.partition());
          if (!log.exists(t.topic()) || p.partition() >= log.partitions(t.topic())) {
            partition.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
          } else {
            long end = log.endOffset(t.topic(), p.partition());
            partition.setHighWatermark(end).setLastStableOffset(end).setLogStartOffset(0);
            if (p.fetchOffset() > end) {
              partition.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
            } else {
              ByteBuffer data =
                  log.read(t.topic(), p.partition(), p.fetchOffset(), p.partitionMaxBytes());
              bytes += data.remaining();
              partition.setRecords(MemoryRecords.readableRecords(data));
            }
          }
          topic.partitions().add(partition);
        }
        response.responses().add(topic);
      }
      if (bytes >= request.minBytes() || System.currentTimeMillis() >= deadline) {
        return response;
      }
      Thread.sleep(5);
    }
  }

  private ListOffsetsResponseData listOffsets(ListOffsetsRequestData request) {
    ListOffsetsResponseData response = new ListOffsetsResponseData();
    for (ListOffsetsRequestData.ListOffsetsTopic t : request.topics()) {
      ListOffsetsResponseData.ListOffsetsTopicResponse topic =
          new ListOffsetsResponseData.ListOffsetsTopicResponse().setName(t.name());
      for (ListOffsetsRequestData.ListOffsetsPartition p : t.partitions()) {
        ListOffsetsResponseData.ListOffsetsPartitionResponse partition =
            new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                .setPartitionIndex(p.partitionIndex());
        if (!log.exists(t.name())) {
          partition.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        } else {
          long offset = p.timestamp() == -2L ? 0 : log.endOffset(t.name(), p.partitionIndex());
          partition.setOffset(offset).setTimestamp(-1);
        }
        topic.partitions().add(partition);
      }
      response.topics().add(topic);
    }
    return response;
  }

  private CreateTopicsResponseData createTopics(CreateTopicsRequestData request) {
    CreateTopicsResponseData response = new CreateTopicsResponseData();
    for (CreateTopicsRequestData.CreatableTopic t : request.topics()) {
      int partitions = t.numPartitions() < 1 ? 1 : t.numPartitions();
      boolean created = log.create(t.name(), partitions);
      response
          .topics()
          .add(
              new CreateTopicsResponseData.CreatableTopicResult()
                  .setName(t.name())
                  .setErrorCode(created ? Errors.NONE.code() : Errors.TOPIC_ALREADY_EXISTS.code())
                  .setNumPartitions(partitions)
                  .setReplicationFactor((short) 1));
    }
    return response;
  }

  private DeleteTopicsResponseData deleteTopics(AbstractRequest request) {
    org.apache.kafka.common.requests.DeleteTopicsRequest delete =
        (org.apache.kafka.common.requests.DeleteTopicsRequest) request;
    DeleteTopicsResponseData response = new DeleteTopicsResponseData();
    for (String name : delete.topicNames()) {
      boolean deleted = log.delete(name);
      response
          .responses()
          .add(
              new DeleteTopicsResponseData.DeletableTopicResult()
                  .setName(name)
                  .setErrorCode(
                      deleted ? Errors.NONE.code() : Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
    }
    return response;
  }

  private FindCoordinatorResponseData findCoordinator(RequestHeader header) {
    FindCoordinatorResponseData response = new FindCoordinatorResponseData();
    if (header.apiVersion() >= 4) {
      response
          .coordinators()
          .add(
              new FindCoordinatorResponseData.Coordinator()
                  .setKey("group")
                  .setNodeId(0)
                  .setHost("127.0.0.1")
                  .setPort(broker.port()));
    } else {
      response.setNodeId(0).setHost("127.0.0.1").setPort(broker.port());
    }
    return response;
  }

  private OffsetCommitResponseData offsetCommit(OffsetCommitRequestData request) {
    OffsetCommitResponseData response = new OffsetCommitResponseData();
    for (OffsetCommitRequestData.OffsetCommitRequestTopic t : request.topics()) {
      OffsetCommitResponseData.OffsetCommitResponseTopic topic =
          new OffsetCommitResponseData.OffsetCommitResponseTopic().setName(t.name());
      for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
        log.commit(request.groupId(), t.name(), p.partitionIndex(), p.committedOffset());
        topic
            .partitions()
            .add(
                new OffsetCommitResponseData.OffsetCommitResponsePartition()
                    .setPartitionIndex(p.partitionIndex()));
      }
      response.topics().add(topic);
    }
    return response;
  }

  private OffsetFetchResponseData offsetFetch(OffsetFetchRequestData request) {
    OffsetFetchResponseData response = new OffsetFetchResponseData();
    for (OffsetFetchRequestData.OffsetFetchRequestTopic t : request.topics()) {
      OffsetFetchResponseData.OffsetFetchResponseTopic topic =
          new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(t.name());
      for (int p : t.partitionIndexes()) {
        topic
            .partitions()
            .add(
                new OffsetFetchResponseData.OffsetFetchResponsePartition()
                    .setPartitionIndex(p)
                    .setCommittedOffset(log.committed(request.groupId(), t.name(), p))
                    .setMetadata(""));
      }
      response.topics().add(topic);
    }
    return response;
  }
}
