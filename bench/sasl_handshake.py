#!/usr/bin/env python3
"""SASL handshake time per connection, Sluice against Apache Kafka 4.4.0 on the same machine.

Both brokers run at once; for each mechanism (PLAIN, SCRAM-SHA-256) the script opens N
connections to each, alternating between the brokers so that both see the same machine load, on a
SASL_PLAINTEXT listener, and times per connection: TCP connect, SaslHandshake v1, SaslAuthenticate
v1 (one round for PLAIN, two for SCRAM) and close. The SCRAM client side is done here in Python
(hmac, hashlib); its PBKDF2 is computed once per salt and reused, so the figure is the broker's
and the wire's. Prints median and p99 in milliseconds.

The SCRAM user (8192 iterations, as `bin/sluice users add-scram` and a typical kafka-configs call
create it) is created with AlterUserScramCredentials over each broker's PLAINTEXT listener; the
PLAIN user comes from the listener's JAAS key, identical on both brokers. Kafka runs in KRaft
combined mode from the jars bench/kafka/pom.xml resolves (as bench/compare.py starts it), Sluice
with bin/sluice-broker. Both get the same connection count; the first 20 connections of each run
are a warm-up and not counted.

    python3 bench/sasl_handshake.py [--connections 200] [--no-kafka]
"""

import argparse
import base64
import hashlib
import hmac
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import shutil
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
from benchlib import brokers  # noqa: E402

HOST = "127.0.0.1"
SASL_HANDSHAKE, SASL_AUTHENTICATE, ALTER_SCRAM = 17, 36, 51
PLAIN_JAAS = (
    'org.apache.kafka.common.security.plain.PlainLoginModule required '
    'username="admin" password="admin-secret" user_admin="admin-secret" user_alice="alice-secret";'
)
SCRAM_ITERATIONS = 8192
WARMUP = 20


def _string(value):
    data = value.encode("utf-8")
    return struct.pack(">h", len(data)) + data


def _uvarint(n):
    out = b""
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def _compact_string(value):
    data = value.encode("utf-8")
    return _uvarint(len(data) + 1) + data


def _compact_bytes(data):
    return _uvarint(len(data) + 1) + data


def _frame(api_key, version, correlation_id, body, flexible=False):
    header = struct.pack(">hhi", api_key, version, correlation_id) + _string("sasl-bench")
    if flexible:
        header += b"\x00"  # no tagged fields
    payload = header + body
    return struct.pack(">i", len(payload)) + payload


def _read(sock, count):
    chunks = []
    while count:
        chunk = sock.recv(count)
        if not chunk:
            raise RuntimeError("connection closed")
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def _exchange(sock, frame):
    sock.sendall(frame)
    (size,) = struct.unpack(">i", _read(sock, 4))
    return _read(sock, size)


def _authenticate(sock, token, correlation_id):
    """SaslAuthenticate v1 (not flexible); returns the server's token or raises on an error."""
    response = _exchange(
        sock, _frame(SASL_AUTHENTICATE, 1, correlation_id, struct.pack(">i", len(token)) + token)
    )
    (error,) = struct.unpack(">h", response[4:6])
    (message_len,) = struct.unpack(">h", response[6:8])
    pos = 8 + max(message_len, 0)
    if error != 0:
        raise RuntimeError("SaslAuthenticate error %d: %s" % (error, response[8:pos].decode()))
    (token_len,) = struct.unpack(">i", response[pos : pos + 4])
    return response[pos + 4 : pos + 4 + token_len]


# The client's PBKDF2 of a (password, salt, iterations) is computed once and reused, as a client
# that keeps its derived keys would: the figure is the broker's and the wire's, not Python's PBKDF2.
_SALTED = {}


def _scram_client(sock, hash_name, user, password):
    nonce = base64.urlsafe_b64encode(os.urandom(24)).decode().rstrip("=")
    first_bare = "n=%s,r=%s" % (user, nonce)
    server_first = _authenticate(sock, ("n,," + first_bare).encode(), 3).decode()
    fields = dict(item.split("=", 1) for item in server_first.split(","))
    salt, iterations, server_nonce = base64.b64decode(fields["s"]), int(fields["i"]), fields["r"]
    key = (hash_name, password, salt, iterations)
    if key not in _SALTED:
        _SALTED[key] = hashlib.pbkdf2_hmac(hash_name, password.encode(), salt, iterations)
    salted = _SALTED[key]
    client_key = hmac.new(salted, b"Client Key", hash_name).digest()
    stored_key = hashlib.new(hash_name, client_key).digest()
    without_proof = "c=biws,r=%s" % server_nonce
    auth_message = ",".join([first_bare, server_first, without_proof]).encode()
    signature = hmac.new(stored_key, auth_message, hash_name).digest()
    proof = bytes(a ^ b for a, b in zip(client_key, signature))
    final = "%s,p=%s" % (without_proof, base64.b64encode(proof).decode())
    server_final = _authenticate(sock, final.encode(), 4).decode()
    server_key = hmac.new(salted, b"Server Key", hash_name).digest()
    expected = "v=" + base64.b64encode(hmac.new(server_key, auth_message, hash_name).digest()).decode()
    if server_final != expected:
        raise RuntimeError("bad server signature")


