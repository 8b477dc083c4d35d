"""Topic kits, part two: retirement income, risk changes, complaints, alternatives, cash, lending."""

from __future__ import annotations

from .common import MONTHS, money, round_to
from .plan import Kit, Plan


def retirement_income(k: Kit) -> Plan:
    """Turning a portfolio into a paycheck."""
    spend = k.amount(180_000, 480_000, 10_000)
    k.v.update(
        spend=money(spend),
        monthly=money(round_to(spend / 12, 500)),
        reserve=money(round_to(spend * 2, 10_000)),
    )
    k.due("retire", 30, 90)
    situation = k.fill("Retiring {retire_d} and needs about {spend} a year from a {V} portfolio.")
    intro = [
        k.t(
            "C",
            [
                "My last day is {retire}. HR made it official this week.",
                "So I finally told the partners. I'm retiring, effective {retire}.",
                "It's happening: I retire on {retire}, and suddenly the paycheck stops.",
            ],
        ),
        k.t(
            "A",
            k.by_mood(
                {
                    "neutral": [
                        "That's a big step. Let's make sure the income side is ready.",
                        "Then we have work to do on the withdrawal plan.",
                        "Okay. Then let's make sure the paycheck side is ready.",
                    ],
                    "positive": [
                        "Congratulations! You've earned it. Let's build your paycheck from the portfolio.",
                        "That's fantastic news. Now let's turn the portfolio into income.",
                        "Well deserved! Let's get the income plan ready.",
                    ],
                    "concerned": [
                        "You sound a little anxious about it. That's very normal. Let's go through the numbers.",
                        "It's a big change. Let's walk through the numbers so it feels less uncertain.",
                        "That's a lot of change at once. Let's make the numbers feel manageable.",
                    ],
                }
            ),
        ),
        k.t(
            "C",
            [
                "We've worked out that we spend about {spend} a year, including travel.",
                "Our budget says {spend} a year. Is that realistic with {V}?",
                "We need about {spend} a year to live the way we do now.",
            ],
        ),
        k.t(
            "X",
            [
                "With a portfolio of {V}, that's a sustainable draw if we structure it carefully.",
                "On {V}, that spending level is workable, but the order we draw from accounts matters.",
                "The portfolio is {V}, so the spending is within range. The structure is what we need to get right.",
            ],
        ),
    ]
    extras = [
        [
            k.t(
                "C",
                [
                    "What I'm really worried about is a bad market in the first couple of years.",
                    "My friend retired right before a crash and had to go back to work. I don't want that.",
                    "The thing that scares me is a crash right after I stop working.",
                    "What if the market falls thirty percent the year I retire?",
                ],
            ),
            k.t(
                "X",
                [
                    "That's exactly why we keep a cash reserve. In a bad year you spend the reserve, not stocks "
                    "at low prices.",
                    "It's a real risk, and the answer is a spending reserve, so we never have to sell into a "
                    "falling market.",
                    "That's what the reserve is for. If markets fall, you live on cash while the portfolio recovers.",
                ],
            ),
        ],
        [
            k.t(
                "C",
                [
                    "And Social Security? Everyone gives me a different answer on when to claim.",
                    "When should I start Social Security? {p_first} says wait, my brother says take it now.",
                    "I also keep going back and forth on Social Security.",
                ],
            ),
            k.t(
                "X",
                [
                    "It depends on health, on {p_first}'s benefit and on taxes. I'll run the scenarios rather "
                    "than guess.",
                    "There isn't one right answer. We'll model a few claiming ages side by side.",
                    "I'll model the options so you can see the trade-offs side by side.",
                ],
            ),
        ],
    ]
    requests = [
        k.point(
            "Monthly transfers of {monthly} to checking, like a paycheck",
            [
                k.t(
                    "C",
                    [
                        "Can it arrive like a paycheck? {monthly} on the first of every month would be ideal.",
                        "I'd like {monthly} a month to land in checking, same as my salary does now.",
                    ],
                )
            ],
        ),
        k.point(
            "Keep two years of spending in cash",
            [
                k.t(
                    "C",
                    [
                        "I'd sleep better with two years of spending in cash.",
                        "Could we keep a couple of years of expenses somewhere safe?",
                        "I'd like a cushion of two years of expenses in cash.",
                    ],
                )
            ],
        ),
    ]
    decisions = [
        k.point(
            "Start monthly transfers of {monthly} after retirement",
            [
                k.t(
                    "A",
                    [
                        "We'll set up {monthly} a month, starting the month after you retire.",
                        "Agreed. {monthly} a month, starting right after your last day.",
                    ],
                )
            ],
        ),
        k.point(
            "Build a {reserve} cash reserve from bond interest and dividends",
            [
                k.t(
                    "X",
                    [
                        "And we'll build a {reserve} reserve, two years of spending, from interest and dividends.",
                        "The reserve will be {reserve}. We'll fill it from dividends first, then bonds.",
                    ],
                ),
                k.t(
                    "C",
                    [
                        "That gives me a lot of peace of mind.",
                        "Good. That's what I needed to hear.",
                        "That's reassuring.",
                        "Good. I like having a cushion.",
                    ],
                ),
            ],
        ),
    ]
    actions = [
        k.act("S", "run the Social Security and withdrawal projections", k.due("d1", 6, 12)),
        k.act("C", "confirm the pension payout election with HR", k.due("d2", 5, 10)),
        k.act("A", "set up the monthly transfer instructions", k.due("d3", 10, 20)),
    ]
    return Plan(
        "retirement_income",
        "your retirement income",
        situation,
        intro,
        requests,
        decisions,
        actions,
        "review the withdrawal projections",
        extras,
    )


