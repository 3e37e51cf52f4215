"""Charts drawn on the server as SVG (no script, no library): the one score histogram — on the
problem's page (styled by the page), and as a file of a batch or the analytics route (with its
own style, `standalone=True`). One binning rule: a score's share of the maximum, in tenths."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup


@dataclass(frozen=True)
class Bin:
    label: str  # "0–10 %"
    count: int


BINS = 10
# A file has no page to style it: the page's rules (service/web/static/style.css), inside it.
_OWN_STYLE = ("<style>.bar{fill:#0b4f9c}.axis{stroke:#000;stroke-width:1}"
              "text{fill:#000;font-size:12px;font-family:system-ui,sans-serif}</style>")


def bin_of(share: float, bins: int = BINS) -> int:
    """The bin of a score's share of the maximum (0…1); 100 % falls in the last."""
    return min(bins - 1, max(0, int(share * bins)))


def counted_bins(counts: list[int]) -> list[Bin]:
    width = 100 // len(counts)
    return [Bin(f"{i * width}–{(i + 1) * width} %", c) for i, c in enumerate(counts)]


def score_bins(shares: list[float], bins: int = BINS) -> list[Bin]:
    """Scores as shares of the maximum counted in `bins` equal bins."""
    counts = [0] * bins
    for share in shares:
        counts[bin_of(share, bins)] += 1
    return counted_bins(counts)


def histogram_svg(bins: list[Bin], title: str, chart_id: str = "histogram", standalone: bool = False) -> Markup:
    """Bars with their counts written on them (readable without colour), axes labelled; the
    page shows the same numbers in a table for screen readers."""
    width, height, left, bottom, top = 640, 260, 40, 50, 20
    plot_w, plot_h = width - left - 10, height - bottom - top
    tallest = max((b.count for b in bins), default=0) or 1
    step = plot_w / max(1, len(bins))
    size = f'width="{width}" height="{height}" ' if standalone else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="histogram" {size}viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title">',
        _OWN_STYLE if standalone else "",
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" class="axis"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" class="axis"/>',
        f'<text x="{left - 6}" y="{top + plot_h}" class="tick" text-anchor="end">0</text>',
        f'<text x="{left - 6}" y="{top + 10}" class="tick" text-anchor="end">{tallest}</text>',
    ]
    for i, b in enumerate(bins):
        h = plot_h * b.count / tallest
        x = left + i * step + 3
        y = top + plot_h - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{step - 6:.1f}" height="{h:.1f}" class="bar">'
                     f'<title>{escape(b.label)}: {b.count}</title></rect>')
        if b.count:
            parts.append(f'<text x="{x + (step - 6) / 2:.1f}" y="{y - 4:.1f}" class="count" '
                         f'text-anchor="middle">{b.count}</text>')
        parts.append(f'<text x="{x + (step - 6) / 2:.1f}" y="{top + plot_h + 16}" class="tick" '
                     f'text-anchor="middle">{i * 10}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" class="label" text-anchor="middle">'
                 f'score (% of the maximum), bins of 10 %</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
