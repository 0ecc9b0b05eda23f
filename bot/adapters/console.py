"""The console adapter: a terminal chat with the desk, for trying it and for scripts.

Lines starting with `/` are slash commands; other lines are messages to the
bot. `:as bob` switches who is speaking. When standard input is not a
terminal, every line is one message and each is echoed before its replies,
so a piped scenario reads as a transcript.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.app import Core
from bot.messages import (
    Actor,
    Attachment,
    Button,
    ChannelRef,
    CommandCall,
    Inbound,
    Message,
    Reply,
    Severity,
)
from bot.outbox import Notice
from bot.registry import registry
from bot.scheduler import Scheduler

PLATFORM = "console"
CHANNEL = ChannelRef(PLATFORM, "console", is_direct=True)
_COLOURS = {
    Severity.INFO: "blue",
    Severity.SUCCESS: "green",
    Severity.WARNING: "yellow",
    Severity.DANGER: "red",
}
META_HELP = ":as <name> speaks as someone else · :who shows who you are · :quit leaves"
# Where chart images are saved when the caller names no folder (config: reports.charts).
DEFAULT_CHARTS = Path(tempfile.gettempdir()) / "deskbot-charts"


def to_inbound(line: str, user: str) -> Inbound:
    """One console line as a neutral event."""
    actor = Actor(PLATFORM, user, user)
    event_id = uuid.uuid4().hex
    if line.startswith("/") and len(line) > 1:
        word, _, rest = line[1:].partition(" ")
        return CommandCall(actor, CHANNEL, path=(word.lower(),), event_id=event_id, text=rest)
    return Message(actor, CHANNEL, line, event_id)


def render(reply: Reply) -> Group:
    """A reply as rich renderables: its text, its card as a panel, its buttons."""
    style = "bold red" if reply.is_error else ""
    parts: list[Text | Panel] = [Text(reply.text, style=style)]
    if reply.card is not None:
        parts.append(_panel(reply))
    if reply.buttons:
        labels = " · ".join(f"[{b.label}] {_typed(b)}" for b in reply.buttons)
        parts.append(Text(f"Buttons: {labels}", style="dim"))
    return Group(*parts)


def _typed(button: Button) -> str:
    """What to type for a button, with a placeholder for the text it can't carry."""
    command = "/" + button.action_id.replace(".", " ")
    left = registry.unfilled_text(button.action_id, button.value)
    return " ".join(w for w in (command, button.value, *(f"<{n}>" for n in left)) if w)


def _panel(reply: Reply) -> Panel:
    card = reply.card
    assert card is not None
    body: list[Table | Text] = []
    if card.fields:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for field in card.fields:
            table.add_row(Text(field.label), Text(field.value))
        body.append(table)
    if card.body:
        body.append(Text(card.body))
    if card.footer:
        body.append(Text(card.footer, style="dim"))
    return Panel(
        Group(*body),
        title=Text(card.title),
        title_align="left",
        border_style=_COLOURS[card.severity],
    )


def save_image(image: bytes, folder: Path) -> Path:
    """Write a reply's image (a report's chart) as a PNG file in `folder`: a terminal
    can't show it, so the console says where it is. Returns the file's full path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"deskbot-{datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}.png"
    path.write_bytes(image)
    return path.resolve()


def save_file(file: Attachment, folder: Path) -> Path:
    """Write a reply's file (the report as CSV) in `folder` under its name, or, if one by
    that name is there already, beside it under a new one. Returns its full path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file.name
    if path.exists():
        path = path.with_stem(f"{path.stem}-{uuid.uuid4().hex[:6]}")
    path.write_bytes(file.data)
    return path.resolve()


def show(console: Console, reply: Reply, charts: Path) -> None:
    """Print a reply; an image or a file is saved under `charts` and its path printed."""
    console.print(render(reply))
    if reply.image:
        path = save_image(reply.image, charts)
        console.print(Text(f"Chart saved to {path}", style="dim"), soft_wrap=True)
    if reply.file:
        path = save_file(reply.file, charts)
        console.print(Text(f"File saved to {path}", style="dim"), soft_wrap=True)


