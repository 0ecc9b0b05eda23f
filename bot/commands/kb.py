"""The /kb commands: search and read articles, say whether one helped, link and draft them."""

from __future__ import annotations

from bot.cards import suggestion_line
from bot.config import Role
from bot.context import CommandContext
from bot.drafts import write_draft
from bot.errors import BadArguments
from bot.ids import format_id
from bot.messages import Card, Field, Reply
from bot.registry import INCIDENT_ID, TEXT, WORD, Param, registry
from bot.services.knowledge import Article
from bot.wording import counted

SEARCH_LIMIT = 5
ARTICLE = Param("article", WORD, "the article's id, like vpn-cannot-connect")
# For /kb link: an id, or words joined by dashes that name one ("paper-jam")
NAMED_ARTICLE = Param(
    "article", WORD, "the article's id, like vpn-cannot-connect, or words naming it: paper-jam"
)


@registry.command(
    "kb search",
    "Find knowledge-base articles that fit a problem, as you would describe it",
    params=[Param("text", TEXT, "the problem in your own words")],
    examples=["/kb search outlook keeps asking for my password"],
)
async def search(ctx: CommandContext, text: str) -> Reply:
    found = ctx.knowledge.search(text, limit=SEARCH_LIMIT)
    if not found:
        return Reply(text="No article fits that. `/incident open <summary>` brings in the desk.")
    body = "\n".join(suggestion_line(s) for s in found)
    return Reply(
        text=f"{counted(len(found), 'article')} may help:",
        card=Card(title="Knowledge base", body=body, footer="`/kb show <id>` opens one."),
    )


@registry.command(
    "kb show",
    "Read a knowledge-base article",
    params=[ARTICLE],
    examples=["/kb show vpn-cannot-connect"],
)
async def show(ctx: CommandContext, article: str) -> Reply:
    found = ctx.knowledge.get(article)
    helped, asked = await ctx.incidents.helpfulness(found.id)
    return Reply(text=f"Article {found.id}", card=article_card(found, helped, asked))


def article_card(article: Article, helped: int, asked: int) -> Card:
    verdict = f"solved it for {helped} of {asked} people who said" if asked else "no votes yet"
    return Card(
        title=article.title,
        fields=(
            Field("Article", article.id),
            Field("Category", article.category),
            Field("Tags", ", ".join(article.tags)),
            Field("Helpful", verdict),
        ),
        body=article.body,
    )


@registry.command(
    "kb solved",
    "Say a suggested article fixed your problem (your incident is resolved)",
    params=[INCIDENT_ID, ARTICLE],
    examples=["/kb solved 42 vpn-cannot-connect"],
)
async def solved(ctx: CommandContext, incident: int, article: str) -> Reply:
    found = ctx.knowledge.get(article)
    done = await ctx.incidents.solved_by_article(incident, ctx.person, found.id)
    await ctx.incidents.record_feedback(done.id, ctx.person, [found.id], helpful=True)
    return Reply(
        text=f"Glad it's fixed. {format_id(done.id)} is resolved (solved-by-kb); "
        "thanks for telling us."
    )


@registry.command(
    "kb unsolved",
    "Say the suggested articles did not help: the desk takes the incident",
    params=[INCIDENT_ID, Param("articles", TEXT, "the articles you tried", required=False)],
    examples=["/kb unsolved 42 vpn-cannot-connect vpn-keeps-disconnecting"],
)
async def unsolved(ctx: CommandContext, incident: int, articles: str | None) -> Reply:
    tried = [ctx.knowledge.get(a).id for a in (articles or "").split()]
    found = await ctx.incidents.get_for(incident, ctx.person)
    await ctx.incidents.record_feedback(found.id, ctx.person, tried, helpful=False)
    note = "The suggested articles did not help" + (f": {', '.join(tried)}" if tried else "")
    await ctx.incidents.note(found.id, ctx.person, note)
    return Reply(
        text=f"Understood. {format_id(found.id)} stays with the desk; an agent will pick it up."
    )


@registry.command(
    "kb link",
    "Link an article to an incident; its reporter is sent it",
    params=[NAMED_ARTICLE, INCIDENT_ID],
    role=Role.AGENT,
    examples=["/kb link vpn-cannot-connect 42", "/kb link paper-jam 42"],
)
async def link(ctx: CommandContext, article: str, incident: int) -> Reply:
    found = _named(ctx, article)
    linked = await ctx.incidents.link_article(incident, ctx.person, found.id, found.title)
    return Reply(
        text=f"Linked {found.id} to {format_id(incident)}; {linked.reporter_name} is sent it."
    )


def _named(ctx: CommandContext, article: str) -> Article:
    """The article with that id, or else the one its words fit best ("paper-jam" said in
    chat as "send her the paper jam article"); the reply names which was linked."""
    if ctx.knowledge.has(article):
        return ctx.knowledge.get(article)
    found = ctx.knowledge.search(article.replace("-", " "), limit=1)
    if not found:
        raise BadArguments(
            f"No article is '{article}', and none fits those words. `/kb search <words>` "
            "finds one by what it is about; then `/kb link <its id> <incident>`."
        )
    return found[0].article


@registry.command(
    "kb draft",
    "Draft a new article from a resolved incident (written under knowledge/drafts/)",
    params=[INCIDENT_ID],
    role=Role.AGENT,
    examples=["/kb draft 42"],
)
async def draft(ctx: CommandContext, incident: int) -> Reply:
    found = await ctx.incidents.get(incident)
    events = await ctx.incidents.timeline(found.id, ctx.person)
    said = f"{found.summary}\n{found.description or ''}"
    topic_words = ctx.rules.triage.keywords_in(said)
    path = write_draft(found, events, ctx.knowledge.folder / "drafts", topic_words)
    return Reply(
        text=f"Drafted {path.name} from {format_id(found.id)} in {path.parent}. "
        "Edit it, then move it into the knowledge folder to publish it."
    )
