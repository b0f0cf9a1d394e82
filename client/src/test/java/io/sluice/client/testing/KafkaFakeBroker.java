package io.sluice.client.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;

/**
 * A single-node, in-memory broker built from kafka-clients' own request parsers and response
 * classes, for testing this client's wire format against Kafka's reading of it before (and besides)
 * Sluice's broker. Kafka parses every request the client sends: an encoding mistake fails here
 * exactly as it would against Apache Kafka.
 *
 * <p>Fault hooks: {@link #silenceProduces} keeps appending produced batches but stops answering
 * (the client times out and retries; duplicates are detected by producer id and sequence, as a real
 * broker does); {@link #stall} stops answering produce requests and appends nothing.
 *
 * <p>Thread-safe: one thread per connection; the log is {@link FakeLog}, synchronized.
 */
public final class KafkaFakeBroker implements AutoCloseable {
  static final ApiKeys[] SUPPORTED = {
    ApiKeys.API_VERSIONS,
    ApiKeys.METADATA,
    ApiKeys.PRODUCE,
    ApiKeys.FETCH,
    ApiKeys.LIST_OFFSETS,
    ApiKeys.CREATE_TOPICS,
    ApiKeys.DELETE_TOPICS,
    ApiKeys.INIT_PRODUCER_ID,
    ApiKeys.FIND_COORDINATOR,
    ApiKeys.OFFSET_COMMIT,
    ApiKeys.OFFSET_FETCH
  };

  private static final Map<ApiKeys, Short> CAPS =
      Map.of(
          ApiKeys.PRODUCE, (short) 12,
          ApiKeys.FETCH, (short) 12,
          ApiKeys.OFFSET_COMMIT, (short) 9,
          ApiKeys.OFFSET_FETCH, (short) 7,
          ApiKeys.DELETE_TOPICS, (short) 5,
          ApiKeys.METADATA, (short) 12);

  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  final FakeLog log = new FakeLog();
  final Map<String, Uuid> topicIds = new ConcurrentHashMap<>();
  final AtomicInteger silencedProduces = new AtomicInteger();
  volatile boolean stalled;
  volatile boolean refuseProducerIds;
  final AtomicInteger produceRequests = new AtomicInteger();

  public KafkaFakeBroker() throws IOException {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    acceptor = new Thread(this::acceptLoop, "fake-broker-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public String bootstrap() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Creates a topic directly. */
  public void createTopic(String topic, int partitions) {
    log.create(topic, partitions);
  }

  /** The next {@code n} produce requests are appended but never answered. */
  public void silenceProduces(int n) {
    silencedProduces.set(n);
  }

  /** While true, produce requests are neither appended nor answered. */
  public void stall(boolean stall) {
    this.stalled = stall;
  }

  /** Flips one byte inside the records of the {@code index}th batch of a partition. */
  public void corrupt(String topic, int partition, int index) {
    log.corrupt(topic, partition, index);
  }

  /** While on, InitProducerId is refused with CLUSTER_AUTHORIZATION_FAILED (not retriable). */
  public void refuseProducerIds(boolean on) {
    this.refuseProducerIds = on;
  }

  public int produceRequests() {
    return produceRequests.get();
  }

  /** Every record value of a partition, in offset order (batches decoded by kafka-clients). */
  public List<byte[]> values(String topic, int partition) {
    return log.values(topic, partition);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        socket.setTcpNoDelay(true);
        sockets.add(socket);
        Thread t = new Thread(() -> serve(socket), "fake-broker-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    FakeHandlers handlers = new FakeHandlers(this);
    try (socket;
        DataInputStream in = new DataInputStream(socket.getInputStream());
        DataOutputStream out = new DataOutputStream(socket.getOutputStream())) {
      while (true) {
        int size = in.readInt();
        byte[] frame = new byte[size];
        in.readFully(frame);
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        RequestHeader header = RequestHeader.parse(buffer);
        ApiMessage response;
        if (header.apiKey() == ApiKeys.API_VERSIONS) {
          response = apiVersions();
        } else {
          AbstractRequest request =
              AbstractRequest.parseRequest(
                      header.apiKey(), header.apiVersion(), new ByteBufferAccessor(buffer))
                  .request;
          response = handlers.handle(header, request);
        }
        if (response == null) {
          continue; // acks=0, or a silenced produce
        }
        ByteBuffer bytes =
            RequestUtils.serialize(
                new ResponseHeaderData().setCorrelationId(header.correlationId()),
                header.apiKey().responseHeaderVersion(header.apiVersion()),
                response,
                header.apiVersion());
        byte[] frameOut = new byte[4 + bytes.remaining()];
        ByteBuffer.wrap(frameOut).putInt(bytes.remaining()).put(bytes);
        out.write(frameOut);
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      // connection closed or unparseable: drop it, as a broker would
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ApiVersionsResponseData apiVersions() {
    ApiVersionsResponseData data = new ApiVersionsResponseData();
    for (ApiKeys key : SUPPORTED) {
      ApiVersionsResponseData.ApiVersion version = ApiVersionsResponse.toApiVersion(key);
      // Topic-id versions (and batched offset fetches) are beyond what the handlers answer.
      Short cap = CAPS.get(key);
      if (cap != null && version.maxVersion() > cap) {
        version.setMaxVersion(cap);
      }
      data.apiKeys().add(version);
    }
    return data;
  }

  /** Closes every connection, as a broker crash would; the log survives for a restart test. */
  public void dropConnections() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    sockets.clear();
  }

  @Override
  public void close() throws IOException {
    server.close();
    dropConnections();
  }

  static List<Integer> list(int... values) {
    List<Integer> result = new ArrayList<>();
    for (int v : values) {
      result.add(v);
    }
    return result;
  }
}