def risk_change(k: Kit) -> Plan:
    """Risk tolerance changes after a life event."""
    month = MONTHS[(k.date.month - 1 - k.pick([1, 2, 3, 4])) % 12]
    events = [
        (
            "a divorce",
            [
                "The divorce was finalized in {month}.",
                "So the divorce became final in {month}.",
                "My divorce finally went through in {month}.",
            ],
        ),
        (
            "the death of a spouse",
            [
                "It's been a few months since {p_first} passed.",
                "Since {p_first} died, I've been handling everything on my own.",
                "I still can't quite believe {p_first} is gone.",
            ],
        ),
        (
            "a serious health diagnosis",
            [
                "The tests came back in {month}, and I'll be starting treatment soon.",
                "I had some difficult news from my doctor in {month}.",
                "My cardiologist gave me a bit of a scare back in {month}.",
            ],
        ),
        (
            "a job loss",
            [
                "My position was eliminated in the {month} restructuring.",
                "I was let go in {month}, along with most of my department.",
                "The company closed my division in {month}.",
            ],
        ),
        (
            "the arrival of twins",
            [
                "The twins arrived in {month}, and everything has changed.",
                "We had twins in {month}, so life looks very different now.",
                "Since the twins were born in {month}, I see money differently.",
            ],
        ),
        (
            "a large inheritance",
            [
                "My aunt's estate settled in {month}, and I'm inheriting more than I expected.",
                "In {month} I found out I'm the main heir to my uncle's estate.",
                "My father's estate closed in {month}, and a sizable inheritance is coming my way.",
            ],
        ),
    ]
    if k.partner_present or k.v.get("is_secondary"):
        events = events[2:]
    event, phrasings = k.pick(events)
    if event in ("a divorce", "the death of a spouse"):
        k.v["partner_ok"] = False
    k.v["month"] = month
    old = k.pick([65, 70, 75, 80])
    new = old - k.pick([15, 20, 25])
    k.v.update(event=event, old=old, new=new)
    k.v["event_line"] = k.say(phrasings)
    situation = k.fill("After {event}, wants to move the {V} portfolio from {old}% to {new}% equities.")
    intro = [
        k.t(
            "C",
            [
                "{event_line} I've been thinking I can't take the same risks anymore.",
                "{event_line} Honestly, I look at the portfolio and I just want less drama.",
                "I should tell you something. {event_line} I want to revisit how aggressive we are.",
            ],
        ),
        k.t(
            "A",
            [
                "I'm very sorry to hear that, and thank you for telling me. We'll take this at your pace.",
                "Thank you for sharing that. Your plan should fit your life, so let's look at it together.",
                "I appreciate you telling me. Nothing has to be decided today, but let's talk it through.",
                "That's a lot to carry. Let's go gently.",
            ]
            if k.sentiment != "positive"
            else [
                "That's a big change. Let's make sure the portfolio matches your new situation.",
                "Congratulations, and yes, it's a good moment to revisit the plan.",
                "Life changes, so the plan should too. Let's take a look.",
            ],
        ),
        k.t(
            "A",
            [
                "Right now the {V} portfolio is about {old}% in stocks.",
                "For reference, you're at {old}% equities on {V}.",
                "Today we're at {old}% stocks across {V}.",
            ],
        ),
    ]
    extras = [
        [
            k.t(
                "X",
                [
                    "Part of this is updating your risk questionnaire, so the paperwork matches what you're "
                    "telling me.",
                    "We'll redo your risk profile too. It sounds formal, but it protects you.",
                    "First step is a fresh risk questionnaire, so the file reflects the change.",
                ],
            ),
            k.t(
                "C",
                [
                    "Fine, as long as it isn't fifty pages.",
                    "Sure. I probably answered the old one very differently.",
                    "That's fine. Send it over.",
                    "Makes sense.",
                ],
            ),
        ],
        [
            k.t(
                "C",
                [
                    "Am I overreacting? Be honest.",
                    "Tell me if this is an emotional decision, because it might be.",
                    "Is this a sensible change or am I just scared?",
                ],
            ),
            k.t(
                "X",
                [
                    "Not at all. Your circumstances changed, and the plan should change with them.",
                    "It's a reasonable adjustment. We're not moving to cash, we're lowering the volatility.",
                    "It's sensible. We're adjusting the plan to your life, not reacting to a headline.",
                ],
            ),
        ],
    ]
    requests = [
        k.point(
            "Reduce equities to about {new}%",
            [
                k.t(
                    "C",
                    [
                        "I think something like {new}% in stocks is where I'd feel comfortable.",
                        "Could we bring stocks down to about {new}%?",
                    ],
                )
            ],
        )
    ]
    if k.chance(0.5):
        requests.append(
            k.point(
                "Update the beneficiaries on all accounts",
                [
                    k.t(
                        "C",
                        [
                            "And I need to change the beneficiaries on everything.",
                            "The beneficiaries will have to be updated too.",
                            "Also, every beneficiary designation needs a fresh look.",
                            "The beneficiaries need updating across the board.",
                        ],
                    )
                ],
            )
        )
    decisions = [
        k.point(
            "Move the target from {old}% to {new}% equities after a new risk questionnaire",
            [
                k.t(
                    "A",
                    [
                        "Then we'll complete a new risk questionnaire and move the target from {old}% to {new}%.",
                        "Let's redo the questionnaire and set the new target at {new}%, down from {old}%.",
                    ],
                ),
                k.agree(
                    [
                        "Yes. Thank you for not rushing me.",
                        "Okay. That sounds right.",
                        "Good, let's.",
                        "Thank you. That feels manageable.",
                    ]
                ),
            ],
        )
    ]
    actions = [
        k.act("A", "send the new risk questionnaire", k.due("d1", 1, 4)),
        k.act("C", "complete and return the questionnaire", k.due("d2", 6, 11)),
        k.act("S", "propose the revised {new}% equity allocation", k.due("d3", 12, 18)),
    ]
    return Plan(
        "risk_tolerance_change",
        "your risk level",
        situation,
        intro,
        requests,
        decisions,
        actions,
        "approve the revised allocation",
        extras,
    )


