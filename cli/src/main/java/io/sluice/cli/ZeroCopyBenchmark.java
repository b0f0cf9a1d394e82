package io.sluice.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The classic zero-copy demonstration: copy one file by a read-into-a-buffer-then-write loop and by
 * {@link FileChannel#transferTo}, to another file and to a loopback socket whose reader drains and
 * discards, and compare median wall time and process CPU time.
 *
 * <p>Every copy is checked: the destination must receive exactly the file's size, or the run fails.
 * The source file is written once and then read warm from the page cache, which is the case a
 * broker serving recent data is in. Temporary files and sockets are removed and closed whatever
 * happens. Not thread-safe; one instance runs one benchmark.
 */
final class ZeroCopyBenchmark {
  /** The buffer of the traditional loop: the size a typical stream copy uses. */
  private static final int COPY_BUFFER = 64 * 1024;

  enum Target {
    FILE,
    SOCKET
  }

  enum Method {
    READ_WRITE,
    TRANSFER_TO
  }

  /** The median of the runs of one target and method. */
  record Result(Target target, Method method, long bytes, double medianMillis, double cpuMillis) {
    double mibPerSecond() {
      return bytes / (1024.0 * 1024.0) / (medianMillis / 1000.0);
    }
  }

  private final long size;
  private final int runs;
  private final Path directory;

  ZeroCopyBenchmark(long size, int runs, Path directory) {
    if (size <= 0 || runs <= 0) {
      throw new IllegalArgumentException("size=" + size + " runs=" + runs + " must be > 0");
    }
    this.size = size;
    this.runs = runs;
    this.directory = directory;
  }

  List<Result> run() throws IOException {
    Path source = Files.createTempFile(directory, "sluice-zerocopy-", ".src");
    Path copy = directory.resolve(source.getFileName() + ".copy");
    try {
      writeSource(source);
      List<Result> results = new ArrayList<>();
      for (Target target : Target.values()) {
        for (Method method : Method.values()) {
          results.add(measure(source, copy, target, method));
        }
      }
      return results;
    } finally {
      Files.deleteIfExists(copy);
      Files.deleteIfExists(source);
    }
  }

  private void writeSource(Path source) throws IOException {
    byte[] chunk = new byte[1024 * 1024];
    new Random(1).nextBytes(chunk);
    try (FileChannel out = FileChannel.open(source, StandardOpenOption.WRITE)) {
      long left = size;
      while (left > 0) {
        ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, left));
        while (buffer.hasRemaining()) {
          left -= out.write(buffer);
        }
      }
    }
  }

  private Result measure(Path source, Path copy, Target target, Method method) throws IOException {
    double[] wall = new double[runs];
    double[] cpu = new double[runs];
    for (int run = 0; run < runs; run++) {
      long cpuStart = processCpuNanos();
      long start = System.nanoTime();
      long copied =
          target == Target.FILE ? copyToFile(source, copy, method) : copyToSocket(source, method);
      wall[run] = (System.nanoTime() - start) / 1e6;
      cpu[run] = (processCpuNanos() - cpuStart) / 1e6;
      if (copied != size) {
        throw new IOException(target + " " + method + " copied " + copied + " of " + size);
      }
      Files.deleteIfExists(copy);
    }
    return new Result(target, method, size, median(wall), median(cpu));
  }

  private long copyToFile(Path source, Path copy, Method method) throws IOException {
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
        FileChannel out =
            FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      copy(in, out, method);
      return out.size();
    }
  }

  private long copyToSocket(Path source, Method method) throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      AtomicLong drained = new AtomicLong();
      Thread drainer;
      try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
          SocketChannel accepted = server.accept()) {
        drainer = new Thread(() -> drain(accepted, drained), "zerocopy-drain");
        drainer.start();
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
          copy(in, client, method);
        }
        client.shutdownOutput();
        join(drainer);
      }
      return drained.get();
    }
  }

  private void copy(FileChannel in, WritableByteChannel out, Method method) throws IOException {
    if (method == Method.TRANSFER_TO) {
      long position = 0;
      long total = in.size();
      while (position < total) {
        position += in.transferTo(position, total - position, out);
      }
      return;
    }
    // The traditional path: kernel -> user buffer -> kernel, through plain streams.
    InputStream input = Channels.newInputStream(in);
    OutputStream output = Channels.newOutputStream(out);
    byte[] buffer = new byte[COPY_BUFFER];
    int n;
    while ((n = input.read(buffer)) >= 0) {
      output.write(buffer, 0, n);
    }
    output.flush();
  }

  private static void drain(SocketChannel channel, AtomicLong drained) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
    try {
      int n;
      while ((n = channel.read(buffer)) >= 0) {
        drained.addAndGet(n);
        buffer.clear();
      }
    } catch (IOException e) {
      // The count stays short, and the run fails on the size check.
    }
  }

  private static void join(Thread thread) throws IOException {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while draining the socket", e);
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
