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


async def test_a_button_for_a_command_without_parameters_is_answered(settings, database, clock):
    from bot.app import Core
    from bot.messages import Action, Actor, ChannelRef, Reply
    from bot.registry import Registry

    commands = Registry()

    @commands.command("desk ping", "Answer pong", examples=["/desk ping"])
    async def ping(ctx) -> Reply:
        return Reply(text="pong")

    core = Core(settings, database, clock=clock, commands=commands)
    press = Action(Actor("console", "al", "al"), ChannelRef("console", "t"), "desk.ping", "", "e1")
    assert [r.text for r in await core.handle(press)] == ["pong"]


async def test_a_claim_button_claims_like_the_command(desk, core):
    from bot.messages import Action, Actor, ChannelRef

    await desk.ok("alice", "/incident open Monitor flickers")
    press = Action(
        Actor("console", "bob", "bob"), ChannelRef("console", "t"), "incident.claim", "1", "e2"
    )
    (reply,) = await core.handle(press)
    assert reply.text == "You own INC-000001 now."
