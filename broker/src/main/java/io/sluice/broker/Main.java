package io.sluice.broker;

import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.config.ConfigException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The daemon: {@code Main [--config server.properties] [--override key=value]...}. Starts a broker
 * and runs until SIGTERM/SIGINT, which trigger a clean shutdown. Exit status 2 for a configuration
 * error (the message names the key), 1 for any other startup failure.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Netty's JFR allocation events would initialise the Flight Recorder's event metadata on the
    // first pooled allocation, about 0.1 s added to the first request after every start
    // (docs/performance.md). Off unless asked for with -Dio.netty.jfr.enabled=true; set before any
    // Netty class reads it.
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
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
    } catch (RuntimeException e) {
      System.err.println("sluice-broker: cannot start: " + e);
      e.printStackTrace(System.err);
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
            "unknown argument '" + arg + "' (usage: [--config FILE] [--override key=value]...)");
      }
    }
    return file == null ? BrokerConfig.from(overrides) : BrokerConfig.load(file, overrides);
  }
}
