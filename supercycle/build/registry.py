"""The chapters of the book, in reading order, as `_toc.yml` lists them (the one list of them).

A chapter is a notebook `chapters/<NN>_<key>.ipynb` in `_toc.yml` (its key is the name after the
first underscore: `03_hbf` is `hbf`), with its parameters declared in
`supercycle/chapters/<key>.py` as a pydantic model `Params` (a `supercycle.declare.ChapterParams`).
A notebook in `chapters/` that `_toc.yml` does not list, an entry with no file, or a chapter without
its module is an error (`check_layout`), never skipped.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

import yaml

from supercycle import ROOT


@dataclass(frozen=True)
class Chapter:
    key: str          # short name used on the command line and in scenario files
    notebook: str     # file name in chapters/

    @property
    def path(self):
        return ROOT / "chapters" / self.notebook

    @property
    def params(self):
        """The declared parameters (`supercycle.declare.Spec`s) of `Params` in supercycle/chapters/<key>.py."""
        from .params import specs
        return specs(import_module(f"supercycle.chapters.{self.key}").Params)


def toc_files() -> list[str]:
    """Every `file:` entry of _toc.yml, in reading order, without its suffix (`chapters/03_hbf`)."""
    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("file"), str):
                yield node["file"].removesuffix(".ipynb").removesuffix(".md")
            node = list(node.values())
        for v in node if isinstance(node, list) else ():
            yield from walk(v)
    toc = ROOT / "_toc.yml"
    return list(walk(yaml.safe_load(toc.read_text(encoding="utf-8")) if toc.exists() else None))


CHAPTERS: tuple[Chapter, ...] = tuple(
    Chapter(f.split("/")[-1].split("_", 1)[-1], f.split("/")[-1] + ".ipynb") for f in toc_files()
    if f.startswith("chapters/") and (ROOT / f"{f}.ipynb").is_file())


class UnknownChapter(KeyError):
    pass


def chapter(name: str) -> Chapter:
    """Look a chapter up by key (`hbf`) or notebook stem (`03_hbf`)."""
    for ch in CHAPTERS:
        if name in (ch.key, ch.notebook, ch.notebook.removesuffix(".ipynb")):
            return ch
    raise UnknownChapter(name)


def check_layout() -> list[str]:
    """Every way chapters/, _toc.yml and supercycle/chapters/ disagree, one line each."""
    listed = set(toc_files())
    problems = [f"chapters/{p.name} is not listed in _toc.yml (every notebook in chapters/ is a chapter)"
                for p in sorted((ROOT / "chapters").glob("*.ipynb")) if f"chapters/{p.stem}" not in listed]
    problems += [f"_toc.yml lists {f}, which is neither a notebook nor a page" for f in sorted(listed)
                 if not (ROOT / f"{f}.ipynb").is_file() and not (ROOT / f"{f}.md").is_file()]
    problems += [f"chapter {ch.key} ({ch.notebook}) has no supercycle/chapters/{ch.key}.py" for ch in CHAPTERS
                 if not (ROOT / "supercycle" / "chapters" / f"{ch.key}.py").is_file()]
    return problems
