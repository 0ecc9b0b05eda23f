"""Slack adapter tests: the real slack-bolt app over HTTP, the real slack_sdk client."""