def one_connection(port, mechanism, user, password):
    """Connect, handshake, authenticate, close; returns the elapsed seconds."""
    start = time.perf_counter()
    with socket.create_connection((HOST, port), timeout=30) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        response = _exchange(sock, _frame(SASL_HANDSHAKE, 1, 2, _string(mechanism)))
        (error,) = struct.unpack(">h", response[4:6])
        if error != 0:
            raise RuntimeError("SaslHandshake error %d" % error)
        if mechanism == "PLAIN":
            _authenticate(sock, ("\0%s\0%s" % (user, password)).encode(), 3)
        else:
            _scram_client(sock, "sha256" if mechanism.endswith("256") else "sha512", user, password)
    return time.perf_counter() - start


def add_scram_user(port, user, password, mechanism_id=1, hash_name="sha256"):
    """AlterUserScramCredentials v0 (flexible) over a plaintext listener."""
    salt = os.urandom(32)
    salted = hashlib.pbkdf2_hmac(hash_name, password.encode(), salt, SCRAM_ITERATIONS)
    upsertion = (
        _compact_string(user)
        + struct.pack(">bi", mechanism_id, SCRAM_ITERATIONS)
        + _compact_bytes(salt)
        + _compact_bytes(salted)
        + b"\x00"
    )
    body = _uvarint(1) + _uvarint(2) + upsertion + b"\x00"  # no deletions, one upsertion
    with socket.create_connection((HOST, port), timeout=30) as sock:
        response = _exchange(sock, _frame(ALTER_SCRAM, 0, 9, body, flexible=True))
    # header v1: correlation id, tagged fields; body: throttle, results[user, error, ...]
    pos = 4 + 1 + 4 + 1
    (name_len,) = response[pos : pos + 1]
    pos += 1 + name_len - 1
    (error,) = struct.unpack(">h", response[pos : pos + 2])
    if error != 0:
        raise RuntimeError("AlterUserScramCredentials error %d" % error)


def measure(targets, mechanism, user, password, connections):
    """Alternates the brokers connection by connection, so both see the same machine load."""
    times = {label: [] for label, _port in targets}
    for i in range(connections + WARMUP):
        for label, port in targets:
            elapsed = one_connection(port, mechanism, user, password)
            if i >= WARMUP:
                times[label].append(elapsed * 1000)
    for label, _port in targets:
        ts = sorted(times[label])
        p99 = ts[min(len(ts) - 1, int(round(0.99 * len(ts))) - 1)]
        print(
            "%-8s %-14s n=%d  median %.2f ms  p99 %.2f ms"
            % (label, mechanism, len(ts), statistics.median(ts), p99),
            flush=True,
        )


class SaslKafka(brokers.KafkaBroker):
    """Kafka with a SASL_PLAINTEXT listener next to its plaintext one."""

    def _properties(self, data_dir, port, controller_port):
        self.sasl_port = brokers.free_port()
        text = super()._properties(data_dir, port, controller_port)
        text = text.replace(
            "listeners=PLAINTEXT://%s:%d," % (HOST, port),
            "listeners=PLAINTEXT://%s:%d,SASL_PLAINTEXT://%s:%d," % (HOST, port, HOST, self.sasl_port),
        )
        text = text.replace(
            "advertised.listeners=PLAINTEXT://%s:%d" % (HOST, port),
            "advertised.listeners=PLAINTEXT://%s:%d,SASL_PLAINTEXT://%s:%d"
            % (HOST, port, HOST, self.sasl_port),
        )
        text = text.replace(
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,"
            "SASL_PLAINTEXT:SASL_PLAINTEXT",
        )
        return text + "\n".join(
            [
                "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config=" + PLAIN_JAAS,
                "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config="
                "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "",
            ]
        )


def add_user_and_wait(broker_port, sasl_port):
    add_scram_user(broker_port, "bob", "bob-secret")
    # Kafka applies the credential through its metadata log: poll until it authenticates.
    deadline = time.monotonic() + 30
    while True:
        try:
            one_connection(sasl_port, "SCRAM-SHA-256", "bob", "bob-secret")
            return
        except (OSError, RuntimeError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--connections", type=int, default=200)
    p.add_argument("--no-kafka", action="store_true")
    args = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="sluice-sasl-bench-"))
    sluice = brokers.SluiceBroker(REPO_DIR, tmp, lambda _m: None)
    kafka = None
    try:
        port, sasl_port = brokers.free_port(), brokers.free_port()
        sluice_start(sluice, port, sasl_port)
        add_user_and_wait(port, sasl_port)
        targets = [("sluice", sasl_port)]
        if not args.no_kafka:
            libs = tmp / "kafka-libs"
            subprocess.run(
                ["mvn", "-B", "-q", "-f", str(BENCH_DIR / "kafka" / "pom.xml"),
                 "dependency:copy-dependencies", "-DoutputDirectory=%s" % libs],
                check=True,
            )
            kafka = SaslKafka(libs, tmp, lambda _m: None)
            kafka.start()
            add_user_and_wait(kafka.port, kafka.sasl_port)
            targets.append(("kafka", kafka.sasl_port))
        measure(targets, "PLAIN", "alice", "alice-secret", args.connections)
        measure(targets, "SCRAM-SHA-256", "bob", "bob-secret", args.connections)
    finally:
        sluice.stop()
        if kafka is not None:
            kafka.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def sluice_start(sluice, port, sasl_port):
    """bin/sluice-broker start with a PLAINTEXT listener on `port` and SASL_PLAINTEXT on another."""
    original = brokers.free_port
    brokers.free_port = lambda: port
    try:
        sluice.start(
            overrides=[
                "listeners=PLAINTEXT://%s:%d,SASL_PLAINTEXT://%s:%d" % (HOST, port, HOST, sasl_port),
                "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config=" + PLAIN_JAAS,
            ]
        )
    finally:
        brokers.free_port = original


if __name__ == "__main__":
    main(sys.argv[1:])
