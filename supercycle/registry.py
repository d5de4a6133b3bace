"""The chapters of the book, in reading order: one place that names them.

Each executable chapter is a notebook in `chapters/` whose parameters are declared in
`supercycle/chapter_params/<key>.py` as a tuple `PARAMS` of `supercycle.params.Param`.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from . import ROOT


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
        """The declared parameters (a tuple of Param), read from chapter_params/<key>.py."""
        return import_module(f"supercycle.chapter_params.{self.key}").PARAMS


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


def existing_chapters() -> tuple[Chapter, ...]:
    """Chapters whose notebook exists (the book grows one chapter at a time)."""
    return tuple(ch for ch in CHAPTERS if ch.path.exists())
