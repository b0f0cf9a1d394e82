"""Unit tests of the harness's parsers and wire encoding: python3 -m unittest discover bench/tests

The tool outputs below were captured from kafka-tools 4.4.0 runs against Kafka 4.4.0.
"""

import struct
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchlib import jfr, kafkawire, plan, procstats, report, tools  # noqa: E402

PRODUCER_OUTPUT = """\
49156 records sent, 9823.3 records/sec (9.59 MB/sec), 2023.4 ms avg latency, 2914.0 ms max latency.
100000 records sent, 13743.815283 records/sec (13.42 MB/sec), 1725.69 ms avg latency, \
2914.00 ms max latency, 1659 ms 50th, 2764 ms 95th, 2871 ms 99th, 2912 ms 99.9th.
"""

# With --warmup-records 10000: the whole run's summary, then the steady state's.
PRODUCER_WARMUP_OUTPUT = """\
Warmup first 10000 records. Steady state results will print after the complete test summary.
In steady state.
9366 records sent, 1862.8 records/sec (1.82 MB/sec), 3977.6 ms avg latency, 4526.0 ms max latency.
30000 records sent, 3509.592887 records/sec (3.43 MB/sec), 3996.43 ms avg latency, \
6616.00 ms max latency, 4062 ms 50th, 6359 ms 95th, 6575 ms 99th, 6616 ms 99.9th.
20000 steady state records sent, 2734.855736 records/sec (2.67 MB/sec), 4903.25 ms avg latency, \
6616.00 ms max latency, 4580 ms 50th, 6441 ms 95th, 6594 ms 99th, 6616 ms 99.9th.
"""

CONSUMER_OUTPUT = """\
start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, \
rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
2026-11-26 15:04:46:109, 2026-11-26 15:04:50:862, 97.6563, 20.5462, 100000, 21039.3436, 2522, \
2231, 43.7724, 44822.9494
"""

E2E_OUTPUT = """\
Topic "e2e" does not exist. Will create topic with 1 partition(s) and replication factor = 1
0\t182.014198
Avg latency: 7.4009 ms
Percentiles: 50th = 4, 99th = 78, 99.9th = 182
"""

JFR_OUTPUT = """\
jdk.ExecutionSample {
  startTime = 15:10:01.123
  sampledThread = "epollEventLoopGroup-3-2" (javaThreadId = 31)
  state = "STATE_RUNNABLE"
  stackTrace = [
    java.util.zip.CRC32C.updateBytes(int, byte[], int, int) line: 120
    io.sluice.broker.storage.BatchValidator.check(java.nio.ByteBuffer) line: 57
    io.sluice.broker.handler.ProduceHandler.handle(Request) line: 80
    ...
  ]
}

jdk.ExecutionSample {
  startTime = 15:10:01.133
  sampledThread = "epollEventLoopGroup-3-1" (javaThreadId = 30)
  state = "STATE_RUNNABLE"
  stackTrace = [
    io.sluice.broker.storage.BatchValidator.check(java.nio.ByteBuffer) line: 60
    io.sluice.broker.handler.ProduceHandler.handle(Request) line: 80
  ]
}
"""


