"""Assemble client conversations (calls, meetings, email threads), their facts and reference summaries."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from . import pools
from .common import Phraser, business_day, fmt_date, fmt_day, money, words
from .people import ADVISORS, CHILD_FIRST, CLIENT_FIRST, CLIENT_LAST, PARTNER_FIRST, SPECIALISTS
from .plan import Act, Kit, Plan, Turn
from .topics_a import (
    concentrated_stock,
    education_funding,
    estate_planning,
    philanthropy,
    rebalancing,
    tax_loss_harvesting,
)
from .topics_b import alternatives, cash_management, fee_complaint, lending, retirement_income, risk_change

KITS = {
    "rebalancing": (rebalancing, "risk"),
    "concentrated_stock_liquidity": (concentrated_stock, "tax"),
    "tax_loss_harvesting": (tax_loss_harvesting, "tax"),
    "estate_trust_planning": (estate_planning, "estate"),
    "philanthropy_daf": (philanthropy, "giving"),
    "education_funding": (education_funding, "education"),
    "retirement_income": (retirement_income, "income"),
    "risk_tolerance_change": (risk_change, "risk"),
    "fee_performance_complaint": (fee_complaint, "manager"),
    "alternative_investments": (alternatives, "alts"),
    "cash_management": (cash_management, "cash"),
    "lending_against_portfolio": (lending, "lending"),
}
TOPICS = list(KITS)
N_CLIENTS = 84
N_REPEAT_CLIENTS = 16
MIN_WORDS, MAX_WORDS = 250, 900
MAX_SUMMARY_WORDS = 120
PARTNER_GENDER = {
    "Clara": "f", "Martin": "m", "Renee": "f", "Owen": "m", "Sunita": "f", "Gareth": "m", "Louisa": "f",
    "Tobias": "m", "Mirela": "f", "Howard": "m", "Abigail": "f", "Felix": "m", "Noor": "f", "Patrick": "m",
    "Celia": "f", "Arturo": "m", "Jolene": "f", "Bruno": "m", "Lydia": "f", "Rashid": "m",
}  # fmt: skip


@dataclass
class Client:
    """A fictional client."""

    client_id: str
    first: str
    last: str
    partner: str
    partner_word: str
    partner_pos: str
    kid: str
    kid_gender: str
    city: str
    acct: str
    email: str
    value: float
    advisor: int

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Segment:
    """A run of turns that is kept or dropped as a unit when fitting the target length."""

    turns: list[Turn]
    optional: bool = False
    header: list[str] = field(default_factory=list)


def make_clients(rng: random.Random) -> list[Client]:
    """Create the fictional client roster."""
    firsts = rng.sample(CLIENT_FIRST, N_CLIENTS)
    lasts = rng.sample(CLIENT_LAST, len(CLIENT_LAST))[:N_CLIENTS]
    used_accts: set[str] = set()
    clients = []
    for i, (first, last) in enumerate(zip(firsts, lasts, strict=False)):
        partner = rng.choice(PARTNER_FIRST)
        kid, kid_gender = rng.choice(CHILD_FIRST)
        gender = PARTNER_GENDER[partner]
        word = rng.choice(["wife", "wife", "partner"] if gender == "f" else ["husband", "husband", "partner"])
        acct = ""
        while not acct or acct in used_accts:
            acct = str(rng.randint(1100, 9899))
        used_accts.add(acct)
        email_user = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}{last[0]}"]).lower()
        clients.append(
            Client(
                client_id=f"NXC-{1040 + i * 7:05d}",
                first=first,
                last=last,
                partner=partner,
                partner_word=word,
                partner_pos="her" if gender == "f" else "his",
                kid=kid,
                kid_gender=kid_gender,
                city=rng.choice(pools.CLIENT_CITIES),
                acct=acct,
                email=f"{email_user}@{rng.choice(['example.com', 'example.net', 'example.org'])}",
                value=round(rng.uniform(3e6, 18e6) / 1e5) * 1e5,
                advisor=i % len(ADVISORS),
            )
        )
    return clients


def _spec_slots(key: str) -> dict[str, str]:
    first, last, title, team = SPECIALISTS[key]
    return {"s_first": first, "s_last": last, "s_full": f"{first} {last}", "s_title": title, "s_team": team}


def _say(phraser: Phraser, slots: dict, role: str, options: list[str]) -> Turn:
    return Turn(role, phraser.pick(options, slots))


def _turns(phraser: Phraser, slots: dict, spec: list[tuple[str, list[str]]], roles: dict[str, str]) -> list[Turn]:
    return [_say(phraser, slots, roles.get(r, r), opts) for r, opts in spec]


def _secondary(plan: Plan, rng: random.Random) -> Plan:
    """Reduce a plan to the part a conversation's second topic gets: intro, one request, decision, action."""
    return Plan(
        plan.topic,
        plan.label,
        plan.situation,
        plan.intro,
        plan.requests[:1] if rng.random() < 0.7 else [],
        plan.decisions[:1],
        [a for a in plan.actions if a.owner != "S"][:1] or plan.actions[:1],
        plan.purpose,
        plan.extras[:1],
    )


