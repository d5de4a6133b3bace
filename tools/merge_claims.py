"""Development aid: concatenate data/claims_parts/<source_id>.csv into data/claims.csv.

Each contributor edits only their own part file while chapters are written in parallel; this
writes the single file the package reads, in source order then row order. Run after editing a
part: `.venv/bin/python tools/merge_claims.py`.
"""
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from supercycle.data import CLAIM_COLUMNS  # noqa: E402

order = [r["id"] for r in csv.DictReader(open(ROOT / "data/sources.csv", encoding="utf-8"))]
rows = []
for sid in order:
    part = ROOT / "data/claims_parts" / f"{sid}.csv"
    if part.exists():
        for r in csv.DictReader(open(part, encoding="utf-8")):
            rows.append({c: r.get(c, "") for c in CLAIM_COLUMNS})
tmp = ROOT / "data/claims.csv.tmp"
with open(tmp, "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=CLAIM_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
tmp.replace(ROOT / "data/claims.csv")
print(f"data/claims.csv: {len(rows)} rows")
