"""How to cite the report: one edition date and one wording for the site, the PDF and BibTeX.

The edition is the date of the commit the report was built from (so two builds of one commit
cite alike), or today's date outside a git checkout. A scenario build names its scenario and the
parameters it changed, since its figures are not the published edition's.
"""
from __future__ import annotations

import datetime as dt
import subprocess

from . import ROOT


def _book_config() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


TITLE: str = _book_config()["title"]     # declared once, in _config.yml
AUTHOR: str = _book_config()["author"]


def edition_date() -> str:
    """YYYY-MM-DD of the checked-out commit, else today."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "HEAD"], cwd=ROOT,
                             capture_output=True, text=True, timeout=10)
        if out.returncode == 0 and len(out.stdout.strip()) == 10:
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return dt.date.today().isoformat()


def scenario_note(scenario: str = "base", changed: dict[str, dict] | None = None) -> str:
    """'' for the published edition; else e.g. 'scenario bull; hbf.batch = 64' (`changed`: the
    values set on top of the scenario, per chapter)."""
    changes = "; ".join(f"{ch}.{k} = {v}" for ch, vals in (changed or {}).items() for k, v in vals.items())
    if scenario == "base" and not changes:
        return ""
    return f"scenario {scenario}" + (f"; {changes}" if changes else "")


def text(edition: str, note: str = "") -> str:
    """Plain-text citation."""
    extra = f" ({note})" if note else ""
    return f"{AUTHOR}. {TITLE}. Edition of {edition}{extra}."


def bibtex(edition: str, note: str = "") -> str:
    """A BibTeX @report entry; its key carries the edition so editions do not collide."""
    fields = [("title", "{" + TITLE + "}"), ("author", "{" + AUTHOR + "}"),  # braces keep the case
              ("year", edition[:4]), ("month", str(int(edition[5:7]))), ("date", edition),
              ("type", "Executable analytical report"), ("note", "Edition of " + edition + (f", {note}" if note else ""))]
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@report{{supercycle-{edition.replace('-', '')},\n{body}\n}}"


def markdown(edition: str, note: str = "") -> str:
    """The "Cite this report" block for the front page (MyST)."""
    return "\n".join([
        "## Cite this report", "",
        text(edition, note), "",
        "```bibtex", bibtex(edition, note), "```", ""])