class ToolParserTest(unittest.TestCase):
    def test_parseProducerPerformance_progressThenSummary_readsSummaryOnly(self):
        result = tools.parse_producer_performance(PRODUCER_OUTPUT, 1024)
        self.assertEqual(100000, result["records"])
        self.assertAlmostEqual(13743.815283, result["records_s"])
        self.assertAlmostEqual(13743.815283 * 1024 / 1048576, result["mib_s"])
        self.assertEqual(
            (1659, 2871, 2912), (result["lat_p50_ms"], result["lat_p99_ms"],
                                 result["lat_p999_ms"]))

    def test_parseProducerPerformance_noWarmup_totalIsNotSteadyState(self):
        result = tools.parse_producer_performance(PRODUCER_OUTPUT, 1024)
        self.assertFalse(result["steady_state"])
        self.assertAlmostEqual(13743.815283, result["total_records_s"])

    def test_parseProducerPerformance_warmup_steadyStateRatesWholeRunCount(self):
        result = tools.parse_producer_performance(PRODUCER_WARMUP_OUTPUT, 1024)
        self.assertTrue(result["steady_state"])
        self.assertEqual(30000, result["records"])
        self.assertAlmostEqual(2734.855736, result["records_s"])
        self.assertAlmostEqual(3509.592887, result["total_records_s"])
        self.assertEqual((4580, 6594, 6616), (result["lat_p50_ms"], result["lat_p99_ms"],
                                              result["lat_p999_ms"]))
        self.assertAlmostEqual(4903.25, result["lat_avg_ms"])

    def test_parseProducerPerformance_noSummary_raises(self):
        with self.assertRaises(tools.ToolError):
            tools.parse_producer_performance(PRODUCER_OUTPUT.splitlines()[0], 1024)

    def test_parseConsumerPerformance_csvLine_usesFetchRate(self):
        result = tools.parse_consumer_performance(CONSUMER_OUTPUT, 1024)
        self.assertEqual(100000, result["records"])
        self.assertAlmostEqual(44822.9494, result["records_s"])
        self.assertEqual(2522, result["rebalance_ms"])

    def test_parseEndToEndLatency_percentilesLine_readsAll(self):
        result = tools.parse_end_to_end_latency(E2E_OUTPUT)
        self.assertEqual((4, 78, 182), (result["e2e_p50_ms"], result["e2e_p99_ms"],
                                        result["e2e_p999_ms"]))
        self.assertAlmostEqual(7.4009, result["e2e_avg_ms"])

    def test_lastJsonObject_progressLinesBefore_returnsLastObject(self):
        self.assertEqual({"a": 2}, tools.last_json_object('progress 1\n{"a": 1}\n{"a": 2}\n'))

    def test_pick_nestedName_found(self):
        self.assertEqual(7, tools.pick({"latency": {"p99": 7}}, "p99Ms", "p99"))

    def test_parseZerocopy_socketTransferTo_extracted(self):
        document = {"results": [
            {"target": "socket", "method": "transfer_to", "mibPerSec": 3000.0, "cpuMs": 90.0},
            {"target": "socket", "method": "read_write", "mibPerSec": 1500.0, "cpuMs": 300.0}]}
        figures = tools.parse_zerocopy(document)
        self.assertEqual(3000.0, figures["socket_transfer_to_mib_s"])
        self.assertEqual(300.0, figures["socket_read_write_cpu_ms"])


class ProcStatsTest(unittest.TestCase):
    def test_parseStatCpuTicks_nameWithSpacesAndParens_sumsUtimeStime(self):
        line = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 30 0"
        self.assertEqual(325, procstats.parse_stat_cpu_ticks(line))

    def test_sampleMinus_jitThreads_excludedFromWork(self):
        earlier = procstats.Sample(1.0, 50.0, 60.0, 3, 0.1, jit_s=0.5)
        later = procstats.Sample(4.0, 80.0, 90.0, 5, 0.25, jit_s=1.5)
        self.assertAlmostEqual(2.0, later.minus(earlier).work_s)

    def test_parseJstatGc_g1Columns_countsAllCollections(self):
        output = (" S0C  S1C  YGC   YGCT  FGC  FGCT  CGC  CGCT   GCT\n"
                  " 0.0  0.0   12  0.150    1 0.050    2 0.004  0.204\n")
        self.assertEqual((15, 0.204), procstats.parse_jstat_gc(output))

    def test_sampleMinus_cpuAndGcDiffer_memoryStaysAbsolute(self):
        earlier = procstats.Sample(1.0, 50.0, 60.0, 3, 0.1)
        later = procstats.Sample(3.5, 80.0, 90.0, 5, 0.25)
        delta = later.minus(earlier)
        self.assertEqual((2.5, 80.0, 2), (delta.cpu_s, delta.rss_mb, delta.gc_count))
        self.assertAlmostEqual(0.15, delta.gc_pause_s)


class KafkaWireTest(unittest.TestCase):
    def test_encodeCreateTopics_oneTopic_matchesSchemaLayout(self):
        frame = kafkawire.encode_create_topics("t", 3, correlation_id=7, timeout_ms=1000)
        expected_body = (struct.pack(">hhi", 19, 2, 7) + struct.pack(">h", 12) + b"sluice-bench"
                         + struct.pack(">i", 1) + struct.pack(">h", 1) + b"t"
                         + struct.pack(">ihii", 3, 1, 0, 0) + struct.pack(">i?", 1000, False))
        self.assertEqual(struct.pack(">i", len(expected_body)) + expected_body, frame)

    def test_decodeCreateTopics_errorWithMessage_returned(self):
        body = (struct.pack(">iii", 7, 0, 1) + struct.pack(">h", 1) + b"t"
                + struct.pack(">hh", 36, 3) + b"dup")
        self.assertEqual([("t", 36, "dup")], kafkawire.decode_create_topics(body))


