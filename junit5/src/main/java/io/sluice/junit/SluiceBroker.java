package io.sluice.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class (or method) against an in-process Sluice broker on {@code
 * 127.0.0.1}, a free port and a temporary data directory, deleted afterwards:
 *
 * <pre>{@code
 * @SluiceBroker
 * class OrdersTest {
 *   @Test
 *   void roundTrip(@BootstrapServers String bootstrap) {
 *     props.put("bootstrap.servers", bootstrap);
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>The broker reaches the test as a parameter or a field: of type {@link
 * io.sluice.broker.EmbeddedBroker}, or a {@code String} annotated with {@link BootstrapServers}.
 * With {@link Lifecycle#PER_METHOD} (the default) every test method gets a fresh broker, started
 * before the method and stopped after it, also when it fails. With {@link Lifecycle#PER_CLASS} one
 * broker serves the whole class (and may be injected into static fields and {@code @BeforeAll}
 * methods). An annotation on a method wins over the one on its class.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SluiceBrokerExtension.class)
public @interface SluiceBroker {

  /** Configuration keys of {@code server.properties} to change, each as {@code key=value}. */
  String[] overrides() default {};

  /** Whether each test method gets its own broker or the class shares one. */
  Lifecycle lifecycle() default Lifecycle.PER_METHOD;

  /** How long a broker lives. */
  enum Lifecycle {
    /** A fresh broker for every test method: no state leaks from one test to the next. */
    PER_METHOD,
    /** One broker for all methods of the class: faster when the tests use distinct topics. */
    PER_CLASS
  }
}
