"""The Discord adapter, on real discord.py objects built from gateway payloads."""
