package io.sluice.broker.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The cleaner's key to latest-offset map, in a fixed amount of memory chosen up front: open
 * addressing over one buffer of 24-byte slots, each the 16-byte MD5 of a key and the 8-byte offset
 * of its latest record seen. Keys themselves are never stored, so memory does not depend on key
 * sizes; two keys whose MD5s collide would share a slot (probability about n^2 / 2^129 for n keys),
 * as in Kafka's cleaner, which uses the same scheme.
 *
 * <pre>
 * slot: | md5(key) 16 bytes | offset int64 |     an all-zero hash marks a free slot
 * </pre>
 *
 * <p>It is full at {@code loadFactor} of its slots ({@link #isFull()}): the cleaner then stops
 * reading the dirty part of the log there and cleans only up to the last offset it mapped; the next
 * pass maps the rest (several passes when the dirty part has more distinct keys than fit).
 *
 * <p>Not thread-safe: each cleaner thread owns one map and reuses it pass after pass ({@link
 * #clear()}).
 */
final class KeyOffsetMap {
  static final int SLOT_SIZE = 24;
  private static final int HASH_SIZE = 16;

  private final ByteBuffer slots;
  private final int slotCount;
  private final int maxEntries;
  private final MessageDigest md5;
  private final byte[] hash = new byte[HASH_SIZE];
  private final byte[] probe = new byte[HASH_SIZE];
  private int entries;
  private long lastOffset = -1;

  /**
   * @param memoryBytes the buffer's size ({@code log.cleaner.dedupe.buffer.size} over the cleaner
   *     threads)
   * @param loadFactor the share of slots that may be used ({@code
   *     log.cleaner.io.buffer.load.factor}), in (0, 1)
   */
  KeyOffsetMap(int memoryBytes, double loadFactor) {
    if (memoryBytes < SLOT_SIZE * 2 || !(loadFactor > 0 && loadFactor < 1)) {
      throw new IllegalArgumentException(
          "memoryBytes=" + memoryBytes + " loadFactor=" + loadFactor);
    }
    this.slotCount = memoryBytes / SLOT_SIZE;
    this.slots = ByteBuffer.allocate(slotCount * SLOT_SIZE);
    this.maxEntries = Math.max(1, (int) (slotCount * loadFactor));
    try {
      this.md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has MD5", e);
    }
  }

  /** Records {@code offset} as the latest for {@code key} (its remaining bytes). */
  void put(ByteBuffer key, long offset) {
    int slot = find(key);
    int at = slot * SLOT_SIZE;
    if (isFree(at)) {
      if (entries >= maxEntries) {
        throw new IllegalStateException("key-offset map is full at " + entries + " entries");
      }
      slots.put(at, hash);
      entries++;
    }
    slots.putLong(at + HASH_SIZE, offset);
    lastOffset = Math.max(lastOffset, offset);
  }

  /** The latest offset recorded for {@code key}, or -1. */
  long get(ByteBuffer key) {
    int at = find(key) * SLOT_SIZE;
    return isFree(at) ? -1 : slots.getLong(at + HASH_SIZE);
  }

  /** Whether one more new key would exceed the load factor. */
  boolean isFull() {
    return entries >= maxEntries;
  }

  int size() {
    return entries;
  }

  /** The highest offset put since the last clear, or -1. */
  long lastOffset() {
    return lastOffset;
  }

  /** How many distinct keys fit. */
  int capacity() {
    return maxEntries;
  }

  void clear() {
    Arrays.fill(slots.array(), (byte) 0);
    entries = 0;
    lastOffset = -1;
  }

  /**
   * The slot holding {@code key}'s hash, or the free slot where it would go; fills {@link #hash}.
   */
  private int find(ByteBuffer key) {
    md5.reset();
    md5.update(key.duplicate());
    try {
      md5.digest(hash, 0, HASH_SIZE);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException(e);
    }
    if (allZero(hash)) {
      hash[0] = 1; // zero marks a free slot; this key's slot is then shared with its twin
    }
    int start = Math.floorMod(ByteBuffer.wrap(hash).getInt(), slotCount);
    for (int i = 0; i < slotCount; i++) {
      int slot = (start + i) % slotCount;
      int at = slot * SLOT_SIZE;
      if (isFree(at)) {
        return slot;
      }
      slots.get(at, probe);
      if (Arrays.equals(probe, hash)) {
        return slot;
      }
    }
    throw new IllegalStateException("key-offset map has no free slot");
  }

  private boolean isFree(int at) {
    return slots.getLong(at) == 0 && slots.getLong(at + 8) == 0;
  }

  private static boolean allZero(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
