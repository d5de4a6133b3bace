"""supercycle: the package behind the executable report on the 2026 memory-chip supercycle.

Data access (validated), models (pure functions), the chart theme, notebook helpers and the
build CLI (`python -m supercycle`). Chapters import from here; nothing numeric is typed into a
notebook.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""Project root: the folder that holds `_config.yml`, `chapters/`, `data/` and this package."""

__all__ = ["ROOT"]
