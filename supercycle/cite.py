"""How to cite the report: one edition date and one wording for the site, the PDF and BibTeX.

The edition is the date of the commit the report was built from (so two builds of one commit
cite alike), or today's date outside a git checkout. A scenario build names its scenario and the
parameters it changed, since its figures are not the published edition's. The front page's two
blocks for a build plan ("Cite this report", "How this site was built") are written here too.
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


def cite_markdown(plan) -> str:
    """The front page's "Cite this report" block for a build plan (`supercycle.build.params.Plan`):
    a named scenario is cited by its name (its file lists the values), overrides one by one."""
    overrides: dict[str, dict] = {}
    for chapter_key, name, value in plan.overrides:
        overrides.setdefault(chapter_key, {})[name] = value
    return markdown(edition_date(), "" if plan.is_default else scenario_note(plan.scenario, overrides))


def build_info_markdown(plan) -> str:
    """The front page's "How this site was built" block: the scenario and what it changed."""
    lines = [":::{admonition} How this site was built", ":class: note", ""]
    if plan.is_default:
        lines.append("Scenario **base**, every chapter at its declared defaults "
                     "(`python -m supercycle params` lists them).")
    else:
        lines += [f"Scenario **{plan.scenario}**" + (" with overrides" if plan.overrides else "")
                  + f" (folder `_build/scenarios/{plan.slug}`). Parameters that differ from the defaults:", ""]
        rows = [f"| {ck} | `{name}` | {val} |" for ck, vals in plan.changed().items() for name, val in vals.items()]
        lines += ["| Chapter | Parameter | Value |", "|---|---|---|", *rows] if rows else \
            ["none (the scenario sets every parameter to its default)."]
    return "\n".join(lines + [":::", ""])
