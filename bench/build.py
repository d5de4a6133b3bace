"""Benchmark the build: cold, no-change and one-parameter rebuilds against a plain Jupyter Book build.

    .venv/bin/python bench/build.py [-n RUNS] [--jobs N] [--out bench/RESULTS.md] [--keep]

Everything runs on one machine in one go, on a temporary copy of the project (the files git
would commit: tracked plus untracked, non-ignored; `--tracked-only` for tracked files alone),
with the project's .venv symlinked in, so the checkout and its _build are never touched:

  cold        `python -m supercycle build --no-cache`, from an empty _build (every chapter executed)
  no-change   `python -m supercycle build` right after (everything cached)
  one-param   `python -m supercycle build --set CHAPTER.PARAM=VALUE`: the first declared
              parameter of the first chapter that has one, a different in-range value each run
              (so no run is a cache hit)
  baseline    `jupyter-book build` of a second copy whose _config.yml says
              `execute_notebooks: force` (Jupyter Book executes every notebook itself, serially)

Each figure is the median wall-clock time of RUNS runs (default 1). The report, with the
machine, the date and whether the targets are met, goes to bench/RESULTS.md:

  cold build          at most 0.80 x the baseline
  no-change rebuild   at most 0.15 x the cold build

This is a script, not a test; it takes minutes (tests/test_bench.py checks its arguments and
its report).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "RESULTS.md"
TARGETS = {
    # name: (numerator, denominator, at most)
    "cold build vs baseline": ("cold", "baseline", 0.80),
    "no-change rebuild vs cold build": ("nochange", "cold", 0.15),
}
LABELS = {
    "cold": "cold build (empty cache)",
    "nochange": "no-change rebuild",
    "param": "one-parameter rebuild",
    "baseline": "baseline: jupyter-book, execute_notebooks: force",
}


# --- arguments --------------------------------------------------------------------------------

def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text}: expected an integer >= 1")
    return n


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/build.py", description=__doc__.split("\n\n")[0])
    p.add_argument("-n", "--runs", type=_positive_int, default=1,
                   help="runs of each build; the report gives the median (default 1)")
    p.add_argument("--jobs", type=_positive_int, default=None,
                   help="--jobs for `python -m supercycle build` (default: its own default)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="report file (default bench/RESULTS.md)")
    p.add_argument("--keep", action="store_true", help="keep the temporary copies (their path is printed)")
    p.add_argument("--tracked-only", action="store_true", help="copy tracked files only")
    return p.parse_args(argv)


# --- figures and the report ---------------------------------------------------------------------

def summarize(timings: dict[str, list[float]]) -> dict:
    """Medians, ratios and targets from {build: [seconds, ...]}."""
    medians = {k: statistics.median(v) for k, v in timings.items() if v}
    targets = []
    for name, (num, den, limit) in TARGETS.items():
        ratio = medians[num] / medians[den] if num in medians and den in medians and medians[den] > 0 else None
        targets.append({"name": name, "num": num, "den": den, "limit": limit, "ratio": ratio,
                        "met": None if ratio is None else ratio <= limit})
    return {"medians": medians, "targets": targets}


def render_report(timings: dict[str, list[float]], *, machine: str, date: str,
                  commands: dict[str, str], notes: list[str] = ()) -> str:
    s = summarize(timings)
    med = s["medians"]
    runs = max((len(v) for v in timings.values()), default=0)
    lines = ["# Build benchmark", "",
             f"Measured by `bench/build.py` on {date}, median of {runs} run{'s' if runs != 1 else ''} each.", "",
             f"Machine: {machine}.", "",
             "| build | command | median (s) | runs (s) |", "|---|---|---:|---|"]
    for key in ("cold", "nochange", "param", "baseline"):
        if key in med:
            lines.append(f"| {LABELS[key]} | `{commands.get(key, '')}` | {med[key]:.1f} | "
                         + ", ".join(f"{t:.1f}" for t in timings[key]) + " |")
    lines += ["", "## Targets", "", "| target | limit | measured | status |", "|---|---:|---:|---|"]
    for t in s["targets"]:
        measured = "n/a" if t["ratio"] is None else f"{t['ratio']:.3f}"
        status = "not measured" if t["met"] is None else ("met" if t["met"] else "NOT met")
        lines.append(f"| {t['name']} ({LABELS[t['num']]} / {LABELS[t['den']]}) | at most {t['limit']:.2f} "
                     f"| {measured} | {status} |")
    extra = []
    if "param" in med and "cold" in med and med["cold"] > 0:
        extra.append(f"One-parameter rebuild / cold build: {med['param'] / med['cold']:.3f} (no target).")
    if "cold" in med and "baseline" in med and med["cold"] > 0:
        extra.append(f"Speed-up of the cold build over the baseline: {med['baseline'] / med['cold']:.2f}x.")
    if extra or notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in [*extra, *notes]]
    return "\n".join(lines) + "\n"


def write_report(path: Path, timings: dict[str, list[float]], **kw) -> str:
    text = render_report(timings, **kw)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


def machine_description() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"{cpu}, {cores} cores available ({os.cpu_count()} logical CPUs), "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


# --- the one-parameter change -------------------------------------------------------------------

def _fmt(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def alternative_values(param, n: int) -> list[str]:
    """Up to `n` distinct values (as --set text) for `param`, all in range and unlike its default."""
    d = param.default
    if param.type == "bool":
        return [_fmt(not d)]
    if param.type == "str":
        if param.choices:
            return [str(c) for c in param.choices if c != d][:n]
        return [f"{d}-{k}"[:64] for k in range(1, n + 1)]
    lo = -float("inf") if param.min is None else param.min
    hi = float("inf") if param.max is None else param.max
    if param.type == "int":
        up = [d + k for k in range(1, n + 1) if d + k <= hi]
        down = [d - k for k in range(1, n + 1) if d - k >= lo]
        return [_fmt(v) for v in (up if len(up) >= len(down) else down)]
    # float: evenly spaced strictly between the default and the farther bound (or steps of 10%)
    span_up, span_down = hi - d, d - lo
    if span_up >= span_down:
        end = d + (span_up if span_up != float("inf") else max(abs(d), 1.0) * 0.1 * (n + 1))
    else:
        end = d - (span_down if span_down != float("inf") else max(abs(d), 1.0) * 0.1 * (n + 1))
    values = [d + (end - d) * k / (n + 1) for k in range(1, n + 1)]
    return list(dict.fromkeys(_fmt(v) for v in values if _fmt(v) != _fmt(d)))


def first_param(chapters=None):
    """(chapter key, Param) of the first declared parameter of the first chapter that has one."""
    if chapters is None:
        sys.path.insert(0, str(ROOT))
        from supercycle.build.registry import CHAPTERS as chapters
    for ch in chapters:
        if ch.params:
            return ch.key, ch.params[0]
    raise SystemExit("bench: no chapter declares a parameter; nothing to change")


# --- running ------------------------------------------------------------------------------------

def project_files(tracked_only: bool) -> list[str]:
    cmd = ["git", "ls-files", "-z"] + ([] if tracked_only else ["--cached", "--others", "--exclude-standard"])
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True).stdout.decode()
    return sorted({f for f in out.split("\0") if f and (ROOT / f).is_file()})


def copy_project(dest: Path, files: list[str]) -> Path:
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    (dest / ".venv").symlink_to(ROOT / ".venv")
    return dest


def make_baseline(dest: Path) -> None:
    """Switch the copy's _config.yml to let Jupyter Book execute every notebook itself."""
    import yaml

    cfg_path = dest / "_config.yml"
    cfg = yaml.safe_load(cfg_path.read_text(encoding="utf-8")) or {}
    cfg.setdefault("execute", {})
    cfg["execute"]["execute_notebooks"] = "force"
    cfg["execute"].setdefault("timeout", 600)  # the 30 s default would fail a slow cell, not time it
    cfg_path.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True), encoding="utf-8")
    # The same offline Vega files the real build writes (untimed; the real build's time includes them).
    from supercycle.build.site import bundle_source, setup_source
    (dest / "_static").mkdir(exist_ok=True)
    (dest / "_static" / "vega-bundle.js").write_text(bundle_source(), encoding="utf-8")
    (dest / "_static" / "vega-setup.js").write_text(setup_source(), encoding="utf-8")


