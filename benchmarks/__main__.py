"""``python -m benchmarks``: run B1–B6 and IMPORT, print the table and write BENCHMARKS.md."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import (
    b1_ack,
    b1_loop,
    b1_scale,
    b2_plan,
    b3_delivery,
    b4_render,
    b5_footprint,
    b6_papers,
    import_bench,
)
from benchmarks.config import QUICK, Sizes, size_fields, with_overrides
from benchmarks.databases import DEFAULT_POSTGRES_URL, postgres_available
from benchmarks.procs import REPO_ROOT
from benchmarks.profiling import Profile
from benchmarks.report import Section, machine, render_text, write_markdown

ALL = ("B1", "B1LOOP", "B1SCALE", "B2", "B3", "B4", "B5", "B6", "IMPORT")
NEEDS_DATABASES = {"B1", "B1LOOP", "B1SCALE", "B2"}  # the ones run on each backend
FINDINGS = Path(__file__).with_name("FINDINGS.md")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmarks B1-B6 and IMPORT: ack latency (B1), people waiting for "
        "each answer (B1LOOP) and web and worker processes apart on PostgreSQL (B1SCALE), "
        "planning, delivery under Slack's rate limits, rendering, footprint, exporting the "
        "action log and the minutes import. Prints a table and writes it to BENCHMARKS.md. "
        "Exits non-zero only when the harness itself fails, never on a missed target.",
    )
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes, a smoke run of the harness (well under a minute); "
                        "writes no file unless --output is given")
    parser.add_argument("--only", metavar="B1,B3", default=",".join(ALL),
                        help="which benchmarks to run (default: all)")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "ACTIONLOG_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="PostgreSQL server for B1, B1LOOP, B1SCALE and B2; throwaway "
        "databases are created and dropped there "
        f"(default: {DEFAULT_POSTGRES_URL})")
    parser.add_argument("--no-postgres", action="store_true",
                        help="run B1, B1LOOP and B2 on SQLite only (B1SCALE then does "
                        "not run)")
    parser.add_argument("--output", type=Path,
                        help="where to write the table (default: BENCHMARKS.md in the "
                        "repository, except with --quick)")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="write pyinstrument profiles of B2-B4 (pip install -e "
                        "'.[bench]') and a py-spy profile of the server under B1's load (if "
                        "py-spy is installed) into DIR")
    sizes = parser.add_argument_group("sizes (defaults are the issue's)")
    for name, default in size_fields():
        kind = _parse_tuple if isinstance(default, tuple) else (
            float if isinstance(default, float) else int)
        shown = ",".join(map(str, default)) if isinstance(default, tuple) else default
        sizes.add_argument(f"--{name.replace('_', '-')}", dest=name, type=kind, default=None,
                           metavar="N", help=f"default {shown}")
    return parser


def _parse_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    chosen = [name.strip().upper() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(ALL))
    if unknown:
        print(f"benchmarks: unknown benchmark {', '.join(unknown)}; choose from "
              f"{', '.join(ALL)}", file=sys.stderr)
        return 2
    sizes = with_overrides(QUICK if args.quick else Sizes(),
                           {name: getattr(args, name) for name, _ in size_fields()})
    output = args.output or (None if args.quick else REPO_ROOT / "BENCHMARKS.md")
    backends = ["sqlite"]
    notes: list[str] = []
    if not args.no_postgres and NEEDS_DATABASES & set(chosen):
        if postgres_available(args.postgres_url):
            backends.append("postgresql")
        else:
            notes.append(f"PostgreSQL at {args.postgres_url} did not answer: B1, B1LOOP and "
                         "B2 ran on SQLite only, B1SCALE not at all")
    profile = Profile(args.profile)
    command = "python -m benchmarks" + (" " + shlex.join(argv if argv is not None
                                                          else sys.argv[1:])).rstrip()
    findings = FINDINGS.read_text(encoding="utf-8") if not args.quick and \
        FINDINGS.exists() else None

    def save(done: list[Section]) -> None:
        # Written after each benchmark, so a failure later keeps what was measured.
        if output is not None:
            write_markdown(output, done + [Section("run", notes=notes)] if notes else done,
                           command.strip(), _describe(sizes), findings)

    sections = run_benchmarks(chosen, sizes, backends, args.postgres_url, profile, save=save)
    if notes:
        sections.append(Section("run", notes=notes))
    info = machine()
    header = [f"Benchmarks, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {info['platform']}, "
              f"{info['cpus']} CPUs, {info['memory']}, Python {info['python']}"]
    print(render_text(sections, header))
    if output is not None:
        print(f"\nwrote {output}")
    for path in profile.written:
        print(f"profile: {path}")
    return 0


def run_benchmarks(chosen: list[str], sizes: Sizes, backends: list[str], postgres_url: str,
                   profile: Profile, workdir: Path | None = None,
                   save: Callable[[list[Section]], None] | None = None) -> list[Section]:
    """Run the chosen benchmarks in order in a scratch folder; ``save`` sees each result."""
    anchor = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="actionlog-bench-") as scratch:
        where = workdir or Path(scratch)
        steps: dict[str, Callable[[], Section]] = {
            "B1": lambda: b1_ack.run(sizes, backends, where, postgres_url, profile),
            "B1LOOP": lambda: b1_loop.run(sizes, backends, where, postgres_url, profile),
            "B1SCALE": lambda: b1_scale.run(sizes, backends, where, postgres_url, profile),
            "B2": lambda: b2_plan.run(sizes, backends, where, postgres_url, anchor, profile),
            "B3": lambda: b3_delivery.run(sizes, where, postgres_url, profile),
            "B4": lambda: b4_render.run(sizes, where, postgres_url, profile),
            "B5": lambda: b5_footprint.run(sizes, where, postgres_url),
            "B6": lambda: b6_papers.run(sizes, where, postgres_url, profile),
            "IMPORT": lambda: import_bench.run(sizes.import_pages),
        }
        sections = []
        for name in ALL:
            if name in chosen:
                started = time.perf_counter()
                print(f"benchmarks: running {name}...", file=sys.stderr, flush=True)
                section = steps[name]()
                section.seconds = time.perf_counter() - started
                print(f"benchmarks: {name} took {section.seconds:.0f} s", file=sys.stderr,
                      flush=True)
                sections.append(section)
                if save is not None:
                    save(sections)
        return sections


def _describe(sizes: Sizes) -> str:
    return ", ".join(f"{k}={','.join(map(str, v)) if isinstance(v, tuple) else v}"
                     for k, v in asdict(sizes).items())


if __name__ == "__main__":
    raise SystemExit(main())
