"""Make _static/social-card.png, the image link previews show (sphinxext.opengraph's ogp_image).

A 1200 x 630 card with the report's title (from _config.yml) drawn by vl-convert, so it needs no
image library and no network. Run it again if the title changes:
    .venv/bin/python tools/make_social_card.py
"""
from pathlib import Path

import vl_convert as vlc
import yaml

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    lines = [
        {"y": 250, "text": cfg["title"].split(":")[0], "size": 64, "weight": "bold"},
        {"y": 340, "text": cfg["title"].split(":", 1)[1].strip() if ":" in cfg["title"] else "", "size": 44, "weight": "normal"},
        {"y": 450, "text": "Eight January-2026 articles, every figure checked, every model re-runnable", "size": 28, "weight": "normal"},
    ]
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 1200, "height": 630, "padding": 0, "autosize": {"type": "none"},
        "background": "#0f2a44",
        "data": {"values": lines},
        "layer": [{
            "mark": {"type": "text", "align": "left", "baseline": "middle", "color": "white", "font": "sans-serif"},
            "encoding": {
                "x": {"value": 80}, "y": {"field": "y", "type": "quantitative", "scale": {"domain": [0, 630], "range": [0, 630]}, "axis": None},
                "text": {"field": "text"}, "size": {"field": "size", "type": "quantitative", "scale": None, "legend": None},
                "fontWeight": {"field": "weight", "type": "nominal", "scale": None, "legend": None},
            },
        }],
        "config": {"view": {"stroke": None}},
    }
    out = ROOT / "_static" / "social-card.png"
    out.write_bytes(vlc.vegalite_to_png(spec, scale=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
