package io.sluice.junit;

import io.sluice.broker.EmbeddedBroker;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The extension behind {@link SluiceBroker}: starts an {@link EmbeddedBroker} before a test class
 * ({@link SluiceBroker.Lifecycle#PER_CLASS}) or before each test method ({@link
 * SluiceBroker.Lifecycle#PER_METHOD}), injects it into fields and parameters, and closes it (which
 * deletes its data) afterwards. The broker lives in the JUnit extension store of the class or
 * method it belongs to, so a method sees its own broker first and its class's otherwise; a
 * {@code @Nested} class sees its enclosing class's. Stateless itself: JUnit may share one instance
 * between classes and threads.
 */
public final class SluiceBrokerExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SluiceBrokerExtension.class);
  private static final String BROKER = "broker";

  @Override
  public void beforeAll(ExtensionContext context) {
    Optional<SluiceBroker> annotation =
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), SluiceBroker.class);
    if (annotation.isPresent()
        && annotation.get().lifecycle() == SluiceBroker.Lifecycle.PER_CLASS) {
      EmbeddedBroker broker = start(annotation.get());
      context.getStore(NAMESPACE).put(BROKER, broker);
      inject(context.getRequiredTestClass(), null, broker);
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Optional<SluiceBroker> onMethod =
        AnnotationSupport.findAnnotation(context.getRequiredTestMethod(), SluiceBroker.class);
    Optional<SluiceBroker> onClass =
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), SluiceBroker.class);
    boolean fresh =
        onMethod.isPresent()
            || (onClass.isPresent()
                && onClass.get().lifecycle() == SluiceBroker.Lifecycle.PER_METHOD);
    if (fresh) {
      context
          .getStore(NAMESPACE)
          .put(BROKER, start(onMethod.isPresent() ? onMethod.get() : onClass.get()));
    }
    EmbeddedBroker broker = context.getStore(NAMESPACE).get(BROKER, EmbeddedBroker.class);
    if (broker == null) {
      return; // a @Nested class without a broker of its own or around it
    }
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      inject(instance.getClass(), instance, broker);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == EmbeddedBroker.class
        || (type == String.class && parameter.isAnnotated(BootstrapServers.class));
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    EmbeddedBroker broker = context.getStore(NAMESPACE).get(BROKER, EmbeddedBroker.class);
    if (broker == null) {
      throw new ParameterResolutionException(
          "no Sluice broker for "
              + parameter.getParameter()
              + ": a PER_METHOD broker exists only for test methods and their @BeforeEach/@AfterEach;"
              + " use lifecycle = PER_CLASS for constructors and @BeforeAll");
    }
    return parameter.getParameter().getType() == EmbeddedBroker.class
        ? broker
        : broker.bootstrapServers();
  }

  /** Closes the broker this context started, if it started one (not its parent's). */
  private static void close(ExtensionContext context) {
    EmbeddedBroker broker = context.getStore(NAMESPACE).remove(BROKER, EmbeddedBroker.class);
    if (broker != null) {
      broker.close();
    }
  }

  static EmbeddedBroker start(SluiceBroker annotation) {
    return EmbeddedBroker.start(overrides(annotation.overrides()));
  }

  /** Parses {@code key=value} entries; a malformed one fails the test class with its text. */
  static Map<String, String> overrides(String[] entries) {
    Map<String, String> overrides = new LinkedHashMap<>();
    for (String entry : entries) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new ExtensionConfigurationException(
            "@SluiceBroker(overrides): expected key=value, got '" + entry + "'");
      }
      overrides.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
    }
    return overrides;
  }

  /**
   * Sets the fields of {@code type} (and its superclasses) that take a broker: static ones when
   * {@code instance} is null, instance fields otherwise.
   */
  private static void inject(Class<?> type, Object instance, EmbeddedBroker broker) {
    List<Field> fields =
        ReflectionSupport.findFields(
            type,
            field ->
                Modifier.isStatic(field.getModifiers()) == (instance == null)
                    && !Modifier.isFinal(field.getModifiers())
                    && (field.getType() == EmbeddedBroker.class
                        || (field.getType() == String.class
                            && field.isAnnotationPresent(BootstrapServers.class))),
            HierarchyTraversalMode.TOP_DOWN);
    for (Field field : fields) {
      Object value = field.getType() == EmbeddedBroker.class ? broker : broker.bootstrapServers();
      try {
        field.setAccessible(true);
        field.set(instance, value);
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new ExtensionConfigurationException(
            "cannot set " + field + " to the Sluice broker", e);
      }
    }
  }
}
