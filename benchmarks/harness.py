"""Shared parts of the scripts under benchmarks/: the benchmark's own database, Django set-up,
alternated A/B timing and resident-memory measurement. Not a benchmark itself (`make
benchmark` skips it).

A script uses it like this::

    import harness

    parser = harness.Options(__doc__, sizes={"registrations": (20_000, 1_000_000)})
    args = parser.parse_args()                 # --full: the full sizes; --skip-seed: reuse
    harness.use_database("directory", fresh=not args.skip_seed)  # never the dev database
    harness.setup_django()                     # django.setup() and migrate
    harness.seed(registrations=args.registrations)  # seed_demo, then ANALYZE
    result = harness.alternate(a=lambda: client.get(new_url), b=lambda: client.get(old_url))
    print(result.row("directory page 1"))      # median ms of each side, median ratio a/b, min-max
    memory = harness.resident_growth(lambda: consume(client.get(export_url)))
    print(f"{memory.mib:.1f} MiB added resident memory")
    harness.require(memory.mib < 50, "the export's memory grows with its rows")  # exit 1

The database: `BENCH_<NAME>_DATABASE_URL` when set (e.g. BENCH_REGISTRATIONS_DATABASE_URL for
a database seeded once with a million rows); otherwise, when DATABASE_URL is PostgreSQL, a
database named `bp3mi_bench_<name>` on the same server (created when missing); otherwise a
SQLite file `var/bench_<name>.sqlite3`. `fresh=True` starts from an empty database.

Timings are wall-clock (`time.perf_counter`) in one process. A comparison alternates the two
sides round by round (A, B, A, B, ...) after a warm-up of each, so a machine that gets busier
during the run slows both alike; it reports each side's median and the median of the per-round
ratios with their min-max, which is the spread to quote. A script exits non-zero when a check
fails (`require`: both sides must show the same rows, the data set must have its size, memory
must stay within its bound), never on a timing alone. Every script runs on SQLite too: where
SQL differs (a date function), the script holds both dialects.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

__all__ = [
    "Comparison",
    "Memory",
    "Options",
    "Timing",
    "alternate",
    "alternate_over",
    "bench_database_url",
    "child",
    "child_result",
    "compare",
    "machine",
    "require",
    "resident_growth",
    "seed",
    "setup_django",
    "timed",
    "use_database",
]


# --- Options and checks -----------------------------------------------------------------------


class Options(argparse.ArgumentParser):
    """The command line every script shares: one option per data-set size (`sizes` maps
    `name` to (reduced, full)), `--rounds` (reduced, full), `--full` for the full sizes and
    `--skip-seed` to reuse the database the last run left (unless `seeded` is False). A
    script adds its own options."""

    def __init__(
        self,
        doc: str,
        *,
        sizes: dict[str, tuple[int, int]],
        rounds: tuple[int, int] = (7, 15),
        seeded: bool = True,
    ):
        super().__init__(
            description=doc.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
        )
        self.sizes = {**sizes, "rounds": rounds}
        for name, (reduced, full) in self.sizes.items():
            self.add_argument(
                f"--{name.replace('_', '-')}",
                type=int,
                help=f"default {reduced:,}; with --full {full:,}",
            )
        self.add_argument("--full", action="store_true", help="the full sizes")
        if seeded:
            self.add_argument(
                "--skip-seed",
                action="store_true",
                help="reuse the benchmark's database as the last run left it, without seeding",
            )

    def parse_args(self, *args, **kwargs):
        parsed = super().parse_args(*args, **kwargs)
        for name, (reduced, full) in self.sizes.items():
            if getattr(parsed, name) is None:
                setattr(parsed, name, full if parsed.full else reduced)
        return parsed


def require(condition: object, message: str) -> None:
    """Stop the benchmark with exit status 1 when a check fails (never for a timing)."""
    if not condition:
        sys.exit(f"CHECK FAILED: {message}")


# --- The database ------------------------------------------------------------------------------


def bench_database_url(name: str) -> str:
    """The URL of benchmark `name`'s own database (see the module docstring)."""
    explicit = os.environ.get(f"BENCH_{name.upper()}_DATABASE_URL", "")
    if explicit:
        return explicit
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://", "pgsql://")):
        return urlparse(base)._replace(path=f"/bp3mi_bench_{name}").geturl()
    return f"sqlite:///{ROOT / 'var' / f'bench_{name}.sqlite3'}"


