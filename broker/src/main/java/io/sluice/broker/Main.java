package io.sluice.broker;

import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.config.ConfigException;
import io.sluice.protocol.SluiceException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon: {@code Main [--config server.properties] [--override key=value]...}. Starts a broker
 * and runs until SIGTERM/SIGINT, which trigger a clean shutdown. Exit status 2 for a configuration
 * error (the message names the key), 1 for any other startup failure (one line on stderr, e.g.
 * {@code sluice-broker: cannot listen on 127.0.0.1:9092: Address already in use}; the JVM exits
 * even though storage threads were started), 0 after {@code --help}.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  static final String USAGE =
      """
      usage: sluice-broker [--config FILE] [--override key=value]...
        --config FILE           broker configuration (Kafka's server.properties format)
        --override key=value    sets one configuration key, over the file; repeatable
        --help                  this text
      Runs until SIGTERM or SIGINT (clean shutdown). Exit status: 1 if it cannot start (the
      message names the address or directory), 2 for a bad argument or configuration.
      See docs/configuration.md for the keys.
      """;

  private Main() {}

  public static void main(String[] args) {
    // Netty's JFR allocation events would initialise the Flight Recorder's event metadata on the
    // first pooled allocation, about 0.1 s added to the first request after every start
    // (docs/performance.md). Off unless asked for with -Dio.netty.jfr.enabled=true; set before any
    // Netty class reads it.
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.print(USAGE);
      System.exit(0);
      return;
    }
    BrokerConfig config;
    try {
      config = parse(args);
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("sluice-broker: " + e.getMessage());
      System.exit(2);
      return;
    }
    Broker broker;
    try {
      broker = Broker.start(config);
    } catch (UncheckedIOException | SluiceException e) {
      // The listener or a log directory (in use, unreadable): the message names it.
      System.err.println("sluice-broker: " + e.getMessage());
      System.exit(1);
      return;
    } catch (Throwable e) { // also an undeclared checked exception: the JVM must exit
      log.error("cannot start", e);
      System.err.println("sluice-broker: cannot start: " + e);
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  broker.close();
                  stopped.countDown();
                },
                "sluice-shutdown"));
    System.out.println(
        "Sluice broker listening on "
            + broker.bootstrapServers()
            + ", data in "
            + config.logDirs().get(0).toAbsolutePath().normalize());
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static BrokerConfig parse(String[] args) {
    Path file = null;
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if ((arg.equals("--config") || arg.equals("--override")) && i + 1 == args.length) {
        throw new IllegalArgumentException(arg + " needs a value");
      }
      if (arg.equals("--config")) {
        file = Path.of(args[++i]);
      } else if (arg.equals("--override")) {
        String pair = args[++i];
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--override expects key=value, got '" + pair + "'");
        }
        overrides.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      } else {
        throw new IllegalArgumentException(
            "unknown argument '"
                + arg
                + "' (usage: [--config FILE] [--override key=value]..., --help)");
      }
    }
    return file == null ? BrokerConfig.from(overrides) : BrokerConfig.load(file, overrides);
  }
}