def _recap(phraser: Phraser, slots: dict, acts: list[Act]) -> list[Turn]:
    items = []
    for a in acts:
        due = fmt_date(a.due)
        if a.owner == "A":
            items.append(f"I'll {a.task} by {due}")
        elif a.owner == "C":
            items.append(f"you'll {a.task} by {due}")
        else:
            items.append(f"{a.owner_first} will {a.task} by {due}")
    body = "; ".join(items[:-1]) + ("; and " if len(items) > 1 else "") + items[-1] + "."
    lead = phraser.pick(pools.RECAP_LEAD, slots)
    return [Turn("A", f"{lead} {body[0].upper()}{body[1:]}"), _say(phraser, slots, "C", pools.RECAP_ACK)]


def _merge(turns: list[Turn]) -> list[Turn]:
    out: list[Turn] = []
    for t in turns:
        if out and out[-1].role == t.role:
            out[-1] = Turn(t.role, f"{out[-1].text} {t.text}")
        else:
            out.append(Turn(t.role, t.text))
    return out


def _lower_first(text: str) -> str:
    return text if len(text) > 1 and text[1].isupper() else text[0].lower() + text[1:]


def _join(items: list[str]) -> str:
    return "; ".join([items[0]] + [_lower_first(x) for x in items[1:]]) + "."


def build_summary(situation: str, plans: list[Plan], acts: list[Act], nxt: dict) -> str:
    """The one advisor-brief format: Situation, Requests, Decisions, Action items, Next step (<=120 words)."""
    reqs = [(n, i, p) for n, pl in enumerate(plans) for i, p in enumerate(pl.requests)]
    decs = [(n, i, p) for n, pl in enumerate(plans) for i, p in enumerate(pl.decisions)]
    channel = {"call": "call", "meeting": "meeting", "email": "email check-in"}[nxt["channel"]]
    while True:
        parts = [f"Situation: {situation}"]
        if reqs:
            parts.append("Requests: " + _join([p.summary for _, _, p in reqs]))
        parts.append("Decisions: " + _join([p.summary for _, _, p in decs]))
        parts.append(
            "Action items: " + "; ".join(f"{a.owner_name} — {a.task} by {fmt_date(a.due)}" for a in acts) + "."
        )
        parts.append(f"Next step: {channel} on {fmt_date(nxt['date'])} to {nxt['purpose']}.")
        text = " ".join(parts)
        if words(text) <= MAX_SUMMARY_WORDS:
            return text
        # drop the least important line first: extra primary requests, extra decisions, then any request
        for pool in (reqs, decs):
            extra = [x for x in pool if x[1] > 0]
            if extra and len(pool) > 1:
                pool.remove(extra[-1])
                break
        else:
            if reqs:
                reqs.pop()
            elif len(decs) > 1:
                decs.pop()
            else:
                raise ValueError(f"summary too long: {text}")


