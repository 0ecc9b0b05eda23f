"""A first end-to-end pass through the core on both databases."""

from bot.ids import format_id


async def test_open_claim_resolve_close(desk):
    opened = await desk.ok("alice", "/incident open VPN drops every few minutes --impact high")
    assert "INC-000001" in opened.text
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident resolve 1 Replaced the VPN profile")
    closed = await desk.ok("bob", "/incident close 1")
    assert closed.card is not None and "closed" in closed.card.fields[0].value
    assert format_id(1) == "INC-000001"
