package io.sluice.client.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy in front of a broker that understands Kafka framing just enough to inject faults
 * between a client and any broker (the fake one or Sluice's): the broker advertises the proxy's
 * address, so every connection of the client passes through it.
 *
 * <ul>
 *   <li>{@link #loseNextProduceResponse}: the next Produce request reaches the broker, which
 *       appends it; its response is swallowed and the connection cut, so the client cannot know
 *       whether the batch was written and must retry;
 *   <li>{@link #blackhole}: requests are read and dropped, nothing is answered (a broker that is
 *       slow or gone while its socket stays open).
 * </ul>
 *
 * <p>Thread-safe: two pump threads per connection; the switches are atomic.
 */
public final class ChaosProxy implements AutoCloseable {
  private static final short PRODUCE = 0;

  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicBoolean loseProduceResponse = new AtomicBoolean();
  private volatile boolean blackhole;
  private volatile boolean cutEveryProduce;
  private volatile String upstreamHost;
  private volatile int upstreamPort;

  public ChaosProxy() throws IOException {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread acceptor = new Thread(this::acceptLoop, "chaos-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  public String bootstrap() {
    return "127.0.0.1:" + port();
  }

  /** Where connections go; set before the first client connects. */
  public void upstream(String host, int port) {
    this.upstreamHost = host;
    this.upstreamPort = port;
  }

  public void loseNextProduceResponse() {
    loseProduceResponse.set(true);
  }

  /** While on, every connection that carries a Produce request is cut as it arrives. */
  public void cutEveryProduce(boolean on) {
    this.cutEveryProduce = on;
  }

  public void blackhole(boolean on) {
    this.blackhole = on;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        client.setTcpNoDelay(true);
        Socket upstream = new Socket(upstreamHost, upstreamPort);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        AtomicBoolean cutOnNextResponse = new AtomicBoolean();
        start(() -> pumpRequests(client, upstream, cutOnNextResponse));
        start(() -> pumpResponses(upstream, client, cutOnNextResponse));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void start(Runnable pump) {
    Thread t = new Thread(pump, "chaos-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private void pumpRequests(Socket from, Socket to, AtomicBoolean cutOnNextResponse) {
    try (DataInputStream in = new DataInputStream(from.getInputStream())) {
      DataOutputStream out = new DataOutputStream(to.getOutputStream());
      while (true) {
        byte[] frame = readFrame(in);
        if (blackhole) {
          continue;
        }
        short apiKey = (short) (((frame[0] & 0xff) << 8) | (frame[1] & 0xff));
        if (apiKey == PRODUCE && cutEveryProduce) {
          closeQuietly(from, to);
          return;
        }
        if (apiKey == PRODUCE && loseProduceResponse.compareAndSet(true, false)) {
          cutOnNextResponse.set(true);
        }
        writeFrame(out, frame);
      }
    } catch (IOException e) {
      closeQuietly(from, to);
    }
  }

  private void pumpResponses(Socket from, Socket to, AtomicBoolean cutOnNextResponse) {
    try (DataInputStream in = new DataInputStream(from.getInputStream())) {
      DataOutputStream out = new DataOutputStream(to.getOutputStream());
      while (true) {
        byte[] frame = readFrame(in);
        if (cutOnNextResponse.get()) {
          // Answers arrive in request order; the produce answer is the last one in flight here
          // only if nothing was pipelined behind it, which is what the tests arrange.
          closeQuietly(from, to);
          return;
        }
        if (!blackhole) {
          writeFrame(out, frame);
        }
      }
    } catch (IOException e) {
      closeQuietly(from, to);
    }
  }

  private static byte[] readFrame(DataInputStream in) throws IOException {
    int size = in.readInt();
    byte[] frame = new byte[size];
    in.readFully(frame);
    return frame;
  }

  private static void writeFrame(DataOutputStream out, byte[] frame) throws IOException {
    byte[] all = new byte[4 + frame.length];
    all[0] = (byte) (frame.length >>> 24);
    all[1] = (byte) (frame.length >>> 16);
    all[2] = (byte) (frame.length >>> 8);
    all[3] = (byte) frame.length;
    System.arraycopy(frame, 0, all, 4, frame.length);
    out.write(all);
    out.flush();
  }

  private static void closeQuietly(Socket a, Socket b) {
    try {
      a.close();
    } catch (IOException ignored) {
      // already closed
    }
    try {
      b.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
