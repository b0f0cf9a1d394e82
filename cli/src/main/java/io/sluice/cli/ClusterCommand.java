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

/** {@code sluice cluster describe}. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "Describe the cluster: brokers, controller, partition leaders.",
    subcommands = {ClusterCommand.Describe.class})
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
