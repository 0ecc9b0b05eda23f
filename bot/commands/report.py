"""/report: the desk's figures for a period, as a card and a chart image, or as a file
(CSV, JSON or Markdown, as `deskbot report` writes them)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.config import Role
from bot.context import CommandContext
from bot.errors import BadArguments
from bot.messages import Attachment, Reply
from bot.outbox import Outbox
from bot.registry import GROUP, PERIOD, WORD, Param, registry, static_choice
from bot.report_card import report_reply, summary_text
from bot.report_chart import render_chart
from bot.report_export import FORMATS, export
from bot.services.bulletins import broadcast_channels, broadcast_to
from bot.services.report_window import Period, Window
from bot.services.reports import DeskReport, build_report
from bot.services.review import review, review_lines
from bot.wording import listed


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
        Param(
            "post",
            WORD,
            "post the figures and chart to this broadcast channel, without the incidents",
            required=False,
            flag=True,
            role=Role.MANAGER,
        ),
        Param(
            "format",
            static_choice("format", FORMATS),
            "the figures as a file instead, for a spreadsheet or a dashboard: csv, json or md",
            required=False,
            flag=True,
        ),
    ],
    role=Role.AGENT,
    examples=[
        "/report",
        "/report --since 30d --group network",
        "/report --since 2026-11-01",
        "/report --since 30d --format csv",
        "/report --post it-status",
    ],
)
async def report(
    ctx: CommandContext,
    since: Period | None,
    group: str | None,
    post: str | None,
    format: str | None,
) -> Reply:
    settings = ctx.rules.settings.reports
    window = (since or Period()).window(ctx.now, settings.timezone, group)
    channels = _channels(ctx, post, format) if post else []
    figures = await build_report(ctx.session, ctx.rules, window)
    if format:
        return await _as_file(ctx, figures, window, format)
    if channels:
        return await _posted(ctx, figures, channels)
    found = await review(ctx.session, window)
    # Drawing takes a few hundred milliseconds of CPU: off the event loop, so other
    # chats are answered meanwhile.
    image = await asyncio.to_thread(render_chart, figures)
    return report_reply(figures, image, review_lines(found, "in this period", all_lists=False))


async def _as_file(ctx: CommandContext, figures: DeskReport, window: Window, fmt: str) -> Reply:
    """The report as `deskbot report --format` writes it, every incident behind its
    figures included, attached under a name that says its period."""
    found = await review(ctx.session, window, limit=None)
    name = _file_name(window, fmt)
    data = export(figures, fmt, found).encode("utf-8")
    text = f"{summary_text(figures)} The figures are attached as {name}."
    return Reply(text=text, file=Attachment(name, data))


def _channels(ctx: CommandContext, post: str, fmt: str | None) -> list[str]:
    """The broadcast channels --post names: one, several with commas, or all."""
    if fmt:
        raise BadArguments(
            "--post and --format don't go together: the channel gets the card and chart "
            "(/report --post it-status), a file comes here (/report --format csv)."
        )
    return broadcast_channels(ctx.rules.settings.bulletins, post, "--post")


async def _posted(ctx: CommandContext, figures: DeskReport, channels: list[str]) -> Reply:
    """The figures and chart posted to broadcast channels through the outbox, with the
    command's own unit of work; the incidents behind them stay with the desk."""
    image = await asyncio.to_thread(render_chart, figures)
    posted = report_reply(figures, image)
    posted = replace(posted, text=f"{posted.text} Posted by {ctx.person.name}.")
    outbox = Outbox(ctx.session, ctx.now)
    for channel in channels:
        for recipient in broadcast_to(ctx.rules.settings.bulletins, channel):
            outbox.add(recipient, posted, kind="report_post")
    where = listed([f"#{c}" for c in channels])
    return Reply(text=f"Posted the report ({figures.window.label}) to {where}.")


def _file_name(window: Window, fmt: str) -> str:
    """ "deskbot-report-network-20261129-20261206.csv": whose, and from when to when."""
    first, last = window.since.astimezone(window.zone), window.until.astimezone(window.zone)
    whose = f"-{window.group}" if window.group else ""
    return f"deskbot-report{whose}-{first:%Y%m%d}-{last:%Y%m%d}.{fmt}"
