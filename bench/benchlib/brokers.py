"""Starting and stopping the two brokers under test, one at a time, on loopback.

Kafka is started the way `kafka-server-start.sh` starts it (same heap and GC flags), in KRaft
combined mode (broker and controller in one process, one node), from jars that Maven resolved into
the run's temporary directory. Sluice is started the way a user starts it: `bin/sluice-broker
start`. Each broker gets free loopback ports and a data directory under the run's temporary
directory, with default flush settings.

"Start to ready" is measured from just before the launch to the first ApiVersions answer with
error 0, polled every 5 ms. For Kafka it excludes the separate `kafka-storage format` step, which
a Kafka user also runs once beforehand.

`KafkaCluster` runs several such Kafka nodes at once (each a combined broker and controller, one
KRaft quorum of all of them) for the replicated comparison in bench/cluster.py.
"""

import os
import re
import signal
import socket
import subprocess
import time
import uuid
import base64
from pathlib import Path

from . import kafkawire

HOST = "127.0.0.1"

# kafka-server-start.sh: KAFKA_HEAP_OPTS; kafka-run-class.sh: KAFKA_JVM_PERFORMANCE_OPTS.
KAFKA_JVM_OPTS = [
    "-Xmx1G",
    "-Xms1G",
    "-server",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-Djava.awt.headless=true",
]

