package io.sluice.broker.handler;

import io.sluice.broker.metadata.BrokerAddress;
import io.sluice.broker.metadata.ClusterMetadata;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.Errors;
import io.sluice.protocol.message.DescribeClusterRequest;
import io.sluice.protocol.message.DescribeClusterResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * DescribeCluster (what Kafka's {@code Admin.describeCluster()} sends): the cluster id, the
 * controller and every live broker with its address (on the listener the request came in on) and
 * rack, from {@link ClusterMetadata}.
 *
 * <p>Only broker endpoints are described (endpoint type 1): Sluice has no separate controller
 * listeners, so a request for controller endpoints (type 2, meant for KRaft controllers) gets
 * {@code UNSUPPORTED_ENDPOINT_TYPE}, as a Kafka broker answers it. No broker is ever fenced here (a
 * broker whose ZooKeeper registration is gone is not listed at all), so {@code
 * IncludeFencedBrokers} changes nothing. Authorized operations are not tracked (no ACLs): the field
 * keeps its "not requested" value. Stateless; answers on the event loop.
 */
final class DescribeClusterHandler extends VersionedHandler {
  static final byte BROKERS = 1;

  private final ClusterMetadata metadata;

  DescribeClusterHandler(ClusterMetadata metadata) {
    super(ApiKey.DESCRIBE_CLUSTER, 0, 2);
    this.metadata = metadata;
  }

  @Override
  public void handle(Request request, Responder responder) {
    short version = request.version();
    DescribeClusterRequest req = DescribeClusterRequest.read(request.reader(), version);
    DescribeClusterResponse response =
        new DescribeClusterResponse().setClusterId(metadata.clusterId()).setEndpointType(BROKERS);
    if (version >= 1 && req.endpointType() != BROKERS) {
      responder.respond(
          response
              .setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
              .setErrorMessage(
                  "this broker describes broker endpoints only (endpoint type 1), not type "
                      + req.endpointType()),
          version);
      return;
    }
    List<DescribeClusterResponse.DescribeClusterBroker> brokers = new ArrayList<>();
    for (BrokerAddress broker : metadata.brokers(request.listenerName())) {
      brokers.add(
          new DescribeClusterResponse.DescribeClusterBroker()
              .setBrokerId(broker.nodeId())
              .setHost(broker.host())
              .setPort(broker.port())
              .setRack(broker.rack())
              .setIsFenced(false));
    }
    responder.respond(
        response.setControllerId(metadata.controllerId()).setBrokers(brokers), version);
  }
}
