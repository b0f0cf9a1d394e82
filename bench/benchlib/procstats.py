"""What the harness reads about a broker process from outside: CPU, memory, garbage collection.

CPU comes from /proc/<pid>/stat (utime + stime, in clock ticks), split per thread from
/proc/<pid>/task/*/stat so that the JIT compilers' share can be told apart; memory from
/proc/<pid>/status
(VmRSS now, VmHWM the peak), and GC from `jstat -gc <pid>` (collection counts and the total time
spent in stop-the-world pauses, GCT = YGCT + FGCT + CGCT; for G1, CGCT is the remark and cleanup
pauses of concurrent cycles). Nothing here needs the broker's cooperation, so Sluice and Kafka are
measured the same way.
"""

import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# HotSpot's compiler threads ("C2 CompilerThread0", cut to 15 characters by the kernel).
JIT_THREADS = ("C1 CompilerThre", "C2 CompilerThre")


@dataclass(frozen=True)
class Sample:
    cpu_s: float  # every thread of the process
    rss_mb: float
    peak_rss_mb: float
    gc_count: int
    gc_pause_s: float
    jit_s: float = 0.0  # the JIT compiler threads' share of cpu_s

    @property
    def work_s(self):
        """CPU without the JIT compilers: what the broker spends per byte once it is warm."""
        return self.cpu_s - self.jit_s

    def minus(self, earlier):
        """The work done between `earlier` and this sample (memory stays absolute)."""
        return Sample(
            cpu_s=self.cpu_s - earlier.cpu_s,
            rss_mb=self.rss_mb,
            peak_rss_mb=self.peak_rss_mb,
            gc_count=self.gc_count - earlier.gc_count,
            gc_pause_s=self.gc_pause_s - earlier.gc_pause_s,
            jit_s=self.jit_s - earlier.jit_s,
        )


def parse_stat_cpu_ticks(stat_line):
    """utime + stime from a /proc/<pid>/stat line; the command name may contain spaces."""
    after_name = stat_line[stat_line.rindex(")") + 2 :].split()
    # after_name[0] is field 3 (state); utime and stime are fields 14 and 15.
    return int(after_name[11]) + int(after_name[12])


def parse_status_kb(status_text, key):
    for line in status_text.splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def parse_jstat_gc(output):
    """(collections, pause seconds) from `jstat -gc` output (a header line and a value line)."""
    lines = [line.split() for line in output.strip().splitlines() if line.strip()]
    if len(lines) < 2:
        raise ValueError("unexpected jstat output: %r" % output)
    values = dict(zip(lines[0], lines[1]))

    def number(key):
        raw = values.get(key, "0")
        return 0.0 if raw == "-" else float(raw)

    count = int(number("YGC") + number("FGC") + number("CGC"))
    return count, number("GCT")


def sample(pid):
    with open("/proc/%d/stat" % pid) as stat:
        cpu_s = parse_stat_cpu_ticks(stat.read()) / CLOCK_TICKS
    with open("/proc/%d/status" % pid) as status_file:
        status = status_file.read()
    gc_count, gc_pause_s = 0, 0.0
    try:
        jstat = subprocess.run(
            ["jstat", "-gc", str(pid)], capture_output=True, text=True, timeout=20, check=True
        )
        gc_count, gc_pause_s = parse_jstat_gc(jstat.stdout)
    except (OSError, subprocess.SubprocessError, ValueError):
        gc_count, gc_pause_s = -1, -1.0  # reported as "n/a" rather than as zero collections
    threads = thread_cpu(pid)
    jit_s = sum(user + system for name, (user, system) in threads.items()
                if name.startswith(JIT_THREADS))
    return Sample(
        cpu_s=cpu_s,
        rss_mb=parse_status_kb(status, "VmRSS") / 1024.0,
        peak_rss_mb=parse_status_kb(status, "VmHWM") / 1024.0,
        gc_count=gc_count,
        gc_pause_s=gc_pause_s,
        jit_s=jit_s,
    )


def find_java_child(pid):
    """The pid itself if it runs java, else its first java descendant (a launcher script's JVM)."""
    pending = [pid]
    while pending:
        current = pending.pop(0)
        try:
            with open("/proc/%d/comm" % current) as comm:
                if comm.read().strip() == "java":
                    return current
            with open("/proc/%d/task/%d/children" % (current, current)) as children:
                pending.extend(int(child) for child in children.read().split())
        except OSError:
            continue
    return None


def thread_cpu(pid):
    """{thread name group: [user s, system s]} over the threads of `pid`, from /proc/<pid>/task.

    Numbered threads ("epollEventLoopGroup-2-1", "GC Thread#1") are summed under one name, so a
    before/after difference says how much CPU the event loops, the JIT compilers, the garbage
    collector or the flusher took, whether or not a profiler's sampler saw them.
    """
    groups = {}
    for task in Path("/proc/%d/task" % pid).iterdir():
        try:
            with open(task / "stat") as stat:
                line = stat.read()
        except OSError:
            continue
        name = line[line.index("(") + 1 : line.rindex(")")]
        fields = line[line.rindex(")") + 2 :].split()
        group = re.sub(r"[#-]?\d+$", "", re.sub(r"-\d+-\d+$", "", name)) or name
        entry = groups.setdefault(group, [0.0, 0.0])
        entry[0] += int(fields[11]) / CLOCK_TICKS
        entry[1] += int(fields[12]) / CLOCK_TICKS
    return groups


def thread_cpu_delta(before, after, top=12):
    """Lines 'user s  sys s  name' of the threads that used the most CPU between two samples."""
    rows = []
    for name, (user, system) in after.items():
        earlier = before.get(name, [0.0, 0.0])
        rows.append((user - earlier[0], system - earlier[1], name))
    rows.sort(key=lambda row: -(row[0] + row[1]))
    total = sum(user + system for user, system, _ in rows)
    lines = ["Broker CPU by thread (user s, system s; %.2f s in all):" % total]
    for user, system, name in rows[:top]:
        if user + system > 0:
            lines.append("  %6.2f  %6.2f  %s" % (user, system, name))
    return "\n".join(lines)


def start_syscall_count(pid, output):
    """`strace -c -f` attached to `pid`; stop it with SIGINT to get the summary in `output`.

    Tracing slows every system call down: use it for call counts, never for timings.
    """
    return subprocess.Popen(["strace", "-c", "-f", "-o", str(output), "-p", str(pid)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def parse_strace_counts(text):
    """{syscall: calls} from the summary table of `strace -c` (the "total" row included)."""
    counts = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[0][0].isdigit() and fields[-1].isidentifier():
            calls = fields[3]
            if calls.isdigit():
                counts[fields[-1]] = int(calls)
    return counts


def fsync_latency_ms(directory, appends=200, size=80 * 1024):
    """(p50, p99) of fdatasync after appending `size` bytes, in `directory`, in milliseconds.

    The cost of one group commit on this disk: what bounds acks=all when the broker syncs.
    """
    path = os.path.join(str(directory), "fsync-probe")
    times = []
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        block = b"\0" * size
        for _ in range(appends):
            os.write(fd, block)
            started = time.perf_counter()
            os.fdatasync(fd)
            times.append((time.perf_counter() - started) * 1000.0)
    finally:
        os.close(fd)
        os.unlink(path)
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, len(times) * 99 // 100)]
