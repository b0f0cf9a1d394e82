package io.sluice.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.Producer;
import io.sluice.client.ProducerConfig;
import io.sluice.client.ProducerRecord;
import io.sluice.client.testing.TestBroker;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an application that depends on {@code sluice-client} gets: its runtime class path (written
 * by the build to {@code target/runtime-classpath.txt}, Maven's resolution with scope runtime)
 * holds Netty, the protocol module, slf4j-api and the three codec libraries kafka-clients uses
 * (snappy-java, lz4-java, zstd-jni), and nothing of the CLI's (logback, picocli, HdrHistogram,
 * Jackson); and a consumer application run on exactly that class path with no logging configuration
 * prints nothing on stdout.
 */
@Timeout(120)
class LibraryClasspathIT {
  private static final Path CLASSPATH_FILE = Path.of("target", "runtime-classpath.txt");

  /** Jar-name prefixes a library user may find on the client's runtime class path. */
  private static final Pattern ALLOWED =
      Pattern.compile(
          "(netty-[a-z0-9-]+|slf4j-api|sluice-protocol|snappy-java|lz4-java|zstd-jni)-[0-9].*\\.jar");

  private static List<String> runtimeClasspath() throws Exception {
    assertTrue(
        Files.isRegularFile(CLASSPATH_FILE),
        CLASSPATH_FILE.toAbsolutePath() + " is missing: the build writes it (build-classpath)");
    String text = Files.readString(CLASSPATH_FILE, StandardCharsets.UTF_8).trim();
    return Arrays.asList(text.split(Pattern.quote(File.pathSeparator)));
  }

  @Test
  void runtimeClasspath_isNettyProtocolSlf4jApiAndCodecsOnly() throws Exception {
    List<String> entries = runtimeClasspath();
    List<String> unexpected = new ArrayList<>();
    boolean protocol = false;
    boolean slf4j = false;
    for (String entry : entries) {
      Path path = Path.of(entry);
      String name = path.getFileName().toString();
      // Inside the reactor the protocol module resolves to its classes directory.
      boolean protocolClasses =
          name.equals("classes")
              && path.getParent().getParent().getFileName().toString().equals("protocol");
      protocol |= protocolClasses || name.startsWith("sluice-protocol-");
      slf4j |= name.startsWith("slf4j-api-");
      if (!protocolClasses && !ALLOWED.matcher(name).matches()) {
        unexpected.add(name);
      }
    }
    assertEquals(List.of(), unexpected, "runtime class path: " + entries);
    assertTrue(protocol, "the protocol module is a runtime dependency: " + entries);
    assertTrue(slf4j, "slf4j-api is a runtime dependency: " + entries);
  }

  @Test
  void consumerApplication_withNoLoggingConfiguration_printsNothingOnStdout() throws Exception {
    List<String> classpath = new ArrayList<>();
    classpath.add(Path.of("target", "classes").toAbsolutePath().toString());
    classpath.add(Path.of("target", "test-classes").toAbsolutePath().toString());
    classpath.addAll(runtimeClasspath());
    try (TestBroker broker = TestBroker.start()) {
      broker.createTopic("app-topic", 2);
      try (Producer<byte[], byte[]> producer =
          new Producer<>(ProducerConfig.builder().bootstrapServers(broker.bootstrap()).build())) {
        for (int i = 0; i < 3; i++) {
          producer.send(
              new ProducerRecord<>(
                  "app-topic",
                  i % 2,
                  null,
                  null,
                  ("r" + i).getBytes(StandardCharsets.UTF_8),
                  null));
        }
        producer.flush();
      }
      Path out = Files.createTempFile("quiet-app", ".out");
      Path err = Files.createTempFile("quiet-app", ".err");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process process =
          new ProcessBuilder(
                  java,
                  "-cp",
                  String.join(File.pathSeparator, classpath),
                  QuietConsumerApp.class.getName(),
                  broker.bootstrap(),
                  "app-topic",
                  "3")
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      try {
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), "the application did not finish");
        String stderr = Files.readString(err);
        assertEquals(0, process.exitValue(), "stderr: " + stderr);
        assertTrue(stderr.contains("consumed 3: "), stderr);
        assertEquals("", Files.readString(out), "the library printed on stdout");
      } finally {
        process.destroyForcibly().waitFor();
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    }
  }
}
