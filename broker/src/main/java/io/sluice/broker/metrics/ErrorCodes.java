package io.sluice.broker.metrics;

import io.sluice.protocol.message.ApiMessage;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the non-zero error codes in a response body: every {@code errorCode()} of the message and
 * of its nested structures (per topic, per partition, per member...), as Kafka's {@code
 * errorCounts()} does. The generated message classes have no common accessor for this, so the walk
 * is derived once per class by reflection over their getters (only those that lead to an {@code
 * errorCode()}) and cached; a walk then costs a few reflective calls per nested element.
 * Thread-safe.
 */
final class ErrorCodes {
  /** Receives each non-zero error code found. */
  interface Sink {
    void error(short code);
  }

  /** How to walk one class: its own errorCode getter (or null), and getters to descend into. */
  private record Walk(Method errorCode, List<Method> lists, List<Method> structs) {
    boolean empty() {
      return errorCode == null && lists.isEmpty() && structs.isEmpty();
    }
  }

  private static final Walk EMPTY = new Walk(null, List.of(), List.of());

  private static final ClassValue<Walk> WALKS =
      new ClassValue<>() {
        @Override
        protected Walk computeValue(Class<?> type) {
          return derive(type, new HashMap<>());
        }
      };

  private ErrorCodes() {}

  /** Calls {@code sink} once per non-zero error code in {@code response}. */
  static void forEach(ApiMessage response, Sink sink) {
    walk(response, sink);
  }

  private static void walk(Object message, Sink sink) {
    Walk walk = WALKS.get(message.getClass());
    if (walk.empty()) {
      return;
    }
    try {
      if (walk.errorCode != null) {
        short code = (short) walk.errorCode.invoke(message);
        if (code != 0) {
          sink.error(code);
        }
      }
      for (Method list : walk.lists) {
        Object elements = list.invoke(message);
        if (elements != null) {
          for (Object element : (List<?>) elements) {
            walk(element, sink);
          }
        }
      }
      for (Method struct : walk.structs) {
        Object element = struct.invoke(message);
        if (element != null) {
          walk(element, sink);
        }
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read the error codes of " + message.getClass(), e);
    }
  }

  /** The walk of {@code type}; {@code seen} breaks cycles between nested types. */
  private static Walk derive(Class<?> type, Map<Class<?>, Walk> seen) {
    Walk known = seen.get(type);
    if (known != null) {
      return known;
    }
    seen.put(type, EMPTY);
    Method errorCode = null;
    List<Method> lists = new ArrayList<>();
    List<Method> structs = new ArrayList<>();
    for (Method method : type.getMethods()) {
      if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      if (method.getName().equals("errorCode") && method.getReturnType() == short.class) {
        errorCode = method;
      } else if (method.getReturnType() == List.class) {
        Class<?> element = elementType(method.getGenericReturnType());
        if (isMessage(element) && !derive(element, seen).empty()) {
          lists.add(method);
        }
      } else if (isMessage(method.getReturnType())
          && method.getReturnType() != type
          && !derive(method.getReturnType(), seen).empty()) {
        structs.add(method);
      }
    }
    Walk walk = new Walk(errorCode, List.copyOf(lists), List.copyOf(structs));
    seen.put(type, walk);
    return walk;
  }

  private static Class<?> elementType(Type listType) {
    if (listType instanceof ParameterizedType parameterized
        && parameterized.getActualTypeArguments()[0] instanceof Class<?> element) {
      return element;
    }
    return Object.class;
  }

  /** Generated message classes and their nested structures live in the message package. */
  private static boolean isMessage(Class<?> type) {
    return type.getPackageName().equals(ApiMessage.class.getPackageName());
  }
}