def fee_complaint(k: Kit) -> Plan:
    """Complaint about fees or performance."""
    fee = k.pick([1.0, 1.1, 1.15, 1.2, 1.25])
    ret = k.pick([3.1, 4.2, 5.6, 6.3, 7.4, 8.0])
    bench = ret + k.pick([2.4, 3.1, 3.8, 4.5])
    value = float(k.v["V_num"])
    k.v.update(
        fee=f"{fee:.2f}%",
        ret=f"{ret:.1f}%",
        bench=f"{bench:.1f}%",
        feedollars=money(round_to(value * fee / 100, 100)),
    )
    situation = k.fill("Unhappy that the {V} portfolio returned {ret} against {bench} for its benchmark.")
    intro = [
        k.t(
            "C",
            k.by_mood(
                {
                    "negative": [
                        "I'll be blunt. I got my annual statement and I'm not happy. {ret} for the year, while "
                        "the benchmark did {bench}.",
                        "I'm frustrated, and I wanted you to hear it from me directly. We made {ret}. The index "
                        "you compare us to made {bench}.",
                    ],
                    "neutral": [
                        "I have a question about performance. We returned {ret} and the benchmark shows {bench}. "
                        "What happened?",
                        "Help me understand the numbers. {ret} for us, {bench} for the benchmark.",
                    ],
                    "concerned": [
                        "I'm worried about the numbers. {ret} for us against {bench} for the benchmark.",
                        "The report says {ret} for the year. The benchmark did {bench}. That gap bothers me.",
                    ],
                }
            ),
        ),
        k.t(
            "C",
            [
                "And I'm paying {fee} a year for this. On {V}, that's {feedollars}.",
                "For {fee} a year, which is {feedollars} on {V}, I expect better.",
                "Meanwhile the fee is {fee}, about {feedollars} on a {V} account.",
            ],
        ),
        k.t(
            "A",
            [
                "You're right to raise it, and I'd rather hear it from you than not. Let me explain what drove "
                "the gap, and then let's talk about the fee.",
                "That's a fair concern. I won't make excuses. Let me walk you through it.",
                "I hear you, and I understand the frustration. Let me give you the honest picture.",
                "Thank you for being direct with me. Let me give you the full picture.",
            ],
        ),
    ]
    extras = [
        [
            k.t(
                "X",
                [
                    "Most of the gap comes from the bond and cash allocation. The benchmark is all stocks, and "
                    "your plan isn't, by design.",
                    "A big piece is the international allocation, which lagged the US market this year.",
                    "Your portfolio holds about a third in bonds for stability, while the benchmark shown on the "
                    "report is a stock index.",
                    "Part of it is that the benchmark on the report doesn't reflect your mix of stocks and bonds.",
                ],
            ),
            k.t(
                "C",
                [
                    "Then why is that the benchmark on my report?",
                    "Nobody ever explained that to me.",
                    "That may be true, but it's still a big gap.",
                    "I still expected better.",
                ],
            ),
            k.t(
                "X",
                [
                    "That's a fair point. A blended benchmark would be a more honest comparison, and we should "
                    "show you one.",
                    "It should have been explained. That's on us.",
                    "You're right, and we should fix the report so the comparison is fair.",
                    "Agreed. The report should compare you against your actual mix.",
                ],
            ),
        ]
    ]
    requests = [
        k.point(
            "A full breakdown of all fees paid last year",
            [
                k.t(
                    "C",
                    [
                        "I want to see every fee I paid last year, fund expenses included.",
                        "Send me a full breakdown of every fee. All of them.",
                        "I'd like all of last year's fees in one place, including fund expenses.",
                    ],
                )
            ],
        ),
        k.point(
            "A review of the advisory fee of {fee}",
            [
                k.t(
                    "C",
                    [
                        "And I'd like the {fee} fee reviewed. At this size it should be lower.",
                        "I also want someone to look at whether {fee} is fair for an account this size.",
                    ],
                )
            ],
        ),
    ]
    decisions = [
        k.point(
            "Open a formal review of the {fee} fee",
            [
                k.t(
                    "X",
                    [
                        "Nobody can change the fee on the spot, but we'll open a formal review of the {fee} fee today.",
                        "The right step is a formal fee review. Your {fee} fee goes in for review this week.",
                        "Let's put the {fee} fee through a formal review, so you get a proper answer in writing.",
                    ],
                ),
                k.agree(["Please do.", "Good. I'll expect an answer.", "Fine. Let's see what comes back."]),
            ],
        ),
        k.point(
            "Add a blended benchmark to future reports",
            [
                k.t(
                    "A",
                    [
                        "And from now on your reports will show a blended benchmark that matches your allocation.",
                        "We'll also add a blended benchmark to your reports, so the comparison is fair.",
                        "Your reports will also get a blended benchmark from now on.",
                        "Going forward, the report will compare you to a blended benchmark.",
                    ],
                )
            ],
        ),
    ]
    actions = [
        k.act("A", "send a full breakdown of last year's fees", k.due("d1", 2, 5)),
        k.act("S", "respond to the fee review request", k.due("d2", 8, 14)),
        k.act("A", "add a blended benchmark to the quarterly report", k.due("d3", 10, 25)),
    ]
    return Plan(
        "fee_performance_complaint",
        "the fee and performance concerns",
        situation,
        intro,
        requests,
        decisions,
        actions,
        "discuss the outcome of the fee review",
        extras,
    )


