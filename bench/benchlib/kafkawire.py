"""The two Kafka requests the harness sends itself, over a plain socket.

ApiVersions v0 is the readiness probe: a broker is "ready" when it answers it with error 0, which
is the first thing every Kafka client does after connecting. CreateTopics v2 (the oldest version
kafka-clients 4.x still accepts, non-flexible) creates the benchmark topics without starting a JVM
for Kafka's admin tool, which would cost seconds of CPU on a two-core machine.

Both are written against the field lists of Kafka's message schemas (ApiVersionsRequest.json,
CreateTopicsRequest.json); integers are big-endian, strings are int16-length-prefixed.
"""

import socket
import struct
import time

API_VERSIONS = 18
CREATE_TOPICS = 19
CLIENT_ID = b"sluice-bench"


class WireError(Exception):
    """A broker answered with a non-zero error code or a malformed frame."""


def _string(value):
    data = value.encode("utf-8")
    return struct.pack(">h", len(data)) + data


def _request(api_key, api_version, correlation_id, body):
    # Request header v1: api_key int16, api_version int16, correlation_id int32, client_id string.
    header = struct.pack(">hhi", api_key, api_version, correlation_id) + _string(
        CLIENT_ID.decode()
    )
    payload = header + body
    return struct.pack(">i", len(payload)) + payload


def _read_exactly(sock, count):
    chunks = []
    while count > 0:
        chunk = sock.recv(count)
        if not chunk:
            raise WireError("connection closed with %d bytes still expected" % count)
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def _exchange(host, port, frame, timeout):
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(frame)
        (size,) = struct.unpack(">i", _read_exactly(sock, 4))
        if size < 4 or size > 64 * 1024 * 1024:
            raise WireError("response size %d out of range" % size)
        return _read_exactly(sock, size)


def api_versions_ok(host, port, timeout=1.0):
    """True when the broker answers ApiVersions v0 with error code 0; False on any failure."""
    try:
        response = _exchange(host, port, _request(API_VERSIONS, 0, 1, b""), timeout)
    except (OSError, WireError):
        return False
    if len(response) < 6:
        return False
    correlation_id, error_code = struct.unpack(">ih", response[:6])
    return correlation_id == 1 and error_code == 0


def wait_ready(host, port, deadline_s, process=None, interval_s=0.005):
    """Polls ApiVersions until it succeeds; returns the monotonic time it did, or raises.

    Stops early when `process` (a Popen) has exited, so a broker that failed to start is reported
    at once instead of after the whole deadline.
    """
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if api_versions_ok(host, port, timeout=0.5):
            return time.monotonic()
        if process is not None and process.poll() is not None:
            raise WireError("process exited with status %s before it was ready" % process.returncode)
        time.sleep(interval_s)
    raise WireError("no ApiVersions answer from %s:%d within %.0f s" % (host, port, deadline_s))


def encode_create_topics(topic, partitions, correlation_id=7, timeout_ms=30000,
                         replication_factor=1):
    """CreateTopics v2 frame for one topic (exposed for tests)."""
    body = struct.pack(">i", 1)  # topics array length
    # partitions, replication factor, no assignments, no configs
    body += _string(topic) + struct.pack(">ihii", partitions, replication_factor, 0, 0)
    body += struct.pack(">i?", timeout_ms, False)  # timeout_ms, validate_only
    return _request(CREATE_TOPICS, 2, correlation_id, body)


def decode_create_topics(response, correlation_id=7):
    """Returns [(topic, error_code, error_message)] from a CreateTopics v2 response body."""
    (got_correlation,) = struct.unpack_from(">i", response, 0)
    if got_correlation != correlation_id:
        raise WireError("correlation id %d, expected %d" % (got_correlation, correlation_id))
    pos = 4 + 4  # throttle_time_ms
    (count,) = struct.unpack_from(">i", response, pos)
    pos += 4
    results = []
    for _ in range(count):
        (name_len,) = struct.unpack_from(">h", response, pos)
        pos += 2
        name = response[pos : pos + name_len].decode("utf-8")
        pos += name_len
        error_code, message_len = struct.unpack_from(">hh", response, pos)
        pos += 4
        message = None
        if message_len >= 0:
            message = response[pos : pos + message_len].decode("utf-8")
            pos += message_len
        results.append((name, error_code, message))
    return results


def create_topic(host, port, topic, partitions, timeout=30.0, replication_factor=1):
    """Creates `topic`; error 36 (TOPIC_ALREADY_EXISTS) is accepted, any other error raises."""
    response = _exchange(host, port, encode_create_topics(
        topic, partitions, replication_factor=replication_factor), timeout)
    for name, error_code, message in decode_create_topics(response):
        if error_code not in (0, 36):
            raise WireError("CreateTopics %s: error %d %s" % (name, error_code, message or ""))
