"""`deskbot report`: the /report figures as Markdown, CSV or JSON, for spreadsheets and
dashboards, to standard output or a file (and the chart as a PNG, if asked)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.db import Database
from bot.errors import BadArguments
from bot.registry import GROUP
from bot.report_export import export
from bot.services.report_window import Window, parse_period
from bot.services.reports import DeskReport, build_report
from bot.services.review import Review, review
from bot.services.rules import DeskRules


async def run_report(args: argparse.Namespace, settings: Settings, database: Database) -> int:
    rules = DeskRules.from_settings(settings)
    now = datetime.now(UTC)
    try:
        group = GROUP.convert(args.group, rules) if args.group else None
        window = parse_period(args.since).window(now, settings.reports.timezone, group)
    except BadArguments as exc:
        print(f"deskbot report: {exc}", file=sys.stderr)
        return 2
    report, found = await database.run(lambda session: _figures(session, rules, window))
    text = export(report, args.format, found)
    try:
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
            print(f"Wrote the {args.format} report to {args.out}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        if args.chart:
            from bot.report_chart import render_chart

            Path(args.chart).write_bytes(render_chart(report))
            print(f"Wrote the chart to {args.chart}", file=sys.stderr)
    except OSError as exc:
        print(f"deskbot report: can't write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    return 0


async def _figures(
    session: AsyncSession, rules: DeskRules, window: Window
) -> tuple[DeskReport, Review]:
    """The figures, and every incident behind them (the chat card lists 15 of each)."""
    return await build_report(session, rules, window), await review(session, window, limit=None)
