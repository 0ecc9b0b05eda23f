"""What staff type in chat for their commands, and what stays a sentence."""

from __future__ import annotations

import pytest

from bot.agent_says import agent_command


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("claim INC-12", "incident claim 12"),
        ("take #7", "incident claim 7"),
        ("I’ll take INC-000042.", "incident claim 42"),
        ("please claim ticket 3", "incident claim 3"),
        ("whats unassigned?", "incident list --unassigned"),
        ("unassigned", "incident list --unassigned"),
        ("what's about to breach?", "incident queue"),
        ("unassigned tickets", "incident list --unassigned"),
        ("show me the network queue", "incident queue --group network"),
        ("what's in the service-desk team's queue?", "incident queue --group service-desk"),
        ("what's dave working on?", "incident queue --agent dave"),
        ("dave's queue", "incident queue --agent dave"),
        ("what's everyone working on", "incident queue --all"),
        ("who's overloaded?", "incident queue --all"),
        ("how busy is everyone", "incident queue --all"),
        ("team workload", "incident queue --all"),
        ("what is breaching soon", "incident queue"),
        # One's own queue: before, "whats on my plate" began a problem report.
        ("whats on my plate", "incident queue --agent me"),
        ("what's on my plate today?", "incident queue --agent me"),
        ("my queue", "incident queue --agent me"),
        ("show me my queue", "incident queue --agent me"),
        ("what am I working on?", "incident queue --agent me"),
        # An incident action, its id first, then the command's own text.
        ("resolve INC-1 replaced the toner", "incident resolve 1 replaced the toner"),
        (
            "Resolved inc 7 - cleared the queue --code workaround",
            "incident resolve 7 cleared the queue --code workaround",
        ),
        ("assign INC-2 to dave", "incident assign 2 dave"),
        ("reassign #5 network", "incident assign 5 network"),
        ("escalate INC-2, needs second line", "incident escalate 2 needs second line"),
        ("note 12: called her back", "incident note 12 called her back"),
        (
            "pending 3 waiting for vendor --on third-party",
            "incident pending 3 waiting for vendor --on third-party",
        ),
        ("close INC-000003", "incident close 3"),
        # An option straight after the id keeps its dashes: before, "--hierarchic" lost
        # them and became the reason's first word.
        ("escalate 1 --hierarchic vendor issue", "incident escalate 1 --hierarchic vendor issue"),
        ("resolve 2 --code workaround rebooted", "incident resolve 2 --code workaround rebooted"),
        ("mark 3 as resolved --code fixed new toner", "incident resolve 3 --code fixed new toner"),
        ("resume #4.", "incident resume 4"),
        ("resolve INC-1", "incident resolve 1"),  # the command then asks for the note
        # Said the other way round: before, each began a report of the agent's own.
        ("mark 1 as resolved, replaced roller", "incident resolve 1 replaced roller"),
        ("INC-1 is fixed: replaced the roller", "incident resolve 1 replaced the roller"),
        ("#4 has been sorted - new toner", "incident resolve 4 new toner"),
        ("mark INC-2 as closed", "incident close 2"),
        ("INC-1 is fixed?", None),  # a question about it
        # One incident's card, timeline or clocks: before, "history of 1" and "sla for 1"
        # got "Sorry, I didn't get that".
        ("show me INC-1", "incident show 1"),
        ("details for #4", "incident show 4"),
        ("who reported INC-2?", "incident show 2"),
        ("who has 7", "incident show 7"),
        ("history of 1", "incident history 1"),
        ("timeline for INC-3", "incident history 3"),
        ("sla for 1", "incident sla 1"),
        ("sla on INC-12?", "incident sla 12"),
        # The desk's figures.
        ("how are we doing this week?", "report"),
        ("How did we do last month", "report --since 30d"),
        ("show me the monthly report", "report --since 30d"),
        ("stats", "report"),
        # "it": the incident this chat follows (the one the agent just heard about, or
        # this thread's). Before, "i'll take it" was not understood.
        ("i'll take it", "incident claim it"),
        ("I'm on it!", "incident claim it"),
        ("on it", "incident claim it"),
        ("mine", "incident claim it"),
        ("grab this one", "incident claim it"),
        ("resolve it, replaced the roller", "incident resolve it replaced the roller"),
        ("close that one", "incident close it"),
        ("mark it as resolved - new toner", "incident resolve it new toner"),
        ("escalate it, needs second line", "incident escalate it needs second line"),
        # Claimed by what it is about: before, "i'll take the wifi one" began a report.
        ("i'll take the wifi one", "incident claim the wifi one"),
        ("claim the printer ticket", "incident claim the printer one"),
        ("take the vpn incident from alice", None),
        # What happened, said first: the start of the note or reason. Before, each began
        # a report of the agent's own (or a note on the incident followed).
        (
            "the roller arrived, resolve it, replaced the roller",
            "incident resolve it the roller arrived, replaced the roller",
        ),
        ("replaced the roller - resolve INC-4", "incident resolve 4 replaced the roller"),
        ("new toner, mark 3 as resolved", "incident resolve 3 new toner"),
        (
            "e-mail works again; resolve it --code workaround",
            "incident resolve it e-mail works again --code workaround",
        ),
        ("the vendor is slow; put it on hold", "incident pending it the vendor is slow"),
        ("ok she confirmed, close 12", None),  # can't be undone: the number and nothing else
        (
            "reset her password and resolve it, revoked her sessions",
            "incident resolve it reset her password, revoked her sessions",
        ),
        ("ordered a dock, and then put 3 on hold", "incident pending 3 ordered a dock"),
        ("close 2 windows and outlook crashes", None),
        ("claim 12, resolve it", None),  # two commands
        ("my printer jams, i tried everything", None),
        # On hold, and handed to someone: before, each became a report's detail.
        ("put 1 on hold, waiting for the vendor", "incident pending 1 waiting for the vendor"),
        ("put INC-3 on hold", "incident pending 3"),
        ("put it on hold until monday", "incident pending it until monday"),
        ("take 3 off hold", "incident resume 3"),
        ("give 2 to erin", "incident assign 2 erin"),
        ("hand INC-2 over to the network team", "incident assign 2 network"),
        ("pass it to dave", "incident assign it dave"),
        # A manager's (or agent's) everyday asks: before, each began a report.
        ("list all open incidents", "incident list"),
        ("what's open?", "incident list"),
        ("show me all the open tickets", "incident list"),
        ("show me breaches", "incident queue"),
        ("anything breached?", "incident queue"),
        ("what has breached", "incident queue"),
        ("post a bulletin: email is slow for everyone", "bulletin post email is slow for everyone"),
        ("post a bulletin saying the vpn is down", "bulletin post the vpn is down"),
        ("announce: printers on floor 2 are down", "bulletin post printers on floor 2 are down"),
        # Found in use: before, each began a report of the manager's own.
        ("what breached this week?", "report"),
        ("which tickets missed their sla last month", "report --since 30d"),
        ("how is bob doing?", "incident queue --agent bob"),
        ("how's erin getting on", "incident queue --agent erin"),
        ("which tickets are unassigned?", "incident list --unassigned"),
        ("anything overdue?", "incident queue"),
        ("show me overdue tickets", "incident queue"),
        ("any p1s open?", "incident list --priority p1"),
        ("show me P2 incidents", "incident list --priority P2"),
        ("give all of bob's tickets to erin", "incident handover bob erin"),
        ("bob is off sick, give all of bob's tickets to erin", "incident handover bob erin"),
        ("put my tickets back in the queue", "incident handover my queue"),
        ("take the next one", "incident next"),
        ("update the bulletin: back in 20 minutes", "bulletin update latest back in 20 minutes"),
        ("update BUL-3 with a fix is rolling out", "bulletin update bul-3 a fix is rolling out"),
        ("email is back, resolve the bulletin", "bulletin resolve latest email is back"),
        ("resolve BUL-2 mail flows again", "bulletin resolve bul-2 mail flows again"),
        ("what bulletins are up?", "bulletin list"),
        ("update my password please", None),
        ("note on 2: asked her to bring it by", "incident note 2 asked her to bring it by"),
        ("add a note to INC-2 saying parts ordered", "incident note 2 parts ordered"),
        ("tell alice the toner is on order", "incident note reporter:alice the toner is on order"),
        ("let @alice know that it's fixed", "incident note reporter:@alice it's fixed"),
        ("message <@U1|alice>: try now", "incident note reporter:<@U1|alice> try now"),
        ("tell her the toner is on order", "incident note it the toner is on order"),
        ("tell me why outlook crashes", None),
        # Found in use: before, "I didn't get that question".
        ("who has the most tickets?", "incident queue --all"),
        ("any tickets waiting on a vendor?", "incident list --state pending"),
        ("which incidents are waiting for the user?", "incident list --state pending"),
        ("any tickets on hold?", "incident list --state pending"),
        ("which tickets are escalated?", "incident list --escalated"),
        # The knowledge base and duplicates in words: before, each was held as a note.
        ("link printer-paper-jam to INC-1", "kb link printer-paper-jam 1"),
        ("send her the paper jam article", "kb link paper-jam it"),
        ("send him the article on vpn", "kb link vpn it"),
        ("write an article from INC-1", "kb draft 1"),
        ("draft a kb article from it", "kb draft it"),
        ("turn INC-4 into an article", "kb draft 4"),
        ("what articles do we have about printers?", "kb search printers"),
        ("search the kb for vpn drops", "kb search vpn drops"),
        ("INC-2 is a duplicate of INC-1", "incident link 2 1"),
        ("merge 2 into 1", "incident link 2 1"),
        ("mark it as a dupe of 3", "incident link it 3"),
        ("write an email to alice", None),
        ("link my phone to outlook", None),
        # Found in use: before, a report of the manager's own.
        ("send the weekly report to #it-status", "report --post it-status"),
        ("post this month's figures in #it-status", "report --since 30d --post it-status"),
        ("any escalations?", "incident list --escalated"),
        ("show me the escalated incidents", "incident list --escalated"),
        ("tell everyone the printer is fixed", None),
        ("message delivery fails for external mail", None),
        ("internal note on 2: dock is faulty", "incident note 2 --internal dock is faulty"),
        ("next ticket please", "incident next"),
        ("what's next?", "incident queue --agent me"),
        ("how is the desk doing?", "report"),
        ("how many tickets did we close this week?", "report"),
        ("what's the backlog?", "report"),
        ("what is our sla compliance this month?", "report --since 30d"),
        ("how many tickets do i have", "incident queue --agent me"),
        # Found in use: a report of the agent's own, before.
        ("show me everything open", "incident list"),
        ("list everything that's still open", "incident list"),
        ("what's still open?", "incident list"),
        # What a priority promises is the chat's answer (before: the desk's report).
        ("what's the sla for p2?", None),
        ("what are the sla targets?", None),
        # Sentences stay sentences.
        ("how is it going", None),
        ("how is everyone doing", None),
        ("what's next for my laptop?", None),
        ("the next one jammed too", None),
        ("why is my ticket still open", None),
        ("can you post a bulletin", None),  # says nothing to post: the command would ask
        ("it is fixed", None),  # "it" names an incident only after a verb of the desk's
        ("give me a minute", None),
        ("put it on my desk please", None),
        ("on it now, will call her", None),
        ("how are we doing with the printer?", None),
        ("the report is wrong", None),
        ("close 2 windows and outlook crashes", None),
        ("resolve the printer issue for me please", None),
        ("note to self: INC-4 is the printer", None),
        ("I can't claim INC-12, it says already claimed", None),
        ("take a look at the printer please", None),
        ("why is my laptop unassigned for so long", None),
        ("my tickets", None),  # what one reported: chat help says so to everyone
    ],
)
def test_an_agents_short_message_stands_for_a_command(text, command):
    assert agent_command(text) == command