class ConversationBuilder:
    """Builds every conversation with one seeded RNG and one shared phraser."""

    def __init__(self, seed: int, n_transcripts: int) -> None:
        self.rng = random.Random(seed)
        cap = max(1, int(0.05 * n_transcripts) - 1)
        self.phraser = Phraser(random.Random(seed + 1), cap)

    # ------------------------------------------------------------------------------------------------
    def build(self, client: Client, topic: str, second: str | None, channel: str, day: date) -> dict:
        rng, ph = self.rng, self.phraser
        ph.start()
        a_first, a_last, office = ADVISORS[client.advisor]
        sentiment = self._sentiment(topic)
        kit_fn, spec_key = KITS[topic]
        if channel == "meeting":
            spec_present = rng.random() < 0.7
            partner_present = not spec_present
        elif channel == "call":
            spec_present, partner_present = False, rng.random() < 0.2
        else:
            spec_present, partner_present = rng.random() < 0.3, False
        slots: dict[str, object] = {
            "c_first": client.first,
            "c_last": client.last,
            "c_full": client.full,
            "a_first": a_first,
            "a_last": a_last,
            "a_full": f"{a_first} {a_last}",
            "office": office,
            "p_first": client.partner,
            "p_word": client.partner_word,
            "p_pos": client.partner_pos,
            "kid": client.kid,
            "kid_gender": client.kid_gender,
            "city": client.city,
            "acct": client.acct,
            "V": money(client.value),
            "V_num": client.value,
            "trip": rng.choice(pools.TRIPS),
        }
        slots.update(_spec_slots(spec_key))
        names = {"A": f"{a_first} {a_last}", "C": client.full, "P": f"{client.partner} {client.last}"}
        kit = Kit(rng, ph, slots, day, sentiment, spec_present, partner_present, names)
        plan = kit_fn(kit)
        partner_ok = bool(slots.get("partner_ok", True))
        plans = [plan]
        if second and partner_ok:
            slots2 = dict(slots)
            slots2.update(_spec_slots(KITS[second][1]))
            slots2["is_secondary"] = True
            kit2 = Kit(rng, ph, slots2, day, "neutral", False, False, names)
            plans.append(_secondary(KITS[second][0](kit2), rng))
        for attempt in range(3):
            if attempt == 2:
                plans = plans[:1]
            acts = sorted([a for p in plans for a in p.actions], key=lambda a: (a.due, a.owner_name))
            dues = [a.due for a in acts]
            nxt_date = business_day(dues[min(1, len(dues) - 1)], rng.randint(2, 6))
            nxt = {
                "date": nxt_date,
                "channel": rng.choice(
                    ["call", "call", "meeting", "email"] if channel != "email" else ["call", "email"]
                ),
                "purpose": plan.purpose,
            }
            slots.update(
                {
                    "nday": fmt_day(nxt_date) if rng.random() < 0.6 else fmt_date(nxt_date),
                    "nday_short": fmt_date(nxt_date),
                    "nchan": {"call": "call", "meeting": "meeting", "email": "quick email check-in"}[nxt["channel"]],
                    "purpose": plan.purpose,
                    "label": plan.label,
                    "label2": plans[-1].label if len(plans) > 1 else "",
                }
            )
            roles = {"A": "A", "C": "C", "S": "S" if spec_present else "A", "P": "P" if partner_present else "C"}
            body = self._body(plans, acts, slots, roles, channel, partner_ok)
            if channel == "email":
                transcript, participants = self._email(body, client, slots, day, spec_present)
            else:
                transcript, participants = self._spoken(
                    body, client, slots, day, channel, spec_present, partner_present
                )
            if MIN_WORDS + 5 <= words(transcript) <= MAX_WORDS - 10:
                break
        else:
            raise ValueError(f"cannot fit {client.client_id} {topic} into {MIN_WORDS}-{MAX_WORDS} words")
        ph.finish(transcript)
        requests = [p for pl in plans for p in pl.requests]
        decisions = [p for pl in plans for p in pl.decisions]
        summary = build_summary(plan.situation, plans, acts, nxt)
        return {
            "client_id": client.client_id,
            "client_name": client.full,
            "date": day.isoformat(),
            "channel": channel,
            "advisor": f"{a_first} {a_last}",
            "participants": participants,
            "topics": [p.topic for p in plans],
            "client_requests": [p.summary for p in requests],
            "decisions": [p.summary for p in decisions],
            "action_items": [{"owner": a.owner_name, "task": a.task, "due": a.due.isoformat()} for a in acts],
            "sentiment": sentiment,
            "next_contact": {"date": nxt_date.isoformat(), "channel": nxt["channel"], "purpose": plan.purpose},
            "transcript": transcript,
            "reference_summary": summary,
            "word_count": words(transcript),
        }

    # ------------------------------------------------------------------------------------------------
    def _sentiment(self, topic: str) -> str:
        table = {
            "fee_performance_complaint": ["negative"] * 5 + ["concerned"] * 3 + ["neutral"],
            "risk_tolerance_change": ["concerned"] * 4 + ["neutral"] * 2,
        }
        return self.rng.choice(table.get(topic, ["positive"] * 3 + ["neutral"] * 5 + ["concerned"] * 2))

    def _body(
        self,
        plans: list[Plan],
        acts: list[Act],
        slots: dict,
        roles: dict[str, str],
        channel: str,
        partner_ok: bool,
    ) -> list[Segment]:
        """The topic part of the conversation, as kept/droppable segments."""
        rng, ph = self.rng, self.phraser
        segs: list[Segment] = []
        spoken = channel != "email"
        main = plans[0]
        if spoken:
            if rng.random() < 0.75:
                blocks = [b for b in pools.SMALLTALK if partner_ok or b["needs"] != "partner"]
                for block in rng.sample(blocks, 2):
                    segs.append(Segment(_turns(ph, slots, block["turns"], roles), optional=True))
                segs.append(Segment([_say(ph, slots, "A", pools.TO_BUSINESS)], optional=True))
            if main.intro[0].role == "C":
                segs.append(Segment([_say(ph, slots, "A", pools.AGENDA_CLIENT)], optional=True))
            elif len(plans) > 1 and plans[1].intro[0].role == "A":
                segs.append(Segment([_say(ph, slots, "A", pools.AGENDA_ADVISOR_TWO)], optional=True))
            else:
                segs.append(Segment([_say(ph, slots, "A", pools.AGENDA_ADVISOR)], optional=True))
        for n, plan in enumerate(plans):
            if n:
                lead = pools.TRANSITION_CLIENT if plan.intro[0].role == "C" else pools.TRANSITION_ADVISOR
                segs.append(Segment([_say(ph, slots, plan.intro[0].role, lead)]))
            segs.append(Segment(list(plan.intro)))
            extras = list(plan.extras)
            rng.shuffle(extras)
            early = rng.random() < 0.5
            if early:
                for p in plan.requests:
                    segs.append(Segment(list(p.turns)))
            for block in extras if spoken else extras[:1]:
                segs.append(Segment(list(block), optional=True))
            if not early:
                for p in plan.requests:
                    segs.append(Segment(list(p.turns)))
            for p in plan.decisions:
                segs.append(Segment(list(p.turns)))
            for a in plan.actions:
                segs.append(Segment(list(a.turns)))
        if spoken and rng.random() < 0.45:
            pos = rng.randint(2, max(2, len(segs) - 1))
            block = rng.choice(pools.INTERRUPTIONS)
            segs.insert(pos, Segment(_turns(ph, slots, block, roles), optional=True))
        if rng.random() < 0.5:
            segs.append(Segment([_say(ph, slots, "A", pools.COMPLIANCE)], optional=True))
        if spoken and rng.random() < 0.6:
            segs.append(Segment(_recap(ph, slots, acts), optional=True))
        segs.append(Segment([_say(ph, slots, "A", pools.NEXT_PROPOSE), _say(ph, slots, "C", pools.NEXT_CONFIRM)]))
        if spoken:
            close = pools.CLOSE_ADVISOR if partner_ok else pools.CLOSE_ADVISOR_SOLO
            segs.append(Segment([_say(ph, slots, "A", close), _say(ph, slots, "C", pools.CLOSE_CLIENT)]))
        return segs

    def _fit(self, segs: list[Segment], fixed_words: int, lo: int, hi: int) -> list[Segment]:
        """Drop optional segments in a seeded order until the transcript fits a seeded target length."""
        target = self.rng.randint(lo, hi)
        keep = list(segs)
        optional = [i for i, s in enumerate(segs) if s.optional]
        self.rng.shuffle(optional)

        def size(ss: list[Segment]) -> int:
            return fixed_words + sum(words(t.text) + 3 for s in ss for t in s.turns)

        for i in optional:
            if size(keep) <= target:
                break
            candidate = [s for s in keep if s is not segs[i]]
            if size(candidate) >= MIN_WORDS + 20:
                keep = candidate
        return keep

    def _spoken(
        self,
        segs: list[Segment],
        client: Client,
        slots: dict,
        day: date,
        channel: str,
        spec_present: bool,
        partner_present: bool,
    ) -> tuple[str, list[dict]]:
        rng, ph = self.rng, self.phraser
        roles = {"A": "A", "C": "C", "S": "S", "P": "P"}
        names = {"A": slots["a_full"], "C": client.full, "S": slots["s_full"], "P": f"{client.partner} {client.last}"}
        participants = [
            {"name": slots["a_full"], "role": "advisor"},
            {"name": client.full, "role": "client"},
        ]
        opening: list[Turn] = []
        if channel == "meeting":
            opening += _turns(ph, slots, pools.MEETING_OPEN, roles)
            if spec_present:
                opening += _turns(ph, slots, pools.MEETING_SPECIALIST, roles)
                participants.append({"name": slots["s_full"], "role": str(slots["s_title"])})
            else:
                opening += _turns(ph, slots, pools.MEETING_PARTNER, roles)
                participants.append({"name": names["P"], "role": f"client's {client.partner_word}"})
            place = f"the Naxt {slots['office']} office"
            header = rng.choice(
                [
                    f"Meeting notes: {fmt_day(day)}, {day.year}, {place}.",
                    f"In-person review meeting, {fmt_day(day)}, {day.year}, at {place}.",
                    f"Transcript of a meeting held {fmt_day(day)}, {day.year}, at {place}.",
                ]
            )
            header += " Present: " + ", ".join(f"{p['name']} ({p['role']})" for p in participants) + "."
        else:
            if segs and segs[0].turns and rng.random() < 0.35:
                opening += _turns(ph, slots, pools.CALL_OPEN_CLIENT[0], roles)
                who = "inbound call from the client"
            else:
                opening += _turns(ph, slots, rng.choice(pools.CALL_OPEN_ADVISOR), roles)
                who = "outbound call by the advisor"
            if partner_present:
                opening += _turns(ph, slots, pools.PARTNER_JOIN, roles)
                participants.append({"name": names["P"], "role": f"client's {client.partner_word}"})
            header = (
                rng.choice(
                    [
                        f"Phone call, {fmt_day(day)}, {day.year} ({who}). Participants: ",
                        f"Call transcript, {fmt_day(day)}, {day.year}, {who}. On the line: ",
                        f"Recorded phone call of {fmt_day(day)}, {day.year}. Speakers: ",
                    ]
                )
                + ", ".join(f"{p['name']} ({p['role']})" for p in participants)
                + "."
            )
        fixed = words(header) + sum(words(t.text) + 3 for t in opening)
        kept = self._fit(segs, fixed, 280, 880)
        turns = _merge(opening + [t for s in kept for t in s.turns])
        lines = [header] + [f"{names[t.role]}: {t.text}" for t in turns]
        return "\n".join(lines), participants

    def _email(
        self, segs: list[Segment], client: Client, slots: dict, day: date, spec_present: bool
    ) -> tuple[str, list[dict]]:
        rng, ph = self.rng, self.phraser
        a_email = f"{str(slots['a_first']).lower()}.{str(slots['a_last']).lower()}@naxt.example"
        s_email = f"{str(slots['s_first']).lower()}.{str(slots['s_last']).lower()}@naxt.example"
        people = {
            "A": (str(slots["a_full"]), a_email),
            "C": (client.full, client.email),
            "S": (str(slots["s_full"]), s_email),
        }
        participants = [
            {"name": slots["a_full"], "role": "advisor"},
            {"name": client.full, "role": "client"},
        ]
        if spec_present:
            participants.append({"name": slots["s_full"], "role": str(slots["s_title"])})
        kept = self._fit(segs, 60, 250, 620)
        turns = _merge([t for s in kept for t in s.turns])
        label = str(slots["label"])
        subject = rng.choice(pools.SUBJECTS).format(label=label, Label=label[0].upper() + label[1:])
        when = datetime(day.year, day.month, day.day, rng.randint(7, 10), rng.choice([4, 12, 23, 37, 41, 52]))
        closer_used = False
        lines = []
        for n, t in enumerate(turns):
            sender, s_addr = people[t.role]
            to_name, to_addr = people["C" if t.role != "C" else "A"]
            hour = when.hour % 12 or 12
            stamp = f"{fmt_day(when.date())}, {when.year}, {hour}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}"
            if n == 0:
                cc = f" | Cc: {people['S'][0]} <{people['S'][1]}>" if spec_present else ""
                head = f"From: {sender} <{s_addr}> | To: {to_name} <{to_addr}>{cc}"
                head += f" | Sent: {stamp} | Subject: {subject}"
            else:
                head = f"From: {sender} | To: {to_name} | Sent: {stamp} | Subject: Re: {subject}"
            local = dict(slots, to_first=to_name.split()[0], me_first=sender.split()[0], me_full=sender)
            body = []
            if n == 0 or rng.random() < 0.75:
                body.append(ph.pick(pools.EMAIL_GREET, local))
            text = t.text
            if n == 0:
                opener = pools.EMAIL_OPENER_C if t.role == "C" else pools.EMAIL_OPENER_A
                text = f"{ph.pick(opener, local)} {text}"
            if not closer_used and t.role != "C" and n > 0 and rng.random() < 0.5:
                text = f"{text} {ph.pick(pools.EMAIL_CLOSER, local)}"
                closer_used = True
            body.append(text)
            body.append(ph.pick(pools.EMAIL_SIGN, local))
            lines.append(head)
            lines.append(f"{sender}: {body[0]}")
            lines.extend(body[1:])
            lines.append("")
            when += timedelta(minutes=rng.randint(6, 50))
        return "\n".join(lines).rstrip() + "\n", participants


