"""The deskbot command line: chat, run, db upgrade|current, kb check|reload|search,
outbox list|retry, report, config check, slack manifest, discord invite."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import DEFAULT_CONFIG, Settings, load_settings, missing_knowledge
from bot.db import Database, DatabaseSetupError
from bot.errors import ConfigError

log = logging.getLogger("deskbot")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deskbot", description="An ITIL service desk in chat.")
    parser.add_argument(
        "--config",
        default=os.environ.get("DESKBOT_CONFIG", DEFAULT_CONFIG),
        help="the config file (default: $DESKBOT_CONFIG or ./config.yaml)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    chat = sub.add_parser("chat", help="talk to the desk in this terminal (or pipe a scenario in)")
    chat.add_argument(
        "--as",
        dest="user",
        default=os.environ.get("USER", "me").lower(),
        help="who is speaking (a staff handle from config.yaml, or anyone)",
    )

    sub.add_parser(
        "run", help="serve Slack and/or Discord (tokens from the environment) with the scheduler"
    )
    slack = sub.add_parser("slack", help="the Slack app")
    slack_sub = slack.add_subparsers(dest="slack_command", required=True, metavar="ACTION")
    manifest = slack_sub.add_parser("manifest", help="print the Slack app manifest to paste")
    manifest.add_argument(
        "--url", default=None, help="the public https URL of `deskbot run` (HTTP mode)"
    )
    discord = sub.add_parser("discord", help="the Discord application")
    discord_sub = discord.add_subparsers(dest="discord_command", required=True, metavar="ACTION")
    invite = discord_sub.add_parser("invite", help="print the URL that adds the bot to a server")
    invite.add_argument(
        "--client-id", default=None, help="the application id (or $DISCORD_CLIENT_ID)"
    )

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply the schema migrations")
    db_sub.add_parser("current", help="show the schema revision")

    kb = sub.add_parser("kb", help="the knowledge base")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True, metavar="ACTION")
    kb_sub.add_parser("check", help="validate every article; exit 1 if any is bad")
    kb_sub.add_parser("reload", help="validate, then make a running bot read the articles again")
    search = kb_sub.add_parser("search", help="rank articles for a message (or '-' for stdin)")
    search.add_argument("text", nargs="+", help="the message, or '-' to read one per line")
    search.add_argument("--json", action="store_true", help="one JSON line per query")
    search.add_argument("--limit", type=int, default=3, help="how many articles (default 3)")

    outbox = sub.add_parser("outbox", help="notifications waiting, delivered or dead")
    outbox_sub = outbox.add_subparsers(dest="outbox_command", metavar="ACTION")
    show = outbox_sub.add_parser("list", help="list notifications (the default action)")
    show.add_argument("--state", choices=["pending", "delivered", "dead"], help="only these")
    show.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    again = outbox_sub.add_parser("retry", help="put dead notifications back in the queue")
    again.add_argument("ids", nargs="*", type=int, help="row ids (see `deskbot outbox list`)")
    again.add_argument("--all", action="store_true", help="every dead notification")

    report = sub.add_parser("report", help="the desk's figures as Markdown, CSV or JSON")
    report.add_argument(
        "--since",
        default="7d",
        help="7d, 30d, 2w, today, yesterday, or a date like 2026-11-01 (default 7d)",
    )
    report.add_argument("--group", default=None, help="only this support group's incidents")
    report.add_argument("--format", choices=["md", "csv", "json"], default="md")
    report.add_argument("--out", default=None, help="write to this file (default: stdout)")
    report.add_argument("--chart", default=None, help="also save the chart as this PNG file")

    config = sub.add_parser("config", help="the configuration")
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    config_sub.add_parser("check", help="validate the config file and say what is wrong")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        # A service says what it started; a chat session stays quiet unless asked.
        level=logging.INFO if args.verbose or args.command == "run" else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = load_settings(args.config)
        return asyncio.run(_dispatch(args, settings))
    except (ConfigError, DatabaseSetupError) as exc:
        for line in str(exc).splitlines():  # a config's problems come one a line
            print(f"deskbot: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "kb":
        from bot.kb_cli import run_kb

        return run_kb(args, settings)
    if args.command == "config":
        if problem := missing_knowledge(settings):
            raise problem
        print(
            f"{settings.source}: OK ({len(settings.categories)} categories, "
            f"{len(settings.groups)} groups, {len(settings.staff)} staff, "
            f"{len(settings.other_teams)} other teams)"
        )
        return 0
    if args.command in ("slack", "discord"):
        from bot.adapters.setup_cli import run_setup

        return run_setup(args, settings)
    database = Database(settings.database_url)
    try:
        if args.command == "db":
            return await _db(args.db_command, database)
        await database.prepare()
        if args.command == "outbox":
            from bot.outbox_cli import run_outbox

            return await run_outbox(args, database)
        if args.command == "report":
            from bot.report_cli import run_report

            return await run_report(args, settings, database)
        if args.command == "run":
            return await _run(settings, database)
        return await _chat(args.user, settings, database)
    finally:
        await database.dispose()


async def _db(action: str, database: Database) -> int:
    if action == "upgrade":
        await database.upgrade()
    current, head = await database.revisions()
    state = "up to date" if current == head else f"behind (latest is {head})"
    print(f"{database.display_url}: schema revision {current or 'none'}, {state}")
    return 0 if current == head else 1


async def _run(settings: Settings, database: Database) -> int:
    from bot.runner import AdapterFailed, NoAdapters, run_service

    try:
        await run_service(settings, database, os.environ)
    except NoAdapters as exc:
        print(f"deskbot: {exc}", file=sys.stderr)
        return 2
    except AdapterFailed as exc:
        print(f"deskbot: {exc}", file=sys.stderr)
        return 1
    return 0


async def _chat(user: str, settings: Settings, database: Database) -> int:
    from bot.adapters.console import ConsoleChat, ConsoleSender, console_for
    from bot.app import Core
    from bot.outbox import Deliverer
    from bot.scheduler import Scheduler

    core = Core(settings, database)
    console = console_for(sys.stdout)
    charts = Path(settings.reports.charts)
    deliverer = Deliverer(
        database, {"console": ConsoleSender(console, charts)}, core.clock, settings.outbox
    )
    # Bytes that are not UTF-8 reach the core, which says what is wrong, instead of
    # ending the chat with a decoding error.
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="surrogateescape")
    chat = ConsoleChat(
        core,
        user,
        console=console,
        readline=sys.stdin.readline,
        interactive=sys.stdin.isatty(),
        scheduler=Scheduler(database, core.rules, core.clock, deliverer),
        charts=charts,
    )
    await chat.run()
    return 0
