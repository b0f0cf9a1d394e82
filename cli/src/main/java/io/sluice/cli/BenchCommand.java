package io.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.cli.ZeroCopyBenchmark.Method;
import io.sluice.cli.ZeroCopyBenchmark.Result;
import io.sluice.cli.ZeroCopyBenchmark.Target;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice bench ...}: local benchmarks that need no broker. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Local benchmarks (no broker needed).",
    subcommands = {BenchCommand.ZeroCopy.class})
final class BenchCommand {

  @Command(
      name = "zerocopy",
      mixinStandardHelpOptions = true,
      description = {
        "Copies a file by a read/write loop and by FileChannel.transferTo (sendfile),",
        "file-to-file and file-to-socket over loopback, and compares median time,",
        "throughput and process CPU time."
      })
  static final class ZeroCopy implements Callable<Integer> {
    private final Terminal terminal;

    @Option(
        names = "--size",
        paramLabel = "BYTES",
        defaultValue = "200MiB",
        converter = SizeConverter.class,
        description = "File size, e.g. 200MiB, 64KiB, 1048576 (default: ${DEFAULT-VALUE}).")
    long size;

    @Option(
        names = "--runs",
        defaultValue = "5",
        description = "Runs per method; the median is reported (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "Directory for the temporary file (default: the system temp directory).")
    Path directory;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    ZeroCopy(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() throws Exception {
      Path dir = directory != null ? directory : Path.of(System.getProperty("java.io.tmpdir"));
      List<Result> results = new ZeroCopyBenchmark(size, runs, dir).run();
      if (json) {
        printJson(results);
      } else {
        printTable(results);
      }
      return ExitCode.OK;
    }

    private void printTable(List<Result> results) {
      PrintWriter out = terminal.out();
      out.printf(
          "zero-copy benchmark: %s file, median of %d runs, source warm in the page cache%n",
          SizeConverter.format(size), runs);
      out.printf("%-16s %-12s %10s %10s %10s%n", "copy", "method", "time ms", "MiB/s", "cpu ms");
      for (Result r : results) {
        out.printf(
            "%-16s %-12s %10.1f %10.1f %10.1f%n",
            r.target() == Target.FILE ? "file -> file" : "file -> socket",
            r.method() == Method.READ_WRITE ? "read/write" : "transferTo",
            r.medianMillis(),
            r.mibPerSecond(),
            r.cpuMillis());
      }
      for (Target target : Target.values()) {
        Result copy = find(results, target, Method.READ_WRITE);
        Result zero = find(results, target, Method.TRANSFER_TO);
        // CPU time is sampled at the kernel's tick; below a few ticks a ratio means nothing.
        String cpu =
            zero.cpuMillis() < 20
                ? "CPU ratio n/a (too short to measure)"
                : String.format("%.2fx less CPU", copy.cpuMillis() / zero.cpuMillis());
        out.printf(
            "%s: transferTo takes %.2fx less time, %s than read/write%n",
            target == Target.FILE ? "file -> file" : "file -> socket",
            copy.medianMillis() / zero.medianMillis(),
            cpu);
      }
    }

    private void printJson(List<Result> results) throws Exception {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("bytes", size);
      root.put("runs", runs);
      ArrayNode array = root.putArray("results");
      for (Result r : results) {
        ObjectNode node = array.addObject();
        node.put("target", r.target().name().toLowerCase(java.util.Locale.ROOT));
        node.put("method", r.method() == Method.READ_WRITE ? "read_write" : "transfer_to");
        node.put("medianMs", r.medianMillis());
        node.put("mibPerSec", r.mibPerSecond());
        node.put("cpuMs", r.cpuMillis());
      }
      terminal.out().println(mapper.writeValueAsString(root));
    }

    private static Result find(List<Result> results, Target target, Method method) {
      return results.stream()
          .filter(r -> r.target() == target && r.method() == method)
          .findFirst()
          .orElseThrow();
    }
  }
}