GROUPS = ("service-desk", "desktop-support", "network")


@pytest.mark.parametrize(
    ("text", "command"),
    [
        # Before, "to network" became the reason and the incident went to the next group.
        ("escalate 1 to network", "incident escalate 1 --to network"),
        (
            "escalate INC-1 to the network team, the switch is down",
            "incident escalate 1 the switch is down --to network",
        ),
        ("escalate 1 to Desktop-Support", "incident escalate 1 --to desktop-support"),
        # "to" that names no group is the reason's own word.
        ("escalate 1 to get it fixed faster", "incident escalate 1 to get it fixed faster"),
        ("escalate 1 needs second line", "incident escalate 1 needs second line"),
        # A group said in words (found in use: "desktop support" became the reason)
        (
            "escalate it to desktop support, needs a profile rebuild",
            "incident escalate it needs a profile rebuild --to desktop-support",
        ),
        ("give 2 to the service desk team", "incident assign 2 service-desk"),
        # with why, and said after a word that changes nothing (found in use)
        ("actually assign it to dave, hardware", "incident assign it dave hardware"),
        ("give it to dave, the dock is dead", "incident assign it dave the dock is dead"),
        ("transfer 2 to dave because it is hardware", "incident assign 2 dave it is hardware"),
        ("ok resolve 2 new toner", "incident resolve 2 new toner"),
        ("what's left?", "incident queue --agent me"),
        ("any new tickets for me?", "incident queue --agent me"),
        ("and then the printer jammed", None),
        ("what's the visio one about?", "incident show the visio one"),
        ("show me the printer ticket", "incident show the printer one"),
        ("what's the next one?", None),
        ("show me the report for the service desk team", "report --group service-desk"),
    ],
)
def test_escalating_to_a_named_group(text, command):
    assert agent_command(text, GROUPS) == command


