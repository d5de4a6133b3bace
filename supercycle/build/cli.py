"""The command line: `python -m supercycle {build,run,params,pdf,measure}` (see README).

Exit status: 0 success; 1 a chapter or the site failed to build; 2 bad input or an inconsistent
layout (nothing ran); 130 interrupted by Ctrl-C (SIGINT), 143 by SIGTERM (the previous site and
notebooks are untouched).
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from importlib import import_module

from .params import ParamError, describe, make_plan, short
from .registry import check_layout, chapter as find_chapter


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, status 2, like every other bad input
        print(f"supercycle: error: {short(message, 200)}", file=sys.stderr)
        raise SystemExit(2)


def _positive_int(text: str) -> int:
    if not (text.isascii() and text.isdigit() and int(text) >= 1):
        raise argparse.ArgumentTypeError(f"--jobs {short(text)}: allowed: an integer >= 1")
    return int(text)


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m supercycle", description="Build and re-run the supercycle report.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    b = sub.add_parser("build", help="execute every chapter (cached, in parallel) and build the site")
    r = sub.add_parser("run", help="re-execute one chapter (even if cached) and rebuild the site")
    r.add_argument("chapter", help="the chapter's key or notebook name (e.g. hbf or 03_hbf)")
    for cmd, param in ((b, "CHAPTER.PARAM=VALUE"), (r, "PARAM=VALUE")):
        cmd.add_argument("--scenario", default="base", help="a scenario file in params/ (default: base)")
        cmd.add_argument("--set", dest="sets", action="append", default=[], metavar=param,
                         help="override one parameter; repeatable, each parameter once")
        cmd.add_argument("--jobs", type=_positive_int, default=os.cpu_count() or 1,
                         help="chapters executed at once (default: the number of cores)")
        cmd.add_argument("--no-site", action="store_true", help="execute the chapters only; build no site")
    b.add_argument("--no-cache", action="store_true", help="re-execute every chapter and rebuild the site")
    pa = sub.add_parser("params", help="list every parameter: name, type, default, range, unit, meaning")
    pa.add_argument("chapter", nargs="?", help="only this chapter's parameters (or `shared`: those several chapters use)")
    sub.add_parser("pdf", help="print the built site as the PDF edition (`pdf --help` for its options)")
    sub.add_parser("measure", help="re-run the CPU dequantization measurement and write its data file "
                   "(`measure --help` for its options)")
    return p


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C (exit 143 instead of 130)."""


def _on_sigterm(signum, frame):
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # e.g. `params | head -5`: the reader has gone; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _main(argv: list[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] in (["measure"], ["pdf"]):  # their own options: `python -m supercycle pdf --help`
        module = "supercycle.build.pdf" if argv[0] == "pdf" else "supercycle.chapters.streamdq_measure"
        return import_module(module).main(argv[1:]) or 0
    args = parser().parse_args(argv)
    try:
        problems = check_layout()
        if problems:
            print(f"supercycle: error: {problems[0]}" + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
                  file=sys.stderr)
            return 2
        if args.command == "params":
            print(describe(args.chapter))  # a chapter, `shared`, or every one
            return 0
        key = find_chapter(args.chapter).key if args.command == "run" else None
        plan = make_plan(args.scenario, args.sets, chapter_key=key)
    except ParamError as exc:
        print(f"supercycle: error: {exc}", file=sys.stderr)
        return 2

    from .run import BuildError, build, targets
    signal.signal(signal.SIGTERM, _on_sigterm)
    t0 = time.monotonic()
    print(f"building scenario '{plan.scenario}'" + (f" as {plan.slug}" if not plan.is_default else "")
          + f" with {args.jobs} job(s)", file=sys.stderr)
    try:
        html, rebuilt = build(plan, jobs=args.jobs, use_cache=not getattr(args, "no_cache", False),
                              site=not args.no_site, force={key} if key else set())
    except BuildError as exc:
        print(f"supercycle: build failed: {exc}", file=sys.stderr)
        print("supercycle: nothing was replaced; the previous site and notebooks are unchanged.", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        print("supercycle: interrupted; the previous site and notebooks are unchanged.", file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    took = time.monotonic() - t0
    if args.no_site:
        print(f"chapters executed in {took:.1f}s into {targets(plan)[0]}")
        return 0
    print(f"site {'built' if rebuilt else 'unchanged'} in {took:.1f}s: {html}/index.html")
    print(f"serve it with: python3 -m http.server --bind 127.0.0.1 --directory {os.path.relpath(html)} 8000"
          " (then open http://127.0.0.1:8000/)")
    return 0
