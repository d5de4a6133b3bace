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

from supercycle import ROOT
from supercycle.declare import ParamError, short


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
    """The pages _toc.yml lists, the root first, in reading order (`chapters/03_hbf`), as Jupyter
    Book reads them (with sphinx-external-toc)."""
    from sphinx_external_toc.parsing import parse_toc_yaml
    toc = ROOT / "_toc.yml"
    return list(parse_toc_yaml(toc)) if toc.exists() else []


CHAPTERS: tuple[Chapter, ...] = tuple(
    Chapter(f.split("/")[-1].split("_", 1)[-1], f.split("/")[-1] + ".ipynb") for f in toc_files()
    if f.startswith("chapters/") and (ROOT / f"{f}.ipynb").is_file())


def chapter(name: str) -> Chapter:
    """Look a chapter up by key (`hbf`) or notebook stem (`03_hbf`); ParamError (one line) if none."""
    for ch in CHAPTERS:
        if name in (ch.key, ch.notebook, ch.notebook.removesuffix(".ipynb")):
            return ch
    raise ParamError(f"unknown chapter '{short(name)}'; allowed: {', '.join(c.key for c in CHAPTERS)}")


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
