package io.sluice.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.protocol.Errors;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.message.HeartbeatResponse;
import io.sluice.protocol.message.ProduceResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The error-code walk over generated response classes. */
class ErrorCodesTest {

  @Test
  void nestedPartitionErrorsAreFoundEachTime() {
    ProduceResponse response = new ProduceResponse();
    ProduceResponse.TopicProduceResponse topic =
        new ProduceResponse.TopicProduceResponse().setName("t");
    topic.partitionResponses().add(new ProduceResponse.PartitionProduceResponse().setIndex(0));
    topic
        .partitionResponses()
        .add(
            new ProduceResponse.PartitionProduceResponse()
                .setIndex(1)
                .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code()));
    topic
        .partitionResponses()
        .add(
            new ProduceResponse.PartitionProduceResponse()
                .setIndex(2)
                .setErrorCode(Errors.CORRUPT_MESSAGE.code()));
    response.responses().add(topic);
    assertEquals(
        List.of(Errors.NOT_LEADER_OR_FOLLOWER.code(), Errors.CORRUPT_MESSAGE.code()),
        codes(response));
  }

  @Test
  void topLevelErrorCodeAndNoErrors() {
    assertEquals(
        List.of(Errors.REBALANCE_IN_PROGRESS.code()),
        codes(new HeartbeatResponse().setErrorCode(Errors.REBALANCE_IN_PROGRESS.code())));
    assertEquals(List.of(), codes(new HeartbeatResponse()));
    assertEquals(List.of(), codes(new FetchResponse()));
  }

  private static List<Short> codes(io.sluice.protocol.message.ApiMessage response) {
    List<Short> codes = new ArrayList<>();
    ErrorCodes.forEach(response, codes::add);
    return codes;
  }
}