def _pg_admin(url: str):
    import psycopg2

    parts = urlparse(url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=parts.username,
        password=parts.password,
        host=parts.hostname,
        port=parts.port or 5432,
    )
    connection.autocommit = True
    return connection, parts.path.lstrip("/")


def use_database(name: str, *, fresh: bool = False) -> str:
    """Point this process (and the processes it starts) at benchmark `name`'s database,
    creating it when missing and emptying it first when `fresh`. Returns its URL. Refuses the
    development database itself."""
    url = bench_database_url(name)
    if os.environ.get("BENCH_DATABASE_IN_USE") == url and not fresh:
        return url  # a child process of a benchmark (`child`), already pointed at it
    if url == os.environ.get("DATABASE_URL") or not (
        "bench" in urlparse(url).path or url.startswith("sqlite")
    ):
        sys.exit(f"Refusing to run a benchmark on {url}: name a database for benchmarks.")
    if url.startswith("sqlite"):
        path = Path(urlparse(url).path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        admin, db_name = _pg_admin(url)
        with admin.cursor() as cursor:
            if fresh:
                cursor.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{db_name}"')
        admin.close()
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_IN_USE"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bp3mi.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    return url


def drop_database(name: str) -> None:
    """Drop benchmark `name`'s database (or delete its SQLite file)."""
    url = bench_database_url(name)
    from django.db import connections

    connections.close_all()
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{urlparse(url).path}{suffix}").unlink(missing_ok=True)
        return
    admin, db_name = _pg_admin(url)
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    admin.close()


def setup_django(*, migrate: bool = True) -> None:
    """django.setup(), then bring the benchmark database's schema up to date."""
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def seed(**counts: int) -> float:
    """`manage.py seed_demo` with these counts (registrations=..., complaints=...), then the
    planner statistics refreshed as autovacuum would; returns the seconds it took."""
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("seed_demo", stdout=io.StringIO(), **counts)
    analyze()
    return time.perf_counter() - started


def analyze() -> None:
    """Planner statistics (and, on PostgreSQL, the visibility map index-only scans need)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def database() -> str:
    """The database's kind and version, to print beside the figures."""
    from django.db import connection

    if connection.vendor == "postgresql":
        version = connection.pg_version
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    return f"{connection.vendor} {connection.Database.sqlite_version}"


def child(script: str, *args: str, env: dict[str, str] | None = None) -> dict:
    """Run `script` with `args` in a fresh Python process (for memory: a process that has
    never been bigger) and return the JSON object its last line printed (`child_result`)."""
    done = subprocess.run(
        [sys.executable, script, *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"{Path(script).name} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_result(result: dict) -> None:
    """What a child process started by `child` hands back."""
    print(json.dumps(result), flush=True)


def machine() -> str:
    """The CPU count and load average, to print beside the figures: on a shared machine the
    same page takes several times longer when the load is several times the cores."""
    one, five, fifteen = os.getloadavg()
    return (
        f"{os.cpu_count()} CPUs, load average {one:.1f} / {five:.1f} / {fifteen:.1f} (1/5/15 min)"
    )


# --- Timing -----------------------------------------------------------------------------------


@dataclass
class Timing:
    """Milliseconds of repeated runs of one thing."""

    ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.ms)

    @property
    def low(self) -> float:
        return min(self.ms)

    @property
    def high(self) -> float:
        return max(self.ms)

    def __str__(self) -> str:
        return f"{self.median:.1f} ms ({self.low:.1f}-{self.high:.1f})"


def timed(
    fn: Callable[[], object],
    *,
    runs: int = 11,
    warmup: int = 1,
    clock: Callable[[], float] = time.perf_counter,
) -> Timing:
    """Run `fn` `warmup` times untimed, then `runs` times timed by `clock` (wall-clock by
    default; `time.process_time` gives this process's CPU time)."""
    for _ in range(warmup):
        fn()
    ms = []
    for _ in range(runs):
        started = clock()
        fn()
        ms.append((clock() - started) * 1000)
    return Timing(ms)


@dataclass
class Comparison:
    """A against B, alternated round by round: each side's timings and the per-round ratios."""

    a: Timing
    b: Timing
    ratios: list[float]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def ratio_low(self) -> float:
        return min(self.ratios)

    @property
    def ratio_high(self) -> float:
        return max(self.ratios)

    def row(self, label: str) -> str:
        """One Markdown table row: label | A median (min-max) | B median (min-max) | A/B
        median (min-max)."""
        return (
            f"| {label} | {self.a.median:.1f} ({self.a.low:.1f}-{self.a.high:.1f}) "
            f"| {self.b.median:.1f} ({self.b.low:.1f}-{self.b.high:.1f}) "
            f"| {self.ratio:.2f} ({self.ratio_low:.2f}-{self.ratio_high:.2f}) |"
        )

    @staticmethod
    def header(*what: str) -> str:
        """The Markdown table head for `row`, whose label fills the `what` columns."""
        what = what or ("what",)
        return (
            f"| {' | '.join(what)} | A median ms (min-max) | B median ms (min-max) "
            f"| A/B median (min-max) |\n|{'---|' * len(what)}---:|---:|---:|"
        )

    HEADER = header("what")


def alternate(
    *, a: Callable[[], object], b: Callable[[], object], rounds: int = 11, warmup: int = 1
) -> Comparison:
    """Time `a` and `b` alternately: `warmup` untimed runs of each, then `rounds` rounds of
    A then B (the order flips every round, so neither side always runs on a warmer cache)."""
    for _ in range(warmup):
        a()
        b()
    return alternate_over([None] * rounds, a=lambda _: a(), b=lambda _: b())


def alternate_over(
    work: list, *, a: Callable[[object], object], b: Callable[[object], object], per: int = 1
) -> Comparison:
    """One round for each item of `work`, alternated as in `alternate`: `a(item)` and
    `b(item)`, for things done once only (a letter's job); each time divided by `per` (the
    things in an item). No warm-up: do it before."""
    a_ms, b_ms = [], []
    for index, item in enumerate(work):
        sides = ((a, a_ms), (b, b_ms))
        for fn, sink in sides if index % 2 == 0 else reversed(sides):
            started = time.perf_counter()
            fn(item)
            sink.append((time.perf_counter() - started) * 1000 / per)
    return compare(a_ms, b_ms)


def compare(a_ms: list[float], b_ms: list[float]) -> Comparison:
    """A Comparison of timings already paired round by round."""
    return Comparison(Timing(a_ms), Timing(b_ms), [x / y for x, y in zip(a_ms, b_ms, strict=True)])


# --- Memory -----------------------------------------------------------------------------------


def _status_mib(field: str) -> float | None:
    """A field of /proc/self/status (VmRSS, VmHWM) in MiB; None where there is none."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def resident_mib() -> float:
    """This process's resident memory now (Linux /proc; ru_maxrss elsewhere), in MiB."""
    now = _status_mib("VmRSS")
    return now if now is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> bool:
    """Reset the kernel's record of this process's peak resident memory (VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@dataclass
class Memory:
    """Resident memory of this process before `fn` and the highest seen while it ran."""

    before_mib: float
    peak_mib: float

    @property
    def mib(self) -> float:
        """Added resident memory: the peak while running minus the level before."""
        return self.peak_mib - self.before_mib


def resident_growth(fn: Callable[[], object], *, interval: float = 0.002) -> Memory:
    """Run `fn` and return the resident memory before it and the peak while it ran: the
    kernel's own peak (VmHWM, reset first) on Linux, else a thread sampling every `interval`
    seconds. Measure each thing in a process that has not already been bigger (the allocator
    keeps freed memory): first, or in a child (`child`)."""
    import gc

    gc.collect()
    before = resident_mib()
    kernel_peak = _reset_peak()
    peak = before
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, resident_mib())
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        fn()
    finally:
        done.set()
        sampler.join()
    peak = max(peak, resident_mib())
    if kernel_peak:
        peak = max(peak, _status_mib("VmHWM") or 0)
    return Memory(before, peak)