class JfrTest(unittest.TestCase):
    def test_parseSamples_twoEvents_framesTopFirstAndThreadsGrouped(self):
        samples = jfr.parse_samples(JFR_OUTPUT)
        self.assertEqual(2, len(samples))
        self.assertEqual("epollEventLoopGroup-*", samples[0][0])
        self.assertEqual(3, len(samples[0][1]))
        self.assertTrue(samples[0][1][0].startswith("java.util.zip.CRC32C.updateBytes"))

    def test_summarize_sharedMethod_countedOncePerSample(self):
        text = jfr.summarize(jfr.parse_samples(JFR_OUTPUT))
        self.assertIn("100.0%       2  io.sluice.broker.storage.BatchValidator.check", text)
        self.assertIn(" 50.0%       1  java.util.zip.CRC32C.updateBytes", text)


class StraceTest(unittest.TestCase):
    def test_parseStraceCounts_summaryTable_callsPerSyscall(self):
        text = """% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ------------------
 68.94    6.627632        4292      1544       440 futex
  3.39    0.325515          24     13334           writev
  1.51    0.144840          10     13339           sendto
------ ----------- ----------- --------- --------- ------------------
100.00    9.613401         221     43470       445 total
"""
        counts = procstats.parse_strace_counts(text)
        self.assertEqual({"futex": 1544, "writev": 13334, "sendto": 13339, "total": 43470}, counts)


class ReportTest(unittest.TestCase):
    ROWS = [
        {"run": 1, "broker": "kafka", "workload": "produce-kafka-1024-acks1-p1",
         "records_s": 100.0, "cpu_s_per_gb": 4.0},
        {"run": 2, "broker": "kafka", "workload": "produce-kafka-1024-acks1-p1",
         "records_s": 300.0, "cpu_s_per_gb": 2.0},
        {"run": 3, "broker": "kafka", "workload": "produce-kafka-1024-acks1-p1",
         "records_s": 200.0, "cpu_s_per_gb": 3.0},
        {"run": 1, "broker": "sluice", "workload": "produce-kafka-1024-acks1-p1",
         "records_s": 400.0, "cpu_s_per_gb": 0.5},
        {"run": 2, "broker": "sluice", "workload": "produce-kafka-1024-acks1-p1",
         "error": "exit 1"},
    ]

    def test_median_failedRunSkipped_medianOfTheOthers(self):
        self.assertEqual(200.0, report.median(self.ROWS, "kafka", "produce-kafka-1024-acks1-p1",
                                              "records_s"))
        self.assertEqual(400.0, report.median(self.ROWS, "sluice",
                                              "produce-kafka-1024-acks1-p1", "records_s"))

    def test_targets_throughputRatio_metAndCpuRatioMet(self):
        lines = report.targets(self.ROWS)
        self.assertIn("| produce 1 KiB acks=1 records/s (Kafka tool), ratio | 2.00 | >= 1.50 | met |",
                      lines)
        self.assertIn("| broker CPU s/GB produced, ratio | 0.17 | <= 0.25 | met |", lines)

    def test_targets_fetchAgainstCeiling_fractionReported(self):
        rows = self.ROWS + [
            {"run": 1, "broker": "sluice", "workload": "ceiling",
             "socket_transfer_to_mib_s": 2000.0},
            {"run": 1, "broker": "sluice", "workload": "fetch-sluice-from-produce-kafka-1024-acks1-p1",
             "mib_s": 1600.0},
        ]
        lines = report.targets(rows)
        self.assertIn("| (supplement) `sluice perf fetch`, no decoding / transferTo ceiling | 0.80 "
                      "| >= 0.70 | met |", lines)


class PlanTest(unittest.TestCase):
    def test_fetchWorkloads_readTheKafkaToolTopics_afterThem(self):
        ids = [w.id for w in plan.selected("quick")]
        for partitions in (1, 3):
            source = "produce-kafka-1024-acks1-p%d" % partitions
            fetch = "fetch-sluice-from-" + source
            self.assertIn(fetch, ids)
            self.assertLess(ids.index(source), ids.index(fetch))


if __name__ == "__main__":
    unittest.main()
