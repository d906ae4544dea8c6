"""Optional profiles: pyinstrument in process, py-spy for the server under load."""

from __future__ import annotations

import importlib.util
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Profile:
    """Profiles a block into ``<directory>/<name>.txt`` when a directory was given."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.written: list[Path] = []

    @property
    def enabled(self) -> bool:
        return self.directory is not None

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        """Run the block under pyinstrument if profiling is on; otherwise just run it."""
        if self.directory is None:
            yield
            return
        if importlib.util.find_spec("pyinstrument") is None:
            raise SystemExit("--profile needs pyinstrument: pip install -e '.[bench]'")
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
        try:
            yield
        finally:
            profiler.stop()
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / f"{name}.txt"
            path.write_text(profiler.output_text(unicode=False, color=False), encoding="utf-8")
            self.written.append(path)


# A frame reads "function (path:line)"; py-spy shortens our paths to bot/..., storage/...
OUR_CODE = re.compile(r"\((?:[^()]*/)?(?:bot|storage|reminders)/[^()]*\)$")


def _py_spy() -> str | None:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


@contextmanager
def sampled(profile: Profile, name: str, pid: int) -> Iterator[None]:
    """Sample another process with py-spy while the block runs; a no-op without py-spy."""
    spy = _py_spy()
    if profile.directory is None or spy is None:
        yield
        return
    profile.directory.mkdir(parents=True, exist_ok=True)
    raw = profile.directory / f"{name}.collapsed"
    recorder = subprocess.Popen(
        # --subprocesses: `actionlog run` does its work in a worker process it started.
        [spy, "record", "--pid", str(pid), "--format", "raw", "--rate", "100", "--nonblocking",
         "--subprocesses", "--output", str(raw)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # let it attach
    try:
        yield
    finally:
        recorder.send_signal(signal.SIGINT)
        try:
            recorder.wait(timeout=30)
        except subprocess.TimeoutExpired:
            recorder.kill()
        if raw.exists():
            summary = profile.directory / f"{name}.txt"
            summary.write_text(summarise_collapsed(raw.read_text()), encoding="utf-8")
            profile.written += [raw, summary]


def summarise_collapsed(text: str, top: int = 40) -> str:
    """Inclusive share of samples per frame, from py-spy's collapsed stacks, busiest first."""
    total = 0
    inclusive: Counter[str] = Counter()
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        for frame in set(stack.split(";")):
            inclusive[frame] += samples
    lines = [f"{total} samples; inclusive share of each frame (all threads, idle excluded)", ""]
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(top)
              if total]
    ours = [(f, n) for f, n in inclusive.most_common() if OUR_CODE.search(f)][:top]
    lines += ["", "Frames in bot/, storage/ and reminders/:", ""]
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in ours if total]
    return "\n".join(lines) + "\n"
