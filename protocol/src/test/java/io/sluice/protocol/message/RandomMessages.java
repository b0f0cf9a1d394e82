package io.sluice.protocol.message;

import io.netty.buffer.Unpooled;
import io.sluice.protocol.wire.ByteBufRecords;
import io.sluice.protocol.wire.Records;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Fills generated messages with seeded random values through their fluent setters. A field is left
 * at its default a third of the time, so defaults (including null where the schema allows it) are
 * exercised too. Values are never null: a null where a version forbids it is a bug of the caller,
 * not of the codec.
 */
final class RandomMessages {
  private final Random random;

  RandomMessages(long seed) {
    this.random = new Random(seed);
  }

  <T> T fill(Class<T> type, int depth) {
    try {
      T message = type.getConstructor().newInstance();
      for (Method setter : type.getMethods()) {
        if (!setter.getName().startsWith("set")
            || setter.getParameterCount() != 1
            || Modifier.isStatic(setter.getModifiers())
            || random.nextInt(3) == 0) {
          continue;
        }
        setter.invoke(
            message,
            value(setter.getParameterTypes()[0], setter.getGenericParameterTypes()[0], depth));
      }
      return message;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot fill " + type, e);
    }
  }

  private Object value(Class<?> type, Type generic, int depth) {
    if (type == boolean.class) {
      return random.nextBoolean();
    } else if (type == byte.class) {
      return (byte) random.nextInt();
    } else if (type == short.class) {
      return (short) random.nextInt();
    } else if (type == int.class) {
      return random.nextInt(4) == 0 ? -1 : random.nextInt();
    } else if (type == long.class) {
      return random.nextInt(4) == 0 ? -1L : random.nextLong();
    } else if (type == double.class) {
      return random.nextDouble();
    } else if (type == String.class) {
      return string();
    } else if (type == byte[].class) {
      byte[] bytes = new byte[random.nextInt(20)];
      random.nextBytes(bytes);
      return bytes;
    } else if (type == UUID.class) {
      return new UUID(random.nextLong(), random.nextLong());
    } else if (type == Records.class) {
      byte[] bytes = new byte[random.nextInt(100)];
      random.nextBytes(bytes);
      return new ByteBufRecords(Unpooled.wrappedBuffer(bytes));
    } else if (type == List.class) {
      Type element = ((ParameterizedType) generic).getActualTypeArguments()[0];
      Class<?> elementClass = (Class<?>) element;
      List<Object> list = new ArrayList<>();
      int size = depth > 3 ? 0 : random.nextInt(4);
      for (int i = 0; i < size; i++) {
        list.add(value(unbox(elementClass), elementClass, depth + 1));
      }
      return list;
    } else {
      return fill(type, depth + 1);
    }
  }

  private static Class<?> unbox(Class<?> c) {
    if (c == Integer.class) {
      return int.class;
    } else if (c == Long.class) {
      return long.class;
    } else if (c == Short.class) {
      return short.class;
    } else if (c == Byte.class) {
      return byte.class;
    } else if (c == Boolean.class) {
      return boolean.class;
    } else if (c == Double.class) {
      return double.class;
    }
    return c;
  }

  private String string() {
    int length = random.nextInt(12);
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      // Mostly ASCII, sometimes a multi-byte character, so that byte and char lengths differ.
      sb.append(random.nextInt(10) == 0 ? 'é' : (char) ('a' + random.nextInt(26)));
    }
    return sb.toString();
  }
}
