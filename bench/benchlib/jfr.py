"""JDK Flight Recorder on a running broker, and a summary of where its CPU samples fall.

Recording is started and stopped from outside with `jcmd <pid> JFR.start|JFR.stop` (the JDK's
"profile" settings with Java execution sampled every 2 ms), so the broker runs exactly as users
start it. The summary reads `jfr print --events jdk.ExecutionSample --stack-depth N` and
counts, over all samples: the top frame ("self"), every distinct method on the stack ("total"),
the first frame of the project's own code (`io.sluice.`), and the sampled thread.
"""

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^\s+(\S.*?)(?:\s+line: \d+)?(?:\s+bci: \d+)?\s*$")


def settings_file(directory, period_ms=2):
    """The JDK's profile.jfc with Java execution sampled every `period_ms` instead of 10 ms.

    On a loaded two-core machine the sampler thread is starved and takes far fewer samples than
    its period promises; a shorter period gives enough samples for a short workload.
    """
    java_home = Path(os.path.realpath(shutil.which("java"))).parent.parent
    text = (java_home / "lib" / "jfr" / "profile.jfc").read_text()
    text = re.sub(r'(control="method-sampling-java-interval">)[^<]*(<)',
                  r"\g<1>%d ms\g<2>" % period_ms, text)
    # Every exception constructed, with its stack: a hot path must not build any.
    text = re.sub(r'(control="enable-exceptions">)false(<)', r"\g<1>true\g<2>", text)
    path = Path(directory) / "profile-sampling.jfc"
    path.write_text(text)
    return path


def start(pid, name, path, settings="profile"):
    subprocess.run(["jcmd", str(pid), "JFR.start", "name=%s" % name, "settings=%s" % settings,
                    "filename=%s" % path], check=True, capture_output=True, text=True, timeout=60)


def stop(pid, name):
    subprocess.run(["jcmd", str(pid), "JFR.stop", "name=%s" % name], check=True,
                   capture_output=True, text=True, timeout=120)


def _method(frame):
    """'pkg.Class.method(args)' without the argument list, for counting."""
    return frame.split("(", 1)[0].strip()


def parse_samples(text):
    """[(thread, [frame, ...] top first)] from `jfr print --events jdk.ExecutionSample` text."""
    samples = []
    thread, frames, in_stack = None, [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("jdk.ExecutionSample"):
            thread, frames, in_stack = None, [], False
        elif stripped.startswith("sampledThread ="):
            match = re.search(r'"([^"]*)"', stripped)
            thread = match.group(1) if match else stripped
        elif stripped.startswith("stackTrace = ["):
            in_stack = True
        elif in_stack and stripped == "]":
            in_stack = False
        elif in_stack and stripped and stripped != "...":
            match = _FRAME.match(line)
            if match:
                frames.append(match.group(1))
        elif stripped == "}" and frames:
            samples.append((_thread_group(thread), frames))
            frames = []
    return samples


def _thread_group(thread):
    """Event-loop threads are numbered ("epollEventLoopGroup-3-2"): count them as one group."""
    if thread is None:
        return "?"
    return re.sub(r"-\d+(-\d+)?$", "-*", thread)


def summarize(samples, top=15):
    total = len(samples)
    self_frames, inclusive, first_own, threads = Counter(), Counter(), Counter(), Counter()
    for thread, frames in samples:
        threads[thread] += 1
        self_frames[_method(frames[0])] += 1
        inclusive.update({_method(frame) for frame in frames})
        own = next((f for f in frames if f.startswith("io.sluice.")), None)
        if own:
            first_own[_method(own)] += 1

    def table(title, counter):
        lines = ["%s (of %d samples):" % (title, total)]
        for method, count in counter.most_common(top):
            lines.append("  %5.1f%%  %6d  %s" % (100.0 * count / max(1, total), count, method))
        return lines

    lines = table("Top frames, self", self_frames)
    lines += table("Methods on the stack, total", inclusive)
    lines += table("Innermost io.sluice frame", first_own)
    lines += table("Threads", threads)
    return "\n".join(lines)


def summarize_file(path, top=15, depth=64):
    result = subprocess.run(
        ["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", str(depth), str(path)],
        check=True, capture_output=True, text=True, timeout=600)
    text = summarize(parse_samples(result.stdout), top)
    thrown = subprocess.run(
        ["jfr", "print", "--events", "jdk.JavaExceptionThrow,jdk.JavaErrorThrow", "--stack-depth",
         "8", str(path)], check=True, capture_output=True, text=True, timeout=600)
    return text + "\n" + summarize_exceptions(thrown.stdout, top)


def summarize_exceptions(text, top=10):
    """Exceptions constructed during the recording, by class and the frame that built them."""
    counter = Counter()
    for event in text.split("jdk.Java")[1:]:
        kind = re.search(r"thrownClass = (\S+)", event)
        frames = [m.group(1) for m in (_FRAME.match(line) for line in
                                       event.split("stackTrace = [", 1)[-1].splitlines()[1:])
                  if m and not m.group(1).startswith(("java.lang.Throwable", "java.lang.Exception",
                                                      "java.lang.RuntimeException",
                                                      "java.lang.Error", "]", "..."))]
        origin = next((_method(f) for f in frames if not f.startswith("java.lang.")), "?")
        counter["%s from %s" % (kind.group(1) if kind else "?", origin)] += 1
    lines = ["Exceptions constructed (%d):" % sum(counter.values())]
    for what, count in counter.most_common(top):
        lines.append("  %6d  %s" % (count, what))
    return "\n".join(lines)
