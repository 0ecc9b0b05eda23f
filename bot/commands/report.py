"""/report: the desk's figures for a period, as a card and a chart image."""

from __future__ import annotations

import asyncio

from bot.config import Role
from bot.context import CommandContext
from bot.messages import Reply
from bot.registry import GROUP, PERIOD, Param, registry
from bot.report_card import report_reply
from bot.report_chart import render_chart
from bot.services.report_window import Period
from bot.services.reports import build_report
from bot.services.review import review, review_lines


@registry.command(
    "report",
    "The desk's figures: backlog, SLA met, MTTA/MTTR, reopen, reclassification, KB and "
    "satisfaction rates",
    params=[
        Param(
            "since",
            PERIOD,
            "how far back: 7d, 30d, 2w, today, yesterday or a date like 2026-11-01 (default 7d)",
            required=False,
            flag=True,
        ),
        Param("group", GROUP, "only this support group's incidents", required=False, flag=True),
    ],
    role=Role.AGENT,
    examples=["/report", "/report --since 30d --group network", "/report --since 2026-11-01"],
)
async def report(ctx: CommandContext, since: Period | None, group: str | None) -> Reply:
    settings = ctx.rules.settings.reports
    window = (since or Period()).window(ctx.now, settings.timezone, group)
    figures = await build_report(ctx.session, ctx.rules, window)
    found = await review(ctx.session, window)
    # Drawing takes a few hundred milliseconds of CPU: off the event loop, so other
    # chats are answered meanwhile.
    image = await asyncio.to_thread(render_chart, figures)
    return report_reply(figures, image, review_lines(found, "in this period", all_lists=False))
