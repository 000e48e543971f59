"""The mood chart: moods per day as stacked bars, one fixed colour per emotion, drawn as a PNG.

Matplotlib's object API on the Agg canvas (no pyplot, no display). Colours are the Okabe-Ito
palette, told apart with the common colour-vision deficiencies; the web page's emotion chips use
the same ones (``handlers/web/static/app.css``). Labels are dates and the seven emotion names
only, so one chart serves every language (the caption travels beside it). Drawn at 960×648 px
with type big enough to read when shown 340–400 px wide (a phone, the web page's side panel).
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Mapping

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from bot.mood_summary import MoodDays
from config import EMOTIONS, Emotion

EMOTION_COLOURS: Mapping[str, str] = {
    "joy": "#E69F00",  # orange
    "surprise": "#56B4E9",  # sky blue
    "neutral": "#999999",  # grey
    "disgust": "#009E73",  # bluish green
    "fear": "#CC79A7",  # reddish purple
    "anger": "#D55E00",  # vermilion
    "sadness": "#0072B2",  # blue
}
# bottom to top: calm at the base, the heavier moods on top where they catch the eye
STACK_ORDER: tuple[Emotion, ...] = ("neutral", "joy", "surprise", "disgust", "fear", "anger", "sadness")
SIZE_IN = (5.0, 3.375)
DPI = 192
SIZE_PX = (round(SIZE_IN[0] * DPI), round(SIZE_IN[1] * DPI))  # 960×648
INK = "#222222"
GRID = "#DDDDDD"
_lock = threading.Lock()  # matplotlib is not thread-safe: one chart at a time


def render_chart(days: MoodDays) -> bytes:
    """``days`` as a PNG; the same counts give the same bytes (and hit a small cache)."""
    counts = tuple(days.counts[e] for e in EMOTIONS)
    labels = tuple(f"{d.month}/{d.day}" for d in days.days)
    with _lock:
        return _render(labels, counts)


@functools.lru_cache(maxsize=64)
def _render(labels: tuple[str, ...], counts: tuple[tuple[int, ...], ...]) -> bytes:
    by_emotion: dict[str, tuple[int, ...]] = dict(zip(EMOTIONS, counts, strict=True))
    n = len(labels)
    fig, ax = _frame(n)
    for old in list(ax.collections):
        old.remove()
    half = (0.72 if n <= 7 else 0.8) / 2
    bottom = [0] * n
    for emotion in STACK_ORDER:  # one collection per emotion: a month draws in 7 calls, not 210
        boxes = [
            ((i - half, b), (i + half, b), (i + half, b + h), (i - half, b + h))
            for i, (b, h) in enumerate(zip(bottom, by_emotion[emotion], strict=True))
            if h
        ]
        bars = PolyCollection(
            boxes, facecolors=EMOTION_COLOURS[emotion], edgecolors="white", linewidths=0.6 if n <= 7 else 0.3
        )
        ax.add_collection(bars, autolim=False)
        bottom = [b + h for b, h in zip(bottom, by_emotion[emotion], strict=True)]
    ax.set_ylim(0, max(1, *bottom) * 1.08)
    step = 1 if n <= 7 else 5
    ticks = [i for i in range(n) if (n - 1 - i) % step == 0]  # today always labelled
    ax.set_xticks(ticks, [labels[i] for i in ticks])
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    return out.getvalue()


@functools.lru_cache(maxsize=4)
def _frame(n: int) -> tuple[Figure, Axes]:
    """The figure for ``n`` days without bars: axes, grid, legend. Made once per length and reused
    (under the lock), it saves a quarter of each chart's time; the bytes are the same."""
    fig = Figure(figsize=SIZE_IN, dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.1, 0.3, 0.87, 0.66))
    ax.set_xlim(-0.6, n - 0.4)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.tick_params(colors=INK, labelsize=14, length=0, pad=6)
    ax.grid(axis="y", color=GRID, linewidth=1)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#888888")
    fig.legend(
        [Patch(facecolor=EMOTION_COLOURS[e]) for e in EMOTIONS],
        list(EMOTIONS),
        loc="lower center",
        ncol=4,
        frameon=False,
        fontsize=14,
        handlelength=1.0,
        handleheight=1.0,
        columnspacing=1.0,
        labelcolor=INK,
        bbox_to_anchor=(0.5, 0.0),
    )
    return fig, ax