def alternatives(k: Kit) -> Plan:
    """Private equity, private credit, real estate and similar funds."""
    fund, kind, minimum, years = k.pick(
        [
            ("Naxt Private Equity Partners IV", "private equity", 250_000, 10),
            ("Naxt Private Credit Income Fund", "private credit", 100_000, 4),
            ("Naxt Real Estate Opportunities Fund II", "real estate", 150_000, 7),
            ("Naxt Infrastructure Partners", "infrastructure", 200_000, 8),
            ("Naxt Venture Access Fund III", "venture capital", 250_000, 10),
        ]
    )
    cap = k.pick([10, 15, 20])
    k.v.update(
        fund=fund,
        kind=kind,
        minimum=money(minimum),
        years=years,
        cap=cap,
        commit=money(minimum * k.pick([1, 2, 3])),
    )
    situation = k.fill("Interested in {kind}; the {fund} has a {minimum} minimum and a {years}-year term.")
    intro = [
        k.t(
            "C",
            [
                "My golf partner keeps talking about {kind}. Should I have some?",
                "I read that the big endowments have a lot in {kind}. Why don't we?",
                "I'd like to hear about {kind}. Is that something Naxt offers?",
            ],
        ),
        k.t(
            "X",
            [
                "We do. The one available right now is the {fund}. The minimum is {minimum}, and your money is "
                "committed for about {years} years.",
                "There is an offering open: the {fund}, {minimum} minimum, roughly a {years}-year life.",
                "The current option is the {fund}. It takes {minimum} at minimum and runs about {years} years.",
            ],
        ),
    ]
    extras = [
        [
            k.t(
                "C",
                [
                    "{years} years is a long time. What if I need the money?",
                    "So it's not like a mutual fund I can sell any day?",
                    "Can I get out early if something comes up?",
                ],
            ),
            k.t(
                "X",
                [
                    "It's illiquid, so you should only commit money you won't need for the full term.",
                    "That's the key trade-off: capital is called over a few years, returned later, and can't be redeemed on demand.",
                    "Not easily. Plan as if the money is locked up for the full term.",
                    "Early exits are rare and usually at a discount, so treat it as long-term money.",
                ],
            ),
        ],
        [
            k.t(
                "X",
                [
                    "There's also eligibility. These funds are limited to qualified investors, so we'll need "
                    "some paperwork from you.",
                    "You'll need to confirm you meet the investor eligibility rules before subscribing.",
                    "Also, there are investor eligibility requirements, so there's a short questionnaire.",
                    "We'll need to document that you qualify as an eligible investor.",
                ],
            ),
            k.t(
                "C",
                ["Understood.", "That shouldn't be a problem.", "Send me whatever you need.", "Fine, send it along."],
            ),
        ],
    ]
    requests = [
        k.point(
            "Details on capital calls and liquidity for the {fund}",
            [
                k.t(
                    "C",
                    [
                        "Before I decide, I want the schedule of capital calls and when money comes back.",
                        "Can you send me how the capital calls work and the liquidity terms?",
                        "I'd like to understand when the money gets called and when it comes back.",
                    ],
                )
            ],
        ),
        k.point(
            "Keep alternatives below {cap}% of the {V} portfolio",
            [
                k.t(
                    "C",
                    [
                        "And let's agree alternatives never go above {cap}% of the {V} total.",
                        "I don't want more than {cap}% of the {V} in anything I can't sell.",
                    ],
                )
            ],
        ),
    ]
    decisions = [
        k.point(
            "Commit {commit} to the {fund}, subject to reviewing the documents",
            [
                k.t(
                    "C",
                    [
                        "Let's plan on {commit}, assuming the documents don't surprise me.",
                        "Put me down for {commit}, subject to reading the fine print.",
                    ],
                ),
                k.t(
                    "A",
                    [
                        "Understood. {commit} it is, pending your review.",
                        "Noted, {commit} pending review.",
                        "Good. I'll note {commit}, subject to your review of the documents.",
                    ],
                ),
            ],
        )
    ]
    actions = [
        k.act("S", "send the offering memorandum and subscription documents", k.due("d1", 2, 6)),
        k.act("C", "return the investor eligibility questionnaire", k.due("d2", 8, 14)),
        k.act("A", "confirm the subscription deadline", k.due("d3", 3, 7)),
    ]
    return Plan(
        "alternative_investments",
        "alternatives",
        situation,
        intro,
        requests,
        decisions,
        actions,
        "go through the offering documents",
        extras,
    )


