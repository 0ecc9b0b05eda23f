"""`deskbot outbox`: what notifications are waiting, delivered or dead, and retrying the dead."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from rich.console import Console
from rich.table import Table

from bot.db import Database
from bot.outbox import DEAD, retry, rows
from bot.wording import counted


async def run_outbox(args: argparse.Namespace, database: Database) -> int:
    console = Console(highlight=False)
    if args.outbox_command == "retry":
        if not args.ids and not args.all:
            console.print("Say which: `deskbot outbox retry 12 13`, or `--all` for every dead one.")
            return 2
        count = await retry(database, None if args.all else args.ids, datetime.now(UTC))
        console.print(f"{counted(count, 'notification')} back in the queue.")
        return 0 if count else 1
    found = await rows(database, getattr(args, "state", None), getattr(args, "limit", 50))
    if not found:
        console.print("The outbox is empty." if not getattr(args, "state", None) else "None.")
        return 0
    table = Table("id", "state", "to", "platform", "kind", "incident", "attempts", "last error")
    for row in found:
        table.add_row(
            str(row.id),
            row.state,
            row.recipient_name,
            row.platform,
            row.kind,
            str(row.incident_id or "-"),
            str(row.attempts),
            (row.last_error or "")[:60],
            style="red" if row.state == DEAD else None,
        )
    console.print(table)
    return 0
