"""`deskbot slack manifest` and `deskbot discord invite`: what an admin pastes to set up."""

from __future__ import annotations

import argparse

from bot.config import Settings


def run_setup(args: argparse.Namespace, settings: Settings) -> int:
    """Print the set-up text for the platform the command names."""
    if args.command == "slack":
        from bot.adapters.slack_manifest import print_manifest

        return print_manifest(args, settings)
    from bot.adapters.discord_invite import print_invite

    return print_invite(args, settings)