def test_a_report_for_a_named_team():
    # Before, "show me the report for the network team" began a report of one's own.
    assert agent_command("show me the report for the network team", GROUPS) == (
        "report --group network"
    )
    assert agent_command("how is the sla looking for network this month?", GROUPS) == (
        "report --since 30d --group network"
    )
    assert agent_command("share the report for the network team with #it", GROUPS) == (
        "report --group network --post it"
    )


@pytest.mark.parametrize(
    ("text", "command"),
    [
        # Before, each began a report of the agent's own (or listed their open queue).
        ("what did I resolve this week?", "incident list --mine --resolved 7d"),
        ("what have i closed today?", "incident list --mine --resolved today"),
        ("how many tickets did i close today?", "incident list --mine --resolved today"),
        ("show my resolved tickets", "incident list --mine --resolved 7d"),
        ("what have i done today", "incident list --mine --resolved today"),
        ("what did we fix this month?", "incident list --resolved 30d"),
        ("what did i resolve yesterday?", "incident list --mine --resolved yesterday"),
        ("which tickets did the team resolve today", "incident list --resolved today"),
        ("show me the closed tickets", "incident list --resolved 7d"),
        # a sentence about one's work is not the list
        ("what did i do wrong with INC-4?", None),
        ("i resolved it but she says its still broken", None),
    ],
)
def test_asking_what_was_resolved_lists_it(text, command):
    assert agent_command(text) == command