def timed(cmd: list[str], cwd: Path, label: str, pythonpath: Path | None = None) -> float:
    env = dict(os.environ, PYTHONHASHSEED="0")
    env.pop("PYTHONPATH", None)
    if pythonpath is not None:  # as `python -m supercycle build` gives its kernels
        env["PYTHONPATH"] = str(pythonpath)
    print(f"bench: {label}: {' '.join(cmd)}", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-30:])
        raise SystemExit(f"bench: {label} failed (exit {proc.returncode}) after {took:.1f}s:\n{tail}")
    print(f"bench: {label}: {took:.1f}s", file=sys.stderr, flush=True)
    return took


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    key, param = first_param()
    values = alternative_values(param, args.runs)
    notes = []
    if len(values) < args.runs:
        notes.append(f"{key}.{param.name} has only {len(values)} other value(s): "
                     f"one-parameter runs beyond that reuse the cache.")
    files = project_files(args.tracked_only)
    load_start = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="supercycle-bench-"))
    try:
        shared = ROOT.parent / "shared"
        if shared.exists():  # as in a checkout: ../shared next to the project
            (tmp / "shared").symlink_to(shared)
        proj = copy_project(tmp / "project", files)
        base = copy_project(tmp / "baseline", files)
        make_baseline(base)
        py = str(proj / ".venv" / "bin" / "python")
        jobs = ["--jobs", str(args.jobs)] if args.jobs else []
        build = [py, "-m", "supercycle", "build", *jobs]
        commands = {
            "cold": "python -m supercycle build --no-cache" + (f" --jobs {args.jobs}" if args.jobs else ""),
            "nochange": "python -m supercycle build" + (f" --jobs {args.jobs}" if args.jobs else ""),
            "param": f"python -m supercycle build --set {key}.{param.name}=VALUE"
                     + (f" --jobs {args.jobs}" if args.jobs else ""),
            "baseline": "jupyter-book build . (execute_notebooks: force)",
        }
        timings: dict[str, list[float]] = {"cold": [], "nochange": [], "param": [], "baseline": []}
        for i in range(args.runs):
            shutil.rmtree(proj / "_build", ignore_errors=True)
            timings["cold"].append(timed(build + ["--no-cache"], proj, f"cold {i + 1}/{args.runs}"))
        for i in range(args.runs):
            timings["nochange"].append(timed(build, proj, f"no-change {i + 1}/{args.runs}"))
        for i in range(args.runs):
            v = values[i % len(values)]
            timings["param"].append(timed(build + ["--set", f"{key}.{param.name}={v}"], proj,
                                          f"one-param {key}.{param.name}={v} {i + 1}/{args.runs}"))
        jb = str(base / ".venv" / "bin" / "jupyter-book")
        for i in range(args.runs):
            shutil.rmtree(base / "_build", ignore_errors=True)
            timings["baseline"].append(timed([jb, "build", ".", "--builder", "html"], base,
                                             f"baseline {i + 1}/{args.runs}", pythonpath=base))
        notes.append(f"One-parameter values used for {key}.{param.name} (default {_fmt(param.default)}): "
                     + ", ".join(values[i % len(values)] for i in range(args.runs)) + ".")
        notes.append(f"Load average (1 min) {load_start:.1f} at the start and {os.getloadavg()[0]:.1f} at the "
                     f"end, on {os.cpu_count()} logical CPUs: above that count, other work shared the machine "
                     "and every figure is slower than on an idle one (the baseline ran in the same session).")
        date = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        text = write_report(args.out, timings, machine=machine_description(), date=date,
                            commands=commands, notes=notes)
        print(text)
    finally:
        if args.keep:
            print(f"bench: copies kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
