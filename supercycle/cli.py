"""The command line: `python -m supercycle {build,run,params}` (see README).

Exit status: 0 success; 1 a chapter or the site failed to build; 2 bad input (nothing ran);
130 or 143 interrupted (the previous site and notebooks are untouched).
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import time

from .params import ParamError, describe, make_plan
from .registry import UnknownChapter, chapter as find_chapter


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, status 2, like every other bad input
        print(f"supercycle: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--jobs {text}: not an integer; allowed: an integer >= 1") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"--jobs {text}: allowed: an integer >= 1")
    return n


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m supercycle", description="Build and re-run the supercycle report.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    b = sub.add_parser("build", help="execute every chapter (cached, in parallel) and build the site")
    b.add_argument("--scenario", default="base", help="a scenario file in params/ (default: base)")
    b.add_argument("--set", dest="sets", action="append", default=[], metavar="CHAPTER.PARAM=VALUE",
                   help="override one parameter (repeatable)")
    b.add_argument("--jobs", type=_positive_int, default=os.cpu_count() or 1,
                   help="chapters executed at once (default: the number of cores)")
    b.add_argument("--no-cache", action="store_true", help="re-execute every chapter and rebuild the site")
    b.add_argument("--no-site", action="store_true", help="execute the chapters only")
    r = sub.add_parser("run", help="re-execute one chapter and rebuild the site")
    r.add_argument("chapter")
    r.add_argument("--scenario", default="base")
    r.add_argument("--set", dest="sets", action="append", default=[], metavar="PARAM=VALUE")
    r.add_argument("--jobs", type=_positive_int, default=os.cpu_count() or 1)
    r.add_argument("--no-site", action="store_true")
    pa = sub.add_parser("params", help="list every parameter: name, type, default, range, unit, meaning")
    pa.add_argument("chapter", nargs="?")
    return p


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "params":
            if args.chapter:
                find_chapter(args.chapter)
            print(describe(args.chapter))
            return 0
        force: set[str] = set()
        if args.command == "run":
            key = find_chapter(args.chapter).key
            plan = make_plan(args.scenario, args.sets, chapter_key=key)
            force = {key}
        else:
            plan = make_plan(args.scenario, args.sets)
    except UnknownChapter as exc:
        from .registry import CHAPTERS
        print(f"supercycle: error: unknown chapter '{exc.args[0]}'; allowed: "
              f"{', '.join(c.key for c in CHAPTERS)}", file=sys.stderr)
        return 2
    except ParamError as exc:
        print(f"supercycle: error: {exc}", file=sys.stderr)
        return 2

    from .build import BuildError, build, targets
    signal.signal(signal.SIGTERM, _on_sigterm)
    t0 = time.monotonic()
    print(f"building scenario '{plan.scenario}'" + (f" as {plan.slug}" if not plan.is_default else "")
          + f" with {args.jobs} job(s)", file=sys.stderr)
    try:
        html = build(plan, jobs=args.jobs, use_cache=not getattr(args, "no_cache", False),
                     site=not args.no_site, force=force,
                     log=lambda m: print(m, file=sys.stderr, flush=True))
    except BuildError as exc:
        print(f"supercycle: build failed: {exc}", file=sys.stderr)
        print("supercycle: nothing was replaced; the previous site and notebooks are unchanged.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("supercycle: interrupted; the previous site and notebooks are unchanged.", file=sys.stderr)
        return 130
    took = time.monotonic() - t0
    if args.no_site:
        print(f"chapters executed in {took:.1f}s into {targets(plan)[0]}")
    else:
        print(f"site built in {took:.1f}s: {html}/index.html")
        print(f"serve it with: python3 -m http.server --directory {os.path.relpath(html)} 8000"
              " (then open http://127.0.0.1:8000/)")
    return 0
