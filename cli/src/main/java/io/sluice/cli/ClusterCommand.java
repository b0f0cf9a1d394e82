package io.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.client.Admin;
import io.sluice.client.ClusterDescription;
import io.sluice.client.TopicPartition;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice cluster describe}, {@code sluice cluster elect-leaders}. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description =
        "Describe the cluster (brokers, controller, partition leaders); elect leaders on request.",
    subcommands = {ClusterCommand.Describe.class, ClusterCommand.ElectLeaders.class})
final class ClusterCommand {

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description =
          "Show every live broker (address, rack), the controller, and the partitions each"
              + " broker leads; partitions without a leader are listed as offline.")
  static final class Describe implements Callable<Integer> {
    private final Terminal terminal;
    @Mixin CommonOptions common;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    Describe(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() throws Exception {
      ClusterDescription cluster;
      Map<TopicPartition, Integer> leaders;
      try (Admin admin =
          new Admin(
              common.bootstrapServer, Duration.ofMillis(common.timeoutMs), common.security())) {
        cluster = admin.describeCluster();
        leaders = admin.partitionLeaders();
      }
      Layout layout = Layout.of(cluster, leaders);
      if (json) {
        terminal.out().println(json(cluster, layout));
      } else {
        print(terminal.out(), cluster, layout, leaders.size());
      }
      return ExitCode.OK;
    }
  }

  /**
   * {@code sluice cluster elect-leaders}: Kafka's {@code kafka-leader-election} (ElectLeaders).
   * Prints one line per outcome kind, as Kafka's tool does; exit 1 when a partition could not be
   * elected.
   */
  @Command(
      name = "elect-leaders",
      mixinStandardHelpOptions = true,
      description =
          "Elect leaders on request: move leadership back to each partition's preferred replica"
              + " (--type preferred), or give a partition without a live leader one, outside the"
              + " in-sync replicas if need be (--type unclean: loses what only those had).")
  static final class ElectLeaders implements Callable<Integer> {
    enum Type {
      preferred,
      unclean
    }

    private final Terminal terminal;
    @Mixin CommonOptions common;

    @Option(
        names = "--type",
        required = true,
        description = "preferred or unclean.",
        paramLabel = "TYPE")
    Type type;

    @Option(
        names = "--all",
        description =
            "Every partition of every topic (only those that needed an election are" + " listed).")
    boolean all;

    @Option(names = "--topic", description = "The topic (without --partition: all its partitions).")
    String topic;

    @Option(names = "--partition", description = "A partition of --topic; repeatable.")
    List<Integer> partitions;

    ElectLeaders(Terminal terminal) {
      this.terminal = terminal;
    }

    @Override
    public Integer call() throws Exception {
      if (all == (topic != null) || (partitions != null && topic == null)) {
        terminal.err().println("give either --all or --topic (with --partition to pick some)");
        return ExitCode.USAGE;
      }
      Map<TopicPartition, java.util.Optional<io.sluice.client.SluiceClientException>> outcomes;
      try (Admin admin =
          new Admin(
              common.bootstrapServer, Duration.ofMillis(common.timeoutMs), common.security())) {
        java.util.Set<TopicPartition> asked = null;
        if (!all) {
          asked = new java.util.LinkedHashSet<>();
          if (partitions == null) {
            int count = admin.partitionCount(topic);
            for (int p = 0; p < count; p++) {
              asked.add(new TopicPartition(topic, p));
            }
          } else {
            for (int p : partitions) {
              asked.add(new TopicPartition(topic, p));
            }
          }
        }
        outcomes = admin.electLeaders(type == Type.unclean, asked);
      }
      List<TopicPartition> elected = new ArrayList<>();
      List<TopicPartition> notNeeded = new ArrayList<>();
      Map<TopicPartition, String> failed = new LinkedHashMap<>();
      outcomes.forEach(
          (tp, outcome) -> {
            if (outcome.isEmpty()) {
              elected.add(tp);
            } else if (outcome.get().error() == io.sluice.protocol.Errors.ELECTION_NOT_NEEDED) {
              notNeeded.add(tp);
            } else {
              failed.put(tp, outcome.get().getMessage());
            }
          });
      PrintWriter out = terminal.out();
      if (!elected.isEmpty()) {
        out.printf("elected (%s): %s%n", type, names(elected));
      }
      if (!notNeeded.isEmpty()) {
        out.printf("already led as asked: %s%n", names(notNeeded));
      }
      if (elected.isEmpty() && notNeeded.isEmpty() && failed.isEmpty()) {
        out.println("no partition needed an election");
      }
      failed.forEach((tp, why) -> terminal.err().printf("%s: %s%n", tp, why));
      return failed.isEmpty() ? ExitCode.OK : ExitCode.FAILED;
    }
  }

  /**
   * The partitions each live broker leads (in broker id order, a broker leading none included), and
   * the partitions no live broker leads.
   */
  record Layout(Map<Integer, List<TopicPartition>> byBroker, List<TopicPartition> offline) {
    static Layout of(ClusterDescription cluster, Map<TopicPartition, Integer> leaders) {
      Map<Integer, List<TopicPartition>> byBroker = new LinkedHashMap<>();
      for (ClusterDescription.Broker broker : cluster.brokers()) {
        byBroker.put(broker.id(), new ArrayList<>());
      }
      List<TopicPartition> offline = new ArrayList<>();
      leaders.forEach(
          (tp, leader) -> {
            List<TopicPartition> led = byBroker.get(leader);
            (led == null ? offline : led).add(tp);
          });
      return new Layout(byBroker, offline);
    }
  }

  private static void print(
      PrintWriter out, ClusterDescription cluster, Layout layout, int partitions) {
    out.printf(
        "cluster %s: controller %s, %d broker(s), %d partition(s), %d offline%n%n",
        cluster.clusterId(),
        cluster.controllerId() < 0 ? "none" : Integer.toString(cluster.controllerId()),
        cluster.brokers().size(),
        partitions,
        layout.offline().size());
    out.println("BROKER\tHOST:PORT\tRACK\tCONTROLLER\tLEADER-OF\tPARTITIONS");
    for (ClusterDescription.Broker broker : cluster.brokers()) {
      List<TopicPartition> led = layout.byBroker().get(broker.id());
      out.printf(
          "%d\t%s:%d\t%s\t%s\t%d\t%s%n",
          broker.id(),
          broker.host(),
          broker.port(),
          broker.rack() == null ? "-" : broker.rack(),
          broker.id() == cluster.controllerId() ? "yes" : "-",
          led.size(),
          led.isEmpty() ? "-" : names(led));
    }
    if (!layout.offline().isEmpty()) {
      out.printf("%nOFFLINE (no leader): %s%n", names(layout.offline()));
    }
  }

  private static String names(List<TopicPartition> partitions) {
    StringBuilder text = new StringBuilder();
    for (TopicPartition tp : partitions) {
      if (text.length() > 0) {
        text.append(' ');
      }
      text.append(tp);
    }
    return text.toString();
  }

  private static String json(ClusterDescription cluster, Layout layout) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("clusterId", cluster.clusterId());
    root.put("controller", cluster.controllerId());
    ArrayNode brokers = root.putArray("brokers");
    for (ClusterDescription.Broker broker : cluster.brokers()) {
      ObjectNode node = brokers.addObject();
      node.put("id", broker.id());
      node.put("host", broker.host());
      node.put("port", broker.port());
      node.put("rack", broker.rack());
      node.put("controller", broker.id() == cluster.controllerId());
      partitions(node.putArray("leaderOf"), layout.byBroker().get(broker.id()));
    }
    partitions(root.putArray("offline"), layout.offline());
    return mapper.writeValueAsString(root);
  }

  private static void partitions(ArrayNode array, List<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      array.addObject().put("topic", tp.topic()).put("partition", tp.partition());
    }
  }
}