def cash_management(k: Kit) -> Plan:
    """Idle cash, reserves and short-term yield."""
    cash = k.amount(400_000, 3.5e6, 10_000)
    reserve = round_to(cash * k.pick([0.15, 0.2, 0.25]), 10_000)
    k.v.update(
        cash=money(cash),
        reserve=money(reserve),
        ladder=money(round_to(cash - reserve, 10_000)),
        bank=k.pick(["a local bank", "their old bank", "a checking account at a regional bank"]),
    )
    situation = k.fill("About {cash} sits in checking at {bank} earning almost nothing.")
    intro = [
        k.t(
            "A",
            [
                "Looking at your linked accounts, there's about {cash} sitting in checking at {bank}.",
                "I noticed the checking balance at {bank} has grown to around {cash}.",
                "Can I flag something? You have roughly {cash} in checking at {bank}.",
            ],
        ),
        k.t(
            "C",
            k.by_mood(
                {
                    "neutral": [
                        "I know, I know. It's been on my to-do list for months.",
                        "Yes, it just builds up. I never know where to put it.",
                        "You're right. I keep meaning to deal with it.",
                        "I know. It piles up from the dividends.",
                    ],
                    "positive": ["Guilty as charged.", "Ha, I was hoping you wouldn't notice.", "I know, I know."],
                    "concerned": [
                        "I keep it there because I'm nervous about the markets, frankly.",
                        "After last year I didn't want to invest it, so it just sat there.",
                        "Honestly, the markets scare me right now.",
                    ],
                }
            ),
        ),
    ]
    extras = [
        [
            k.t(
                "X",
                [
                    "There are safe options that don't involve the stock market at all: Treasury bills, a money "
                    "market fund, or a ladder of both.",
                    "We can keep it very safe and still earn more. Short Treasury bills mature every few weeks.",
                    "You could earn a lot more without touching stocks: a money market fund or Treasury bills, for example.",
                    "The low-risk menu is short: money market funds, Treasury bills, maybe a short CD ladder.",
                ],
            ),
            k.t(
                "C",
                [
                    "But I need to be able to get to some of it quickly.",
                    "As long as I can reach it if the roof falls in.",
                    "I just need some of it on hand in case of emergencies.",
                    "The only rule is that some has to stay easy to reach.",
                ],
            ),
        ]
    ]
    requests = [
        k.point(
            "Keep {reserve} available at short notice",
            [
                k.t(
                    "C",
                    [
                        "I want {reserve} I can reach within a day or two, no matter what.",
                        "Keep {reserve} liquid, please. That's my emergency money.",
                    ],
                )
            ],
        ),
        k.point(
            "Earn more on the rest without stock market risk",
            [
                k.t(
                    "C",
                    [
                        "The rest can work harder, but no stocks.",
                        "Whatever is left should earn something, just not in equities.",
                        "I'd like the rest to earn more, as long as it's not in stocks.",
                        "Put the remainder somewhere that earns a decent yield without equity risk.",
                    ],
                )
            ],
        ),
    ]
    decisions = [
        k.point(
            "Move {ladder} into a Treasury bill ladder and keep {reserve} in a money market fund",
            [
                k.t(
                    "X",
                    [
                        "So: {reserve} goes to the money market fund, and {ladder} into a Treasury bill ladder.",
                        "We'll split it: {ladder} in a Treasury ladder, {reserve} in the money market fund.",
                    ],
                ),
                k.agree(
                    [
                        "That's simple enough. Let's do it.",
                        "Okay, I like that split.",
                        "Yes, go ahead.",
                        "Clear and simple. I like it.",
                    ]
                ),
            ],
        )
    ]
    actions = [
        k.act("C", "authorize the transfer from checking", k.due("d1", 2, 5)),
        k.act("S", "set up the Treasury bill ladder", k.due("d2", 5, 10)),
        k.act("A", "send a one-page summary of the cash plan", k.due("d3", 3, 7)),
    ]
    return Plan(
        "cash_management",
        "your cash",
        situation,
        intro,
        requests,
        decisions,
        actions,
        "check that the ladder is in place",
        extras,
    )


