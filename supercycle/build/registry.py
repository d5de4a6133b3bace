"""The chapters of the book, in reading order: one place that names them.

Each executable chapter is a notebook in `chapters/` whose parameters are declared in
`supercycle/chapters/<key>.py` as a pydantic model `Params` (a `supercycle.declare.ChapterParams`).
A notebook that is not registered here, or a registered chapter without its notebook or its place
in `_toc.yml`, is an error (`check_layout`), never skipped.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from supercycle import ROOT


@dataclass(frozen=True)
class Chapter:
    key: str          # short name used on the command line and in scenario files
    notebook: str     # file name in chapters/
    title: str

    @property
    def path(self):
        return ROOT / "chapters" / self.notebook

    @property
    def params(self):
        """The declared parameters (`supercycle.declare.Spec`s) of `Params` in supercycle/chapters/<key>.py."""
        from .params import specs
        return specs(import_module(f"supercycle.chapters.{self.key}").Params)


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("memory_supercycle", "01_memory_supercycle.ipynb", "The memory supercycle"),
    Chapter("shortage", "07_shortage.ipynb", "Supply, demand and the end of the shortage"),
    Chapter("hbm_competition", "02_hbm_competition.ipynb", "HBM competition"),
    Chapter("hbf", "03_hbf.ipynb", "HBF: high-bandwidth flash"),
    Chapter("packaging", "04_packaging.ipynb", "Advanced packaging"),
    Chapter("streamdq", "05_streamdq.ipynb", "StreamDQ"),
    Chapter("fact_check", "06_fact_check.ipynb", "The fact-check ledger"),
    Chapter("sources_and_data", "a1_sources_and_data.ipynb", "Sources and data"),
)


class UnknownChapter(KeyError):
    pass


def chapter(name: str) -> Chapter:
    """Look a chapter up by key (`hbf`) or notebook stem (`03_hbf`)."""
    for ch in CHAPTERS:
        if name in (ch.key, ch.notebook, ch.notebook.removesuffix(".ipynb")):
            return ch
    raise UnknownChapter(name)


def check_layout() -> list[str]:
    """Every way chapters/, _toc.yml and CHAPTERS disagree, one line each (empty: consistent)."""
    import yaml
    registered = {ch.notebook for ch in CHAPTERS}
    problems = [f"chapters/{p.name} is not registered in supercycle/build/registry.py CHAPTERS"
                for p in sorted((ROOT / "chapters").glob("*.ipynb")) if p.name not in registered]
    problems += [f"chapter {ch.key}: chapters/{ch.notebook} does not exist" for ch in CHAPTERS if not ch.path.exists()]
    toc = ROOT / "_toc.yml"
    files: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("file"), str):
                files.add(node["file"].removesuffix(".ipynb").removesuffix(".md"))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(yaml.safe_load(toc.read_text(encoding="utf-8")) if toc.exists() else None)
    stems = {f"chapters/{n.removesuffix('.ipynb')}" for n in registered}
    problems += [f"_toc.yml lists {f}, which is neither a registered chapter nor a file in chapters/"
                 for f in sorted(files) if f.startswith("chapters/") and f not in stems
                 and not (ROOT / f"{f}.md").exists()]
    problems += [f"chapter {ch.key} is registered but not listed in _toc.yml" for ch in CHAPTERS
                 if f"chapters/{ch.notebook.removesuffix('.ipynb')}" not in files]
    return problems