def plan_conversations(rng: random.Random, clients: list[Client]) -> list[tuple[Client, str, str | None, str, date]]:
    """Decide who talks about what, when and how."""
    repeaters = rng.sample(clients, N_REPEAT_CLIENTS)
    roster = list(clients) + repeaters
    topics = (TOPICS * ((len(roster) // len(TOPICS)) + 1))[: len(roster)]
    rng.shuffle(topics)
    plans = []
    seen: dict[str, tuple[str, date]] = {}
    for client, topic in zip(roster, topics, strict=True):
        if topic == "tax_loss_harvesting":
            start = date(2024, 10, 1)
            day = business_day(start, rng.randint(0, 60))
        else:
            day = business_day(date(2024, 1, 8), rng.randint(0, 320))
        if client.client_id in seen:
            prev_topic, prev_day = seen[client.client_id]
            if topic == prev_topic:
                topic = TOPICS[(TOPICS.index(topic) + 5) % len(TOPICS)]
            if abs((day - prev_day).days) < 30:
                day = business_day(prev_day, 45 + rng.randint(0, 30))
        seen[client.client_id] = (topic, day)
        second = None
        if rng.random() < 0.45:
            second = rng.choice([t for t in TOPICS if t != topic])
        channel = rng.choices(["call", "meeting", "email"], weights=[45, 30, 25])[0]
        plans.append((client, topic, second, channel, day))
    return plans