def lending(k: Kit) -> Plan:
    """Borrowing against the portfolio."""
    purpose = k.pick(
        [
            "a down payment on a lake house",
            "a bridge until the current house sells",
            "buying out a business partner",
            "a renovation of the family home",
            "a large estimated tax payment",
        ]
    )
    need = k.amount(300_000, 2.5e6, 50_000)
    k.v.update(
        purpose=purpose,
        need=money(need),
        line=money(round_to(need * 1.5, 50_000)),
    )
    k.due("needby", 20, 45)
    situation = k.fill("Needs about {need} for {purpose} by {needby_d} and prefers not to sell investments.")
    intro = [
        k.t(
            "C",
            [
                "I need about {need} for {purpose}, by {needby}. I really don't want to sell anything right now.",
                "Here's my situation: {purpose}. I need {need} by {needby}, and selling stock would trigger "
                "a tax bill.",
                "Quick one, hopefully. I need {need} by {needby} for {purpose}. What are my options?",
            ],
        ),
        k.t(
            "X",
            [
                "One option is a securities-based line of credit. You borrow against the {V} portfolio without "
                "selling it.",
                "You can borrow against the portfolio. With {V} in eligible assets, {need} is very manageable.",
                "A line of credit secured by your portfolio would do it, and nothing gets sold.",
                "A line of credit secured by the portfolio would get you the cash quickly.",
            ],
        ),
    ]
    extras = [
        [
            k.t(
                "C",
                [
                    "What's the catch?",
                    "What happens if the market drops while I owe the money?",
                    "There must be a downside. What is it?",
                    "What are the risks?",
                ],
            ),
            k.t(
                "X",
                [
                    "If the collateral falls too far, you may have to add cash or securities, or some holdings "
                    "could be sold. That's why we keep the draw well below the limit.",
                    "The main risk is a collateral call in a sharp decline. We manage that by borrowing "
                    "conservatively.",
                    "The catch is a collateral call. In a sharp drop you'd need to add assets or pay some down.",
                    "If markets fall sharply, we may ask you to post more collateral or reduce the loan.",
                ],
            ),
        ],
        [
            k.t(
                "C",
                [
                    "And the rate?",
                    "How is the interest rate set?",
                    "What would it cost me?",
                    "What about interest?",
                ],
            ),
            k.t(
                "X",
                [
                    "It's variable and depends on the line size. I'll include the current rate sheet.",
                    "It floats with short-term rates. The rate sheet will show your tier.",
                    "The rate is variable and tiered by size. The rate sheet spells it out.",
                    "It's variable, priced off a short-term benchmark, and larger lines get better pricing.",
                ],
            ),
        ],
    ]
    requests = [
        k.point(
            "Borrow {need} against the portfolio instead of selling",
            [
                k.t(
                    "C",
                    [
                        "So I'd like to borrow the {need} rather than sell.",
                        "Borrowing the {need} makes more sense to me than selling.",
                    ],
                )
            ],
        ),
        k.point(
            "Understand the collateral call risk in writing",
            [
                k.t(
                    "C",
                    [
                        "Put the collateral call rules in writing for me, please.",
                        "I want the margin-call risk explained on paper before I sign.",
                        "Please explain the collateral call rules in writing.",
                        "I'd like the risks written down before I commit.",
                    ],
                )
            ],
        ),
    ]
    decisions = [
        k.point(
            "Apply for a {line} line of credit and draw no more than {need}",
            [
                k.t(
                    "X",
                    [
                        "Let's apply for a {line} line and only draw the {need} you need.",
                        "I'd set the line at {line} and keep the draw at {need}, which leaves a cushion.",
                    ],
                ),
                k.agree(
                    ["Fine by me.", "That cushion sounds sensible.", "Okay, let's apply.", "Agreed, a buffer is smart."]
                ),
            ],
        )
    ]
    actions = [
        k.act("S", "send the credit application and rate sheet", k.due("d1", 1, 4)),
        k.act("C", "return the signed application and supporting documents", k.due("d2", 5, 10)),
        k.act("A", "confirm which accounts will serve as collateral", k.due("d3", 3, 8)),
    ]
    return Plan(
        "lending_against_portfolio",
        "the line of credit",
        situation,
        intro,
        requests,
        decisions,
        actions,
        "confirm the line is approved",
        extras,
    )
