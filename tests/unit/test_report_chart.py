"""The chart: a real PNG of the expected size, for a busy report and an empty one."""

from __future__ import annotations

import io
from datetime import date, timedelta

from matplotlib.image import imread

from bot.report_chart import DPI, HEIGHT, WIDTH, render_chart
from bot.services.reports import Day, Ratio, Spread
from tests.unit.test_report_export import sample


def _size(png: bytes) -> tuple[int, int]:
    pixels = imread(io.BytesIO(png), format="png")
    return pixels.shape[1], pixels.shape[0]


def test_a_report_is_drawn_as_a_png():
    png = render_chart(sample())
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert _size(png) == (round(WIDTH * DPI), round(HEIGHT * DPI))


def test_an_empty_report_is_drawn_too():
    empty = sample(
        backlog={},
        days=(Day(date(2026, 11, 16), 0, 0),),
        opened=0,
        resolved=0,
        sla=(),
        mtta=Spread(),
        mttr=Spread(),
        reopened=Ratio(),
        categories=(),
        agents=(),
        groups=(),
    )
    assert render_chart(empty).startswith(b"\x89PNG")


def test_a_long_window_is_drawn_as_lines():
    days = tuple(Day(date(2026, 1, 1) + timedelta(days=n), n % 7, n % 5) for n in range(366))
    assert render_chart(sample(days=days)).startswith(b"\x89PNG")
