"""The digest's charts as small PNG images: they show in any mail client, scripts or not.

matplotlib with the Agg canvas (no display, no pyplot state, safe in threads); Chinese text
uses a Noto/Source Han/WenQuanYi CJK font when the machine has one, else the default font.
Images are reduced to a small palette so two charts stay well under the email's size budget.
"""

from __future__ import annotations

import io
import logging
import textwrap
from functools import lru_cache

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from assistant.present.digest.compose import Digest, label

log = logging.getLogger(__name__)

WIDTH_IN, DPI = 4.8, 150  # 720 px wide, shown at 350-560 px: sharp, and labels stay legible
FONT = 11
INK, MUTED, LINE = "#1f2937", "#6b7280", "#e5e7eb"
COLORS = {"up": "#16a34a", "down": "#dc2626", "flat": "#9ca3af", None: "#2563eb"}
NOISE = 2.0  # the scorecard's verdict is "flat" under 2% either way
_CJK_FILES = ("NotoSansCJK", "SourceHanSans", "wqy", "NotoSerifCJK", "DroidSansFallback")


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of a CJK font on this machine, registered with matplotlib, or None."""
    names = [f.name for f in font_manager.fontManager.ttflist if "CJK" in f.name]
    if not names:
        files = sorted((p for p in font_manager.findSystemFonts()
                        if any(k.lower() in p.lower() for k in _CJK_FILES)),
                       key=lambda p: (not any(k in p for k in ("Sans", "wqy")), "Bold" in p))
        for path in files:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
        names = [f.name for f in font_manager.fontManager.ttflist
                 if "CJK" in f.name or "WenQuanYi" in f.name or "Han Sans" in f.name]
    if not names:
        log.warning("no CJK font found: Chinese chart labels may not render")
        return None
    preferred = [n for n in names if n.endswith(" SC") and "Mono" not in n]
    return (preferred or names)[0]


def _figure(height_in: float, lang: str) -> tuple[Figure, list[str]]:
    """A blank figure and the font families its text should use in this language."""
    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    families = ["DejaVu Sans"]
    if lang == "zh" and (cjk := cjk_font()):
        families = [cjk, *families]
    return fig, families


def _png(fig: Figure) -> bytes:
    """PNG reduced to a 64-colour palette: a chart has few colours, the file shrinks ~4x."""
    raw = io.BytesIO()
    fig.savefig(raw, format="png", dpi=DPI, facecolor="white")
    image = Image.open(io.BytesIO(raw.getvalue())).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    return out.getvalue()


def _style(ax, families: list[str]) -> None:  # noqa: ANN001 - a matplotlib Axes
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(LINE)
    ax.tick_params(colors=MUTED, labelsize=FONT)
    for text in ax.get_xticklabels() + ax.get_yticklabels():
        text.set_fontfamily(families)


def daily_chart(digest: Digest) -> bytes | None:
    """Daily active users on each weekday: this week against the week before."""
    if not any(v is not None for v in digest.daily_this):
        return None
    fig, families = _figure(2.3, digest.lang)
    ax = fig.add_subplot()
    xs = list(range(7))

    def series(values: list[float | None]) -> tuple[list[int], list[float]]:
        pts = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
        return [p[0] for p in pts], [float(p[1]) for p in pts]

    px, py = series(digest.daily_prev)
    if px:
        ax.plot(px, py, color=COLORS["flat"], linestyle="--", linewidth=1.8, marker="o",
                markersize=3.5, label=label("legend_prev", digest.lang))
    tx, ty = series(digest.daily_this)
    ax.plot(tx, ty, color=COLORS[None], linewidth=2.4, marker="o", markersize=4.5,
            label=label("legend_this", digest.lang))
    ax.set_xticks(xs, digest.weekdays)
    low = min(py + ty)
    ax.set_ylim(bottom=max(0.0, low * 0.85))
    ax.grid(axis="y", color=LINE, linewidth=0.8)
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    _style(ax, families)
    ax.legend(frameon=False, loc="lower left", ncols=2, prop={"family": families, "size": FONT})
    return _png(fig)


def changes_chart(digest: Digest) -> bytes | None:
    """The scorecard figures' week-over-week change, coloured by verdict, noise band shaded."""
    rows = [h for h in digest.headlines if h.verdict is not None and h.change is not None]
    if not rows:
        return None
    fig, families = _figure(0.6 * len(rows) + 0.9, digest.lang)
    ax = fig.add_subplot()
    values = [h.change * 100 for h in rows]  # type: ignore[operator]
    ys = list(range(len(rows)))[::-1]
    span = max([abs(v) for v in values] + [NOISE * 2])
    ax.axvspan(-NOISE, NOISE, color="#e5e7eb", zorder=0, label=label("noise_band", digest.lang))
    ax.axvline(0, color=MUTED, linewidth=0.8)
    ax.barh(ys, values, height=0.55, color=[COLORS[h.verdict] for h in rows], zorder=2)
    for y, v, h in zip(ys, values, rows, strict=True):
        ax.text(v + (span * 0.03 if v >= 0 else -span * 0.03), y, h.change_text or "",
                va="center", ha="left" if v >= 0 else "right", fontsize=FONT, color=INK,
                fontfamily=families)
    ax.set_yticks(ys, [textwrap.fill(h.label, 18) for h in rows])  # CJK labels are short
    ax.set_xlim(-span * 1.35, span * 1.35)
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:+.0f}%" if v else "0")
    _style(ax, families)
    fig.legend(frameon=False, loc="outside upper right", prop={"family": families, "size": FONT})
    return _png(fig)


def charts(digest: Digest) -> dict[str, bytes]:
    """File name -> PNG of each chart the digest has data for."""
    out = {}
    for name, make in (("changes.png", changes_chart), ("daily.png", daily_chart)):
        png = make(digest)
        if png:
            out[name] = png
    return out
