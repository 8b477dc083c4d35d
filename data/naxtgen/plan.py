"""Building blocks the topic kits use to describe one conversation: turns, requests, decisions, actions."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from .common import Phraser, business_day, fmt_date, fmt_day


@dataclass
class Turn:
    """One utterance. role: A advisor, C client, S specialist, P partner."""

    role: str
    text: str


@dataclass
class Point:
    """A client request or a decision: the summary phrase and the turns that state it."""

    summary: str
    turns: list[Turn]


@dataclass
class Act:
    """An action item: owner role, task phrase, due date and the turns that state it."""

    owner: str
    task: str
    due: date
    turns: list[Turn]
    owner_name: str = ""
    owner_first: str = ""


@dataclass
class Plan:
    """Everything one topic contributes to a conversation."""

    topic: str
    label: str
    situation: str
    intro: list[Turn]
    requests: list[Point]
    decisions: list[Point]
    actions: list[Act]
    purpose: str
    extras: list[list[Turn]] = field(default_factory=list)
    early_extras: list[list[Turn]] = field(default_factory=list)


_ADVISOR_OWN = [
    "I'll {task} by {due}.",
    "On my side, I'll {task} by {due}.",
    "Let me {task} by {due}.",
    "I can {task} by {due} at the latest.",
    "Give me until {due} to {task}.",
    "I'm making a note to {task} by {due}.",
    "My job is to {task}, and I'll have that done by {due}.",
    "I'll take care of that: {task}, no later than {due}.",
    "Leave that with me. I'll {task} by {due}.",
    "Consider it on my list to {task} by {due}.",
]
_CLIENT_OWN = [
    "I'll {task} by {due}.",
    "I can {task} by {due}.",
    "Leave that with me. I'll {task} by {due}.",
    "I should be able to {task} by {due}.",
    "Fine, I'll {task}. Say {due}?",
    "I'll get on it and {task} by {due}.",
    "Put me down to {task} by {due}.",
    "That one's mine. I'll {task} before {due}.",
]
_ASK_CLIENT = [
    "Could you {task} by {due}?",
    "One thing I need from you: could you {task} by {due}?",
    "Would you be able to {task} by {due}?",
    "The ball is in your court for one item: please {task} by {due}.",
    "If you can {task} by {due}, we stay on schedule.",
    "Can I ask you to {task} by {due}?",
]
_CLIENT_CONFIRM = [
    "Yes, {due} is fine.",
    "{due} works for me.",
    "Sure, I can do that by {due}.",
    "No problem. I'll have it done by {due}.",
    "Okay, {due}. I'll put it in my calendar.",
    "That's doable by {due}.",
    "Will do, {a_first}.",
    "Noted. You'll have it by {due}.",
]
_SPEC_OWN = [
    "I'll {task} by {due}.",
    "From my side, I'll {task} by {due}.",
    "I can {task}, and I expect to be done by {due}.",
    "Let me {task} by {due}.",
    "I'll {task} and aim to finish by {due}.",
    "Count on me to {task} by {due}.",
]
_SPEC_ABSENT = [
    "I'll ask {s_full} from our {s_team} team to {task}. {s_first} should have it done by {due}.",
    "{s_full}, our {s_title}, will {task} by {due}.",
    "I'm going to bring in {s_full} on our {s_team} team to {task}, by {due}.",
    "{s_full} in our {s_team} group can {task}. I'll make sure that happens by {due}.",
    "This is one for {s_full}, our {s_title}. {s_first} will {task} by {due}.",
    "I'll loop in {s_full} to {task}; the target date is {due}.",
]


_AGREE = [
    "That works for me, {a_first}.",
    "Okay, {a_first}, let's go with that.",
    "Yes, let's do it that way.",
    "I'm comfortable with that.",
    "That sounds sensible to me.",
    "Fine. You have my go-ahead.",
    "Agreed. Thanks for laying it out so clearly, {a_first}.",
    "Let's do it.",
    "Good, I'm on board.",
    "Yes, that's what I had in mind.",
    "All right, {a_first}. Go ahead.",
    "I can live with that.",
    "Sounds right. Let's move forward.",
    "Perfect. That's the plan then.",
    "You've convinced me, {a_first}.",
    "Yes. Let's not overthink it.",
    "Okay. I trust your judgment on this, {a_first}.",
    "That's fair. Let's proceed.",
]


class Kit:
    """Context a topic kit draws on: seeded randomness, phrasing slots and repetition-aware picking."""

    def __init__(
        self,
        rng: random.Random,
        phraser: Phraser,
        slots: dict[str, object],
        conv_date: date,
        sentiment: str,
        spec_present: bool,
        partner_present: bool,
        names: dict[str, str],
    ) -> None:
        self.rng = rng
        self.phraser = phraser
        self.v = slots
        self.date = conv_date
        self.sentiment = sentiment
        self.spec_present = spec_present
        self.partner_present = partner_present
        self.names = names

    # randomness -------------------------------------------------------------------------------
    def pick(self, seq: list) -> object:
        """Seeded choice."""
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        """Seeded coin flip."""
        return self.rng.random() < p

    def amount(self, lo: float, hi: float, step: float) -> float:
        """A round amount between lo and hi."""
        return round(self.rng.uniform(lo, hi) / step) * step

    # text -----------------------------------------------------------------------------------------
    def say(self, options: list[str]) -> str:
        """Render one phrasing variant."""
        return self.phraser.pick(options, self.v)

    def role(self, role: str) -> str:
        """Resolve X (the expert: specialist when present, else advisor) and P (partner when present)."""
        if role == "X":
            return "S" if self.spec_present else "A"
        if role == "P" and not self.partner_present:
            return "C"
        return role

    def t(self, role: str, options: list[str]) -> Turn:
        """One turn by `role` in one of the phrasing variants."""
        return Turn(self.role(role), self.say(options))

    def agree(self, options: list[str]) -> Turn:
        """The client agreeing, in a topic-specific or a general phrasing."""
        return Turn("C", self.say(options + _AGREE))

    def fill(self, template: str) -> str:
        """Fill a summary phrase with the current slots."""
        return template.format(**self.v)

    def by_mood(self, table: dict[str, list[str]]) -> list[str]:
        """Variants for the conversation's sentiment."""
        return table.get(self.sentiment) or table["neutral"]

    def due(self, name: str, lo: int, hi: int) -> date:
        """Pick a due date lo..hi days after the conversation and expose it as slot `name`."""
        d = business_day(self.date, self.rng.randint(lo, hi))
        self.v[name] = fmt_day(d) if self.chance(0.4) else fmt_date(d)
        self.v[name + "_d"] = fmt_date(d)
        return d

    def point(self, summary: str, turns: list[Turn]) -> Point:
        """A request or decision."""
        return Point(self.fill(summary), turns)

    def act(self, owner: str, task: str, due: date, lines: list[str] | None = None) -> Act:
        """An action item stated in dialogue (custom `lines` may use {due} and {task})."""
        owner = self.role(owner) if owner != "S" else "S"
        task = self.fill(task)
        self.v["task"] = task
        self.v["due"] = fmt_day(due) if self.chance(0.35) else fmt_date(due)
        turns: list[Turn] = []
        if owner == "A":
            turns.append(Turn("A", self.say(lines or _ADVISOR_OWN)))
        elif owner == "C":
            if lines:
                turns.append(Turn("C", self.say(lines)))
            elif self.chance(0.5):
                turns.append(Turn("C", self.say(_CLIENT_OWN)))
            else:
                turns.append(Turn("A", self.say(_ASK_CLIENT)))
                turns.append(Turn("C", self.say(_CLIENT_CONFIRM)))
        elif owner == "S":
            if self.spec_present:
                turns.append(Turn("S", self.say(lines or _SPEC_OWN)))
            else:
                turns.append(Turn("A", self.say(_SPEC_ABSENT)))
        elif owner == "P":
            turns.append(Turn("P", self.say(lines or _CLIENT_OWN)))
        if owner == "S":
            name, first = str(self.v["s_full"]), str(self.v["s_first"])
        else:
            name = self.names[owner]
            first = name.split()[0]
        return Act(owner, task, due, turns, name, first)
