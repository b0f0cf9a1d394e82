package io.sluice.broker.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.sluice.broker.storage.FileSlice;
import io.sluice.broker.storage.Log;
import io.sluice.broker.storage.LogConfig;
import io.sluice.broker.storage.LogManager;
import io.sluice.broker.storage.TopicPartition;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copy path's region writes exactly the slice's bytes through a socket that takes a few bytes
 * at a time or none, keeping at most one chunk in memory, and frees the chunk and the lease on
 * release (the leak check fails the class otherwise).
 */
class CopyingFileRegionTest {
  @TempDir Path dir;
  private LogManager logs;
  private Log log;

  @BeforeEach
  void open() {
    logs = LogManager.open(LogConfig.defaults(List.of(dir)), Clock.systemUTC());
    log = logs.createLog(new TopicPartition("copy", 0));
    Random random = new Random(7);
    for (int b = 0; b < 10; b++) {
      RecordBatchBuilder batch = new RecordBatchBuilder().baseTimestamp(System.currentTimeMillis());
      for (int r = 0; r < 10; r++) {
        byte[] value = new byte[2000 + random.nextInt(2000)];
        random.nextBytes(value);
        batch.append(System.currentTimeMillis(), null, value);
      }
      log.append(batch.build());
    }
  }

  @AfterEach
  void close() {
    logs.close();
  }

  @Test
  void transferTo_trickleAndFullSocket_writesExactlyTheSliceOneChunkAtATime() throws Exception {
    FileSlice slice = log.read(0, Integer.MAX_VALUE);
    assertTrue(slice.length() > 2 * CopyingFileRegion.CHUNK_BYTES, "spans several chunks");
    byte[] expected = fileBytes(slice);
    ServerStats stats = new ServerStats();
    CopyingFileRegion region = new CopyingFileRegion(slice, ByteBufAllocator.DEFAULT, stats);
    Trickle socket = new Trickle();
    try {
      int calls = 0;
      while (region.transferred() < region.count()) {
        long before = region.transferred();
        // Every third call the socket is full; else it takes 1 to 100,000 bytes in pieces.
        socket.setRoom(calls % 3 == 2 ? 0 : 1 + (calls * 7919) % 100_000);
        calls++;
        long written = region.transferTo(socket, region.transferred());
        assertEquals(region.transferred() - before, written);
        assertEquals(Math.min(socket.roomBefore, region.count() - before), written);
      }
    } finally {
      region.release();
    }
    assertArrayEquals(expected, socket.out.toByteArray());
    assertEquals(expected.length, stats.copiedBytes());
    assertEquals(1, stats.copiedSlices());
  }

  @Test
  void transferTo_wrongPosition_refused() {
    CopyingFileRegion region =
        new CopyingFileRegion(
            log.read(0, Integer.MAX_VALUE), ByteBufAllocator.DEFAULT, new ServerStats());
    try {
      assertThrows(IllegalArgumentException.class, () -> region.transferTo(new Trickle(), 5));
    } finally {
      region.release();
    }
  }

  private static byte[] fileBytes(FileSlice slice) throws Exception {
    ByteBuffer bytes = ByteBuffer.allocate(slice.length());
    while (bytes.hasRemaining()) {
      slice.channel().read(bytes, slice.position() + bytes.position());
    }
    return bytes.array();
  }

  /** A socket with {@code room} bytes of space, taken at most 1,000 bytes per write. */
  private static final class Trickle implements WritableByteChannel {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    long roomBefore;
    private long room;

    Trickle() {}

    void setRoom(long bytes) {
      room = bytes;
      roomBefore = bytes;
    }

    @Override
    public int write(ByteBuffer src) {
      int n = (int) Math.min(Math.min(1000, room), src.remaining());
      byte[] taken = new byte[n];
      src.get(taken);
      out.write(taken, 0, n);
      room -= n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }
}
