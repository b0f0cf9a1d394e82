package io.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.SluiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second broker on a data directory that a running broker holds stops at once, naming the
 * directory and the holder's pid, and leaves the directory alone: in one JVM, and as two daemons
 * started through {@code bin/sluice-broker}.
 */
class LogDirLockIT {
  @TempDir Path dataDir;
  @TempDir Path stateDir;
  @TempDir Path otherStateDir;

  @Test
  void secondBrokerInProcess_sameDataDir_refusedNamingDirAndPid() throws Exception {
    try (EmbeddedBroker first = EmbeddedBroker.start(dataDir, Map.of())) {
      try (Admin admin = Admin.create(KafkaClients.admin(first.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("held", 2, (short) 1))).all().get();
      }
      SluiceException e =
          assertThrows(SluiceException.class, () -> EmbeddedBroker.start(dataDir, Map.of()));
      assertTrue(
          e.getMessage().contains(dataDir.toAbsolutePath().normalize().toString()), e.getMessage());
      assertTrue(
          e.getMessage().contains("(pid " + ProcessHandle.current().pid() + ")"), e.getMessage());
      // The first broker still serves, and its directory was not touched by the second.
      assertTrue(Files.isDirectory(dataDir.resolve("held-1")));
      assertTrue(Files.exists(dataDir.resolve("meta.properties")));
      try (Admin admin = Admin.create(KafkaClients.admin(first.bootstrapServers()))) {
        assertEquals(1, admin.listTopics().names().get().size());
      }
    }
    // Closed cleanly: the lock is free and a new broker opens the directory.
    try (EmbeddedBroker again = EmbeddedBroker.start(dataDir, Map.of())) {
      try (Admin admin = Admin.create(KafkaClients.admin(again.bootstrapServers()))) {
        assertEquals(java.util.Set.of("held"), admin.listTopics().names().get());
      }
    }
  }

  @Test
  void secondDaemon_sameDataDir_exitsNamingDirAndPid_firstKeepsRunning() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(DaemonProcess.SCRIPT), "needs bin/sluice-broker");
    Assumptions.assumeTrue(
        Files.isDirectory(DaemonProcess.PROJECT.resolve("broker/target/lib")),
        "needs the packaged broker (runs after mvn package)");
    DaemonProcess first = new DaemonProcess(dataDir, stateDir);
    first.start();
    try {
      long pid = first.pid();
      DaemonProcess second = new DaemonProcess(dataDir, otherStateDir);
      IllegalStateException refused = assertThrows(IllegalStateException.class, second::start);
      String out = refused.getMessage();
      assertTrue(out.contains(dataDir.toAbsolutePath().normalize().toString()), out);
      assertTrue(out.contains("is in use by another broker (pid " + pid + ")"), out);
      // The first daemon is unaffected: still alive and accepting connections.
      assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      try (Admin admin = Admin.create(KafkaClients.admin(first.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("after", 1, (short) 1))).all().get();
      }
    } finally {
      first.stop();
    }
  }
}
