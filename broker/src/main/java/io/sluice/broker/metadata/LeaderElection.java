package io.sluice.broker.metadata;

import io.sluice.protocol.Errors;
import java.util.Objects;

/**
 * The value types of leader election on request (Kafka's ElectLeaders, {@link
 * TopicAdmin#electLeaders}): the kind of election, a partition as a client names it, and the answer
 * for one partition. Immutable.
 */
public final class LeaderElection {
  private LeaderElection() {}

  /** Kafka's {@code ElectionType}, with its wire codes. */
  public enum Type {
    /**
     * Move leadership to the partition's preferred replica (the first of its assignment), if it is
     * live and in the in-sync replicas.
     */
    PREFERRED((byte) 0),
    /**
     * Give a partition without a live leader one: an in-sync replica if one is live, else any live
     * replica (which may lose acknowledged records: the operator's explicit choice).
     */
    UNCLEAN((byte) 1);

    private final byte code;

    Type(byte code) {
      this.code = code;
    }

    public byte code() {
      return code;
    }

    /** The type with this wire code, or null for a code Kafka does not define. */
    public static Type forCode(byte code) {
      for (Type type : values()) {
        if (type.code == code) {
          return type;
        }
      }
      return null;
    }
  }

  /**
   * A partition as a request names it: any topic name, any number (a negative one included: it is
   * answered {@code UNKNOWN_TOPIC_OR_PARTITION}, not refused while parsing).
   */
  public record Partition(String topic, int partition) {
    public Partition {
      Objects.requireNonNull(topic, "topic");
    }

    @Override
    public String toString() {
      return topic + "-" + partition;
    }
  }

  /** One partition's answer: {@code NONE} when its leader was elected as asked, else why not. */
  public record Result(Errors error, String message) {
    public static final Result NONE = new Result(Errors.NONE, null);

    public Result {
      Objects.requireNonNull(error, "error");
    }
  }
}