class ConsoleSender:
    """Delivers notifications in the terminal: a line addressed to the person, then the
    message, so that a transcript shows who heard what."""

    platform = PLATFORM

    def __init__(self, console: Console, charts: Path | None = None) -> None:
        self.console = console
        self.charts = charts or DEFAULT_CHARTS

    async def send(self, notice: Notice) -> str:
        self.console.print(Text(_addressed(notice), style="bold magenta"))
        show(self.console, notice.reply, self.charts)
        return notice.edit_of or f"console-{notice.id}"


def _addressed(notice: Notice) -> str:
    """ "→ to alice:" for a person; a broadcast channel, and which message is edited or
    answered in its thread, for a bulletin."""
    recipient = notice.recipient
    name = printable(recipient.name)
    if not recipient.key.startswith("channel:"):
        return f"→ to {name}:"
    if notice.edit_of:
        return f"→ in {name}, editing message {printable(notice.edit_of)}:"
    if recipient.thread_id:
        return f"→ in {name}, in the thread of {printable(recipient.thread_id)}:"
    return f"→ in {name}:"


class ConsoleChat:
    """Reads lines, sends them to the core as `user`, prints the replies, and runs the
    scheduler (notifications, expiry) after each line and, at a terminal, in between."""

    def __init__(
        self,
        core: Core,
        user: str,
        *,
        console: Console,
        readline: Callable[[], str],
        interactive: bool,
        scheduler: Scheduler | None = None,
        charts: Path | None = None,
    ) -> None:
        self.core, self.user, self.console = core, user, console
        self.readline, self.interactive = readline, interactive
        self.scheduler = scheduler
        self.charts = charts or DEFAULT_CHARTS

    async def run(self) -> None:
        background = None
        if self.interactive:
            self.console.print(
                f"Deskbot console. You are {self.user}. /help lists commands; {META_HELP}.",
                style="dim",
            )
            if self.scheduler is not None:
                background = asyncio.create_task(self.scheduler.run())
        try:
            await self._loop()
        finally:
            if background is not None:
                background.cancel()

    async def _loop(self) -> None:
        while (line := await self._next_line()) is not None:
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            if not self.interactive:
                echo = Text(f"{self.user}> {printable(line)}", style="bold")
                self.console.print(echo, soft_wrap=True)
            if line.startswith(":"):
                if not self._meta(line):
                    return
                continue
            for reply in await self.core.handle(to_inbound(line.strip(), self.user)):
                show(self.console, reply, self.charts)
            if self.scheduler is not None:
                await self.scheduler.tick()

    async def _next_line(self) -> str | None:
        prompt = f"{self.user}> " if self.interactive else None
        try:
            line = await asyncio.to_thread(self._read, prompt)
        except (EOFError, KeyboardInterrupt):
            return None
        return None if line == "" and not self.interactive else line

    def _read(self, prompt: str | None) -> str:
        if prompt is not None:
            return self.console.input(Text(prompt, style="bold cyan"))
        return self.readline()

    def _meta(self, line: str) -> bool:
        """Handle a `:` line; False means leave."""
        word, _, arg = line[1:].strip().partition(" ")
        if word in ("quit", "q", "exit"):
            return False
        if word == "as" and arg.strip():
            self.user = arg.strip().split()[0].lower()
            self.console.print(Text(f"(now speaking as {self.user})", style="dim"))
        elif word == "who":
            person = self.core.rules.directory.person(Actor(PLATFORM, self.user, self.user))
            self.console.print(
                Text(f"You are {person.name}, {person.role.name.lower()}.", style="dim")
            )
        else:
            self.console.print(Text(f"Unknown console command '{line}'. {META_HELP}.", style="red"))
        return True


def printable(text: str) -> str:
    """Control characters shown as escapes, so an echoed line can't drive the terminal."""
    return "".join(
        c
        if c.isprintable() or c == "\t"
        else c.encode("unicode_escape", "backslashreplace").decode()
        for c in text
    )


def console_for(stream: TextIO) -> Console:
    """A rich console that writes plain text when `stream` is not a terminal."""
    return Console(file=stream, highlight=False, soft_wrap=False, emoji=False)