KAFKA_LOG4J2 = """\
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
"""


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def listening_pid(port):
    """The pid of the process listening on 127.0.0.1:`port`, found through /proc/net/tcp."""
    wanted = "%08X:%04X" % (0x0100007F, port)  # 127.0.0.1 in /proc's little-endian hex
    inodes = set()
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            if fields[1] == wanted and fields[3] == "0A":  # 0A = LISTEN
                inodes.add("socket:[%s]" % fields[9])
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            for fd in (pid_dir / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    return int(pid_dir.name)
        except OSError:
            continue
    return None


def _wait_exit(pid, timeout_s):
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if not Path("/proc/%d" % pid).exists():
            return True
        try:
            with open("/proc/%d/stat" % pid) as stat:
                if stat.read().split(")")[-1].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


def terminate(pid, timeout_s=60):
    """SIGTERM (a clean shutdown), then SIGKILL if the process is still there after timeout_s."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    if not _wait_exit(pid, timeout_s):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _wait_exit(pid, 10)


class KafkaBroker:
    """Apache Kafka, single node, KRaft combined mode. Not thread-safe; one instance per run."""

    name = "kafka"

    def __init__(self, libs_dir, work_dir, log, extra_listeners=(), properties=()):
        """`extra_listeners`: (name, security protocol) pairs served beside PLAINTEXT, each on a
        free port (`ports[name]`); `properties`: more server.properties lines (ssl.* ...)."""
        self.libs = str(Path(libs_dir) / "*")
        self.work = Path(work_dir) / "kafka"
        self.log = log
        self.process = None
        self.pid = None
        self.port = None
        self.extra_listeners = list(extra_listeners)
        self.properties = list(properties)
        self.ports = {}

    @property
    def bootstrap(self):
        return "%s:%d" % (HOST, self.port)

    def _properties(self, data_dir, port, controller_port):
        extra = "".join(",%s://%s:%d" % (name, HOST, self.ports[name])
                        for name, _ in self.extra_listeners)
        protocols = "".join(",%s:%s" % (name, protocol) for name, protocol in self.extra_listeners)
        return "\n".join(
            [
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@%s:%d" % (HOST, controller_port),
                "listeners=PLAINTEXT://%s:%d,CONTROLLER://%s:%d%s"
                % (HOST, port, HOST, controller_port, extra),
                "advertised.listeners=PLAINTEXT://%s:%d%s" % (HOST, port, extra),
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT%s"
                % protocols,
                "log.dirs=%s" % data_dir,
                # As in Kafka's shipped config/server.properties for a single node.
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
            ]
            + self.properties
            + [""]
        )

    def start(self, fresh=True):
        """Formats (if fresh) and starts Kafka; returns seconds from launch to ready."""
        self.work.mkdir(parents=True, exist_ok=True)
        data_dir = self.work / "data"
        self.port, controller_port = free_port(), free_port()
        self.ports = {name: free_port() for name, _ in self.extra_listeners}
        self.ports["PLAINTEXT"] = self.port
        props = self.work / "server.properties"
        props.write_text(self._properties(data_dir, self.port, controller_port))
        log4j = self.work / "log4j2.properties"
        log4j.write_text(KAFKA_LOG4J2.format(log=self.work / "server.log"))
        base = ["java", "-Dlog4j2.configurationFile=%s" % log4j, "-cp", self.libs]
        if fresh:
            subprocess.run(["rm", "-rf", str(data_dir)], check=True)
            subprocess.run(
                base + ["kafka.tools.StorageTool", "format", "-t", new_cluster_id(), "-c",
                        str(props)],
                check=True,
                capture_output=True,
                text=True,
                timeout=120,
            )
        command = ["java"] + KAFKA_JVM_OPTS + base[1:] + ["kafka.Kafka", str(props)]
        self.log("kafka: starting on %s" % self.bootstrap)
        out = open(self.work / "stdout.log", "ab")
        launched = time.monotonic()
        self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        self.pid = self.process.pid
        ready = kafkawire.wait_ready(HOST, self.port, 120, self.process)
        return ready - launched

    def create_topic(self, topic, partitions):
        kafkawire.create_topic(HOST, self.port, topic, partitions)

    def stop(self):
        if self.pid is not None:
            terminate(self.pid)
            if self.process is not None:
                self.process.wait(timeout=10)
        self.pid = self.process = None


def new_cluster_id(random_bytes=lambda: uuid.uuid4().bytes):
    """A random KRaft cluster id: a UUID in URL-safe base64 without padding (22 characters),
    never starting with "-" (`kafka-storage format -t -x...` would read it as an option; Kafka's
    own Uuid.randomUuid() skips such ids too)."""
    while True:
        candidate = base64.urlsafe_b64encode(random_bytes()).decode().rstrip("=")
        if not candidate.startswith("-"):
            return candidate


def quorum_voters(controller_ports):
    """`controller.quorum.voters` for {node id: controller port}: "1@127.0.0.1:p1,2@...", by id."""
    return ",".join("%d@%s:%d" % (node, HOST, controller_ports[node])
                    for node in sorted(controller_ports))


def kafka_node_properties(node_id, ports, controller_ports, data_dir, properties=()):
    """server.properties of node `node_id` of a KRaft cluster in which every node is both broker
    and controller. `ports` and `controller_ports` map every node id to its client (PLAINTEXT) and
    CONTROLLER port; the internal topics are replicated like the data (factor min(3, nodes),
    min ISR factor - 1), and `properties` (key=value lines) come last, so they win."""
    replicas = min(3, len(ports))
    min_isr = max(1, replicas - 1)
    return "\n".join(
        [
            "process.roles=broker,controller",
            "node.id=%d" % node_id,
            "controller.quorum.voters=%s" % quorum_voters(controller_ports),
            "listeners=PLAINTEXT://%s:%d,CONTROLLER://%s:%d"
            % (HOST, ports[node_id], HOST, controller_ports[node_id]),
            "advertised.listeners=PLAINTEXT://%s:%d" % (HOST, ports[node_id]),
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs=%s" % data_dir,
            "num.partitions=1",
            "offsets.topic.replication.factor=%d" % replicas,
            "transaction.state.log.replication.factor=%d" % replicas,
            "transaction.state.log.min.isr=%d" % min_isr,
            "share.coordinator.state.topic.replication.factor=%d" % replicas,
            "share.coordinator.state.topic.min.isr=%d" % min_isr,
            "group.initial.rebalance.delay.ms=0",
        ]
        + list(properties)
        + [""]
    )


class KafkaCluster:
    """Apache Kafka, `nodes` processes in KRaft combined mode (each a broker and a voter of one
    controller quorum), on loopback. Each node has its own client and controller ports, data
    directory, properties file and log under `work_dir`/kafka-cluster/node-N; all are formatted
    with one cluster id. Not thread-safe; one instance per cluster.

    `jvm_opts` are the JVM flags of every node (heap and GC); `properties` are more
    server.properties lines for every node (min.insync.replicas, log.flush.* ...).
    """

    name = "kafka"

    def __init__(self, libs_dir, work_dir, log, nodes=3, properties=(), jvm_opts=None):
        self.libs = str(Path(libs_dir) / "*")
        self.work = Path(work_dir) / "kafka-cluster"
        self.log = log
        self.node_ids = list(range(1, nodes + 1))
        self.properties = list(properties)
        self.jvm_opts = list(KAFKA_JVM_OPTS if jvm_opts is None else jvm_opts)
        self.processes = {}
        self.ports = {}
        self.controller_ports = {}

    @property
    def pids(self):
        """The running nodes' process ids, by node id order."""
        return [self.processes[n].pid for n in self.node_ids if n in self.processes]

    @property
    def bootstrap(self):
        return ",".join("%s:%d" % (HOST, self.ports[n]) for n in self.node_ids)

    @property
    def port(self):
        """The first node's client port (where the harness sends CreateTopics)."""
        return self.ports[self.node_ids[0]]

    def _node_dir(self, node):
        return self.work / ("node-%d" % node)

    def _base(self, node):
        log4j = self._node_dir(node) / "log4j2.properties"
        return ["-Dlog4j2.configurationFile=%s" % log4j, "-cp", self.libs]

    def start(self):
        """Formats every node with one fresh cluster id and starts them all; returns the seconds
        from the first launch until every node answers ApiVersions. On any failure the nodes
        already started are stopped before the exception propagates."""
        self.ports = {n: free_port() for n in self.node_ids}
        self.controller_ports = {n: free_port() for n in self.node_ids}
        cluster_id = new_cluster_id()
        for node in self.node_ids:
            node_dir = self._node_dir(node)
            subprocess.run(["rm", "-rf", str(node_dir)], check=True)
            node_dir.mkdir(parents=True)
            (node_dir / "server.properties").write_text(kafka_node_properties(
                node, self.ports, self.controller_ports, node_dir / "data", self.properties))
            (node_dir / "log4j2.properties").write_text(
                KAFKA_LOG4J2.format(log=node_dir / "server.log"))
        # The formats are independent JVMs: run them side by side.
        formats = [subprocess.Popen(
            ["java"] + self._base(node) + ["kafka.tools.StorageTool", "format", "-t", cluster_id,
                                           "-c", str(self._node_dir(node) / "server.properties")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for node in self.node_ids]
        for node, process in zip(self.node_ids, formats):
            output, _ = process.communicate(timeout=180)
            if process.returncode != 0:
                raise RuntimeError("kafka-storage format of node %d failed (%d): %s"
                                   % (node, process.returncode, output[-2000:]))
        self.log("kafka cluster %s: starting %d nodes on %s" % (
            cluster_id, len(self.node_ids), self.bootstrap))
        launched = time.monotonic()
        try:
            for node in self.node_ids:
                node_dir = self._node_dir(node)
                with open(node_dir / "stdout.log", "ab") as out:
                    self.processes[node] = subprocess.Popen(
                        ["java"] + self.jvm_opts + self._base(node)
                        + ["kafka.Kafka", str(node_dir / "server.properties")],
                        stdout=out, stderr=subprocess.STDOUT)
            ready = launched
            for node in self.node_ids:
                ready = kafkawire.wait_ready(HOST, self.ports[node], 180, self.processes[node])
        except BaseException:
            self.stop()
            raise
        return ready - launched

    def create_topic(self, topic, partitions, replication_factor=None):
        kafkawire.create_topic(HOST, self.port, topic, partitions,
                               replication_factor=replication_factor or len(self.node_ids))

    def stop(self, timeout_s=30):
        """SIGTERM to every node at once (one by one, the last ones would wait for a quorum that
        is gone), then SIGKILL to any node still there after `timeout_s`."""
        for process in self.processes.values():
            if process.poll() is None:
                try:
                    process.send_signal(signal.SIGTERM)
                except ProcessLookupError:
                    pass
        end = time.monotonic() + timeout_s
        for node, process in self.processes.items():
            try:
                process.wait(timeout=max(0.1, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log("kafka node %d: no exit %d s after SIGTERM; SIGKILL" % (node, timeout_s))
                process.kill()
                process.wait(timeout=10)
        self.processes = {}


class SluiceBroker:
    """Sluice as users start it: `bin/sluice-broker start|stop` from the repository root."""

    name = "sluice"

    def __init__(self, repo_dir, work_dir, log, java_opts=None, heap_opts=None):
        self.repo = Path(repo_dir)
        self.work = Path(work_dir) / "sluice"
        self.log = log
        self.java_opts = java_opts  # SLUICE_JAVA_OPTS for the daemon; None keeps the caller's
        self.heap_opts = heap_opts  # SLUICE_HEAP_OPTS (replaces -Xms256m -Xmx1g); None: the same
        self.pid = None
        self.port = None
        self.ports = {}
        self.overrides = []

    @property
    def bootstrap(self):
        return "%s:%d" % (HOST, self.port)

    def _script(self, action, extra):
        env = dict(os.environ)
        # The daemon keeps its pid and log files under these; the harness owns the directory.
        env["SLUICE_RUN_DIR"] = str(self.work / "run")
        env["SLUICE_LOG_DIR"] = str(self.work / "logs")
        if self.java_opts is not None:
            env["SLUICE_JAVA_OPTS"] = self.java_opts
        if self.heap_opts is not None:
            env["SLUICE_HEAP_OPTS"] = self.heap_opts
        return subprocess.run(
            [str(self.repo / "bin" / "sluice-broker"), action] + extra,
            cwd=self.work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def start(self, fresh=True, overrides=(), extra_listeners=()):
        """Starts the daemon (data kept unless fresh); returns seconds from launch to ready.
        `extra_listeners`: names served beside PLAINTEXT on free ports (`ports[name]`); their
        security protocols and keys come in `overrides` (listener.security.protocol.map ...)."""
        self.work.mkdir(parents=True, exist_ok=True)
        if fresh:
            subprocess.run(["rm", "-rf", str(self.work / "data")], check=True)
        self.port = free_port()
        self.ports = {name: free_port() for name in extra_listeners}
        self.ports["PLAINTEXT"] = self.port
        settings = [
            "listeners=PLAINTEXT://%s:%d%s" % (HOST, self.port, "".join(
                ",%s://%s:%d" % (name, HOST, self.ports[name]) for name in extra_listeners)),
            "log.dirs=%s" % (self.work / "data"),
        ] + list(overrides)
        self.overrides = settings
        extra = []
        for setting in settings:
            extra += ["--override", setting]
        self.log("sluice: starting on %s %s" % (self.bootstrap, " ".join(overrides)))
        launched = time.monotonic()
        result = self._script("start", extra)
        if result.returncode != 0:
            raise RuntimeError(
                "bin/sluice-broker start failed (%d): %s%s"
                % (result.returncode, result.stdout, result.stderr)
            )
        ready = kafkawire.wait_ready(HOST, self.port, 120)
        elapsed = ready - launched
        self.pid = (self._pid_from_file() or self._pid_from_output(result.stdout)
                    or listening_pid(self.port))
        if self.pid is None:
            raise RuntimeError("cannot find the Sluice broker's pid (port %d)" % self.port)
        return elapsed

    def _pid_from_file(self):
        """bin/sluice-broker writes $SLUICE_RUN_DIR/sluice-broker.pid."""
        try:
            return int((self.work / "run" / "sluice-broker.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    @staticmethod
    def _pid_from_output(text):
        """The start line ends with "(pid N, log ...)"."""
        match = re.search(r"\(pid (\d+)", text)
        return int(match.group(1)) if match else None

    def create_topic(self, topic, partitions):
        kafkawire.create_topic(HOST, self.port, topic, partitions)

    def stop(self):
        if self.pid is None:
            return
        result = self._script("stop", [])
        if result.returncode != 0:
            self.log("sluice: bin/sluice-broker stop exited %d; sending SIGTERM" % result.returncode)
        terminate(self.pid)
        self.pid = None
