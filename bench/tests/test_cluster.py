"""Unit tests of bench/cluster.py's --vs-kafka pieces and of benchlib's Kafka cluster configuration.

No broker is started: these check the generated configuration, the order of the rounds and the
arithmetic of the comparison. python3 -m unittest discover bench/tests
"""

import contextlib
import io
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cluster  # noqa: E402
from benchlib import brokers  # noqa: E402

PORTS = {1: 9101, 2: 9102, 3: 9103}
CONTROLLER_PORTS = {1: 9201, 2: 9202, 3: 9203}


def properties_of(text):
    pairs = [line.split("=", 1) for line in text.splitlines() if line]
    keys = [key for key, _ in pairs]
    return dict(pairs), keys


class KafkaClusterConfigTest(unittest.TestCase):
    def test_quorumVoters_unorderedPorts_everyNodeByIdOnLoopback(self):
        self.assertEqual("1@127.0.0.1:9201,2@127.0.0.1:9202,3@127.0.0.1:9203",
                         brokers.quorum_voters({3: 9203, 1: 9201, 2: 9202}))

    def test_nodeProperties_secondNode_ownPortsSharedVoters(self):
        text = brokers.kafka_node_properties(2, PORTS, CONTROLLER_PORTS, "/d/node-2")
        props, _ = properties_of(text)
        self.assertEqual("2", props["node.id"])
        self.assertEqual("broker,controller", props["process.roles"])
        self.assertEqual("PLAINTEXT://127.0.0.1:9102,CONTROLLER://127.0.0.1:9202",
                         props["listeners"])
        self.assertEqual("PLAINTEXT://127.0.0.1:9102", props["advertised.listeners"])
        self.assertEqual("1@127.0.0.1:9201,2@127.0.0.1:9202,3@127.0.0.1:9203",
                         props["controller.quorum.voters"])
        self.assertEqual("/d/node-2", props["log.dirs"])

    def test_nodeProperties_threeNodes_internalTopicsReplicatedThreeMinIsrTwo(self):
        props, _ = properties_of(
            brokers.kafka_node_properties(1, PORTS, CONTROLLER_PORTS, "/d"))
        self.assertEqual("3", props["offsets.topic.replication.factor"])
        self.assertEqual("3", props["transaction.state.log.replication.factor"])
        self.assertEqual("2", props["transaction.state.log.min.isr"])

    def test_nodeProperties_oneNode_internalTopicsSingleReplica(self):
        props, _ = properties_of(brokers.kafka_node_properties(1, {1: 9101}, {1: 9201}, "/d"))
        self.assertEqual("1", props["offsets.topic.replication.factor"])
        self.assertEqual("1", props["transaction.state.log.min.isr"])
        self.assertEqual("1@127.0.0.1:9201", props["controller.quorum.voters"])

    def test_nodeProperties_extraProperties_lastSoTheyWin(self):
        text = brokers.kafka_node_properties(
            1, PORTS, CONTROLLER_PORTS, "/d",
            ["min.insync.replicas=2", "log.flush.interval.messages=1"])
        _, keys = properties_of(text)
        self.assertEqual(["min.insync.replicas", "log.flush.interval.messages"], keys[-2:])
        self.assertTrue(text.endswith("log.flush.interval.messages=1\n"))

    def test_newClusterId_twoCalls_distinct22CharUrlSafe(self):
        first, second = brokers.new_cluster_id(), brokers.new_cluster_id()
        self.assertNotEqual(first, second)
        self.assertEqual(22, len(first))
        self.assertRegex(first, r"^[A-Za-z0-9_-]{22}$")

    def test_newClusterId_firstDrawStartsWithDash_drawsAgain(self):
        draws = iter([b"\xf8" + bytes(15), bytes(16)])  # base64 "-A...", then "AAAA..."
        self.assertEqual("A" * 22, brokers.new_cluster_id(lambda: next(draws)))

    def test_kafkaCluster_beforeStart_nodeDirsAndJvmOptsAsGiven(self):
        kafka = brokers.KafkaCluster("/libs", "/w", print, nodes=3,
                                     jvm_opts=["-Xms256m", "-Xmx1g", "-XX:+UseG1GC"])
        self.assertEqual([1, 2, 3], kafka.node_ids)
        self.assertEqual(["-Xms256m", "-Xmx1g", "-XX:+UseG1GC"], kafka.jvm_opts)
        self.assertEqual(Path("/w/kafka-cluster/node-2"), kafka._node_dir(2))
        self.assertEqual([], kafka.pids)
        kafka.stop()  # nothing started: a no-op, as on the way out of a failed start


