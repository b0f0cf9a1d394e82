package io.sluice.testcontainers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the image's entry point script on this host, as the tests need it. */
final class Entrypoint {
  private Entrypoint() {}

  /** The checkout this module lives in (tests run in the module directory). */
  static Path repoRoot() {
    Path root = Path.of("").toAbsolutePath().getParent();
    if (!Files.isRegularFile(root.resolve("docker/sluice-entrypoint.sh"))) {
      throw new IllegalStateException("no docker/sluice-entrypoint.sh under " + root);
    }
    return root;
  }

  /**
   * A process builder for the entry point with exactly {@code env} (plus PATH and JAVA_HOME), so
   * that SLUICE_* variables of the machine running the tests do not leak in.
   */
  static ProcessBuilder builder(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(repoRoot().resolve("docker/sluice-entrypoint.sh").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> environment = builder.environment();
    String path = environment.get("PATH");
    String javaHome = System.getProperty("java.home");
    environment.clear();
    environment.put("PATH", path);
    environment.put("JAVA_HOME", javaHome);
    environment.putAll(env);
    return builder;
  }

  /** Runs the entry point to completion; returns stdout, or throws with stderr on failure. */
  static Result run(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Process process = builder(env, args).start();
    try {
      process.getOutputStream().close();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError("the entry point did not finish within 30 s");
      }
      return new Result(
          process.exitValue(),
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
          new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    } finally {
      process.destroyForcibly();
    }
  }

  record Result(int exitCode, String stdout, String stderr) {
    List<String> lines() {
      return stdout.isEmpty() ? List.of() : List.of(stdout.split("\n"));
    }
  }
}