@pytest.mark.parametrize(
    ("text", "command"),
    [
        # Before, each was asked "a note, or a new problem?" about the incident followed,
        # or began a report of the agent's own.
        ("reply to INC-2: please restart outlook", "incident note 2 please restart outlook"),
        (
            "tell the reporter of 2 that the toner is on order",
            "incident note 2 the toner is on order",
        ),
        ("show pending tickets", "incident list --state pending"),
        ("what's waiting on the user?", "incident list --state pending"),
        ("which of my tickets are on hold?", "incident list --mine --state pending"),
        ("what am i waiting on?", "incident list --mine --state pending"),
        ("answer the phone please", None),
    ],
)
def test_replies_and_what_waits_on_someone_else(text, command):
    assert agent_command(text) == command


@pytest.mark.parametrize(
    ("text", "command"),
    [
        # Found in use: before, each began a report of the manager's own, and "the report
        # for yesterday" was the last 7 days' ("yesterday" taken for a team).
        ("how are we doing today?", "report --since today"),
        ("show me the report for yesterday", "report --since yesterday"),
        ("how did we do yesterday?", "report --since yesterday"),
        ("what's the average resolution time this month?", "report --since 30d"),
        ("what is the mttr?", "report"),
        ("who resolved the most tickets this week?", "report"),
        ("how many p1s did we have this month?", "report --since 30d"),
        ("the report for network today", "report --since today --group network"),
        # The report as a file (found in use: a report of the manager's own, before).
        ("export the report as csv", "report --format csv"),
        ("can i get this month's figures as a spreadsheet?", "report --since 30d --format csv"),
        (
            "download the report for the network team as json",
            "report --group network --format json",
        ),
        ("export the report as pdf", "report --format pdf"),  # refused by /report, saying why
        ("export my contacts to outlook", None),
        # What another agent did or holds, and what the review lists (found in use)
        ("what did bob resolve this week?", "incident list --owner bob --resolved 7d"),
        ("how many tickets did erin close today?", "incident list --owner erin --resolved today"),
        ("show me bob's closed tickets", "incident list --owner bob --resolved 7d"),
        ("what did you fix?", None),
        ("how many tickets does erin have?", "incident queue --agent erin"),
        ("how many tickets does everyone have?", "incident queue --all"),
        ("which tickets were reopened this month?", "report --since 30d"),
        ("any complaints this week?", "report"),
        ("who rated us poorly?", "report"),
        ("what's the average time to first response?", "report"),
        # Tickets by their reporter or their words (before: a report of one's own)
        ("show me the tickets alice raised", "incident list --state all --reporter alice"),
        ("list incidents reported by @alice", "incident list --state all --reporter @alice"),
        ("list every ticket about printers", "incident list printers"),
        ("find tickets mentioning the projector", "incident list projector"),
        ("move INC-2 to the network team", "incident assign 2 network"),
        ("send 3 to dave", "incident assign 3 dave"),
        ("move 2 windows to the other screen", None),
        ("what is my resolution time", None),
    ],
)
def test_a_managers_questions_about_a_period_and_moving_work(text, command):
    assert agent_command(text, GROUPS) == command


@pytest.mark.parametrize(
    ("text", "command"),
    [
        # Before, each began a report of the agent's own.
        ("make INC-1 a P2", "incident classify 1 --priority P2"),
        (
            "change the priority of 3 to p1, the whole floor is down",
            "incident classify 3 --priority p1 the whole floor is down",
        ),
        ("INC-4 should be a P3", "incident classify 4 --priority P3"),
        ("raise it to P1 - ceo cannot work", "incident classify it --priority P1 ceo cannot work"),
        ("make it a P2 please", "incident classify it --priority P2"),
        ("move 2 to p3", "incident classify 2 --priority p3"),
        ("make 2 copies of the report", None),
    ],
)
def test_a_priority_said_in_words(text, command):
    assert agent_command(text) == command