class VsKafkaTest(unittest.TestCase):
    def test_rotation_threeSystems_eachFirstOnceInThreeRounds(self):
        systems = ["sluice", "kafka", "kafka-fsync"]
        orders = [cluster.rotation(systems, run) for run in range(4)]
        self.assertEqual(["sluice", "kafka", "kafka-fsync"], orders[0])
        self.assertEqual(["kafka", "kafka-fsync", "sluice"], orders[1])
        self.assertEqual(["kafka-fsync", "sluice", "kafka"], orders[2])
        self.assertEqual(orders[0], orders[3])

    def test_pairedRatios_perRound_failedAndUnmeasuredLeftOut(self):
        sluice = [{"records_s": 30.0, "gc_count": 2}, {"records_s": 20.0, "gc_count": -1},
                  {"error": "exit 1"}]
        kafka = [{"records_s": 20.0, "gc_count": 4}, {"records_s": 25.0, "gc_count": 5},
                 {"records_s": 10.0}]
        ratios = cluster.paired_ratios(sluice, kafka, ("records_s", "gc_count"))
        self.assertEqual([{"records_s": 1.5, "gc_count": 0.5}, {"records_s": 0.8}, {}], ratios)

    def test_pairedRatios_zeroDenominator_leftOut(self):
        ratios = cluster.paired_ratios([{"gc_count": 3}], [{"gc_count": 0}], ("gc_count",))
        self.assertEqual([{}], ratios)

    def test_summarizeRuns_failedRound_medianOfTheOthers(self):
        table = cluster.summarize_runs(
            [{"records_s": 10.0}, {"error": "x"}, {"records_s": 30.0}, {"records_s": 14.0}],
            ("records_s", "lat_p99_ms"))
        self.assertEqual({"median": 14.0, "min": 10.0, "max": 30.0, "n": 3}, table["records_s"])
        self.assertNotIn("lat_p99_ms", table)

    def test_vsKafkaMarkdown_systemsThenRatios(self):
        table = {"sluice": cluster.summarize_runs([{"records_s": 21000.0}, {"records_s": 19000.0},
                                                   {"records_s": 20000.0}], ("records_s",)),
                 "kafka": {}}
        ratios = {"sluice / kafka": cluster.summarize_runs(
            [{"records_s": 1.1}, {"records_s": 0.9}, {"records_s": 1.25}], ("records_s",))}
        lines = cluster.vs_kafka_markdown(table, ratios, ("records_s", "lat_p99_ms"))
        self.assertEqual("| system | records_s | lat_p99_ms |", lines[0])
        self.assertEqual("| sluice | 20,000 (19,000-21,000) | n/a |", lines[2])
        self.assertEqual("| kafka | n/a | n/a |", lines[3])
        self.assertEqual("| sluice / kafka | 1.10x (0.90-1.25) | n/a |", lines[4])

    def test_parseArgs_unknownSystem_refused(self):
        err = io.StringIO()
        with self.assertRaises(SystemExit), contextlib.redirect_stderr(err):
            cluster.parse_args(["--vs-kafka", "--systems", "sluice,redpanda"])
        self.assertIn("unknown systems: redpanda", err.getvalue())

    def test_parseArgs_defaults_allSystemsSameJvmOpts(self):
        args = cluster.parse_args(["--vs-kafka"])
        self.assertEqual(["sluice", "kafka", "kafka-fsync"], args.systems.split(","))
        self.assertEqual("-Xms256m -Xmx1g -XX:+UseG1GC", args.jvm_opts)
        self.assertEqual(["log.flush.interval.messages=1"], cluster.VS_SYSTEMS["kafka-fsync"])


if __name__ == "__main__":
    unittest.main()
