"""Topic kits, part one: rebalancing, concentrated stock, tax-loss harvesting, estate, philanthropy, education."""

from __future__ import annotations

from .common import MONTHS, money, round_to
from .plan import Kit, Plan


def rebalancing(k: Kit) -> Plan:
    """Portfolio drift back to target."""
    value = float(k.v["V_num"])
    tgt = k.pick([50, 55, 60, 65, 70])
    cur = tgt + k.pick([7, 8, 9, 11, 12, 13])
    shift = round_to(value * (cur - tgt) / 100, 10_000)
    k.v.update(
        tgt=tgt,
        cur=cur,
        shift=money(shift),
        bonus=money(k.amount(60_000, 400_000, 5_000)),
        bonus_month=MONTHS[k.date.month % 12],
        weeks=k.pick(["three", "four", "six"]),
    )
    situation = k.fill("The {V} portfolio has drifted to {cur}% equities against a {tgt}% target.")
    if k.chance(0.5):
        intro = [
            k.t(
                "A",
                [
                    "The main thing I wanted to cover is your allocation. After this year's rally, stocks are "
                    "{cur}% of the portfolio, and the target we agreed on is {tgt}%.",
                    "I've been watching the drift in your accounts. Equities have climbed to {cur}% of the "
                    "total, against the {tgt}% we set in your plan.",
                    "So, the reason I reached out: your stock allocation has crept up to {cur}%, well above the "
                    "{tgt}% target in your investment policy statement.",
                ],
            ),
            k.t(
                "C",
                k.by_mood(
                    {
                        "neutral": [
                            "Okay. What does that mean in actual dollars?",
                            "I had a feeling. I haven't opened a statement since the summer.",
                            "Interesting. Give me the number in dollars.",
                            "Hmm. How big a difference is that in real money?",
                        ],
                        "positive": [
                            "Is that a problem? It sounds like things have been going well.",
                            "Well, I won't complain about stocks doing well. But go on.",
                            "Good problem to have, I'd say. What do you recommend?",
                        ],
                        "concerned": [
                            "{cur} percent is more than I'm comfortable with, to be honest.",
                            "That's higher than I would have guessed. How exposed are we?",
                            "That makes me a little uneasy.",
                            "I don't love hearing that.",
                        ],
                    }
                ),
            ),
            k.t(
                "A",
                [
                    "On a portfolio of {V}, that's about {shift} more in stocks than the plan calls for.",
                    "Across the whole {V}, we're roughly {shift} overweight in equities.",
                    "In dollar terms it's around {shift} of extra stock exposure on {V}.",
                ],
            ),
        ]
    else:
        intro = [
            k.t(
                "C",
                [
                    "I was looking at the quarterly statement, and we seem much heavier in stocks than we used to "
                    "be. The total is up to {V}. Is the mix still what we agreed?",
                    "Before anything else, I wanted to ask about stocks versus bonds. The statement says {V} "
                    "now, and my brother-in-law keeps telling me to rebalance.",
                    "I noticed the portfolio is at {V}. Are we still at the allocation we set up?",
                ],
            ),
            k.t(
                "A",
                [
                    "Good catch. Equities are {cur}% of the portfolio now, and your target is {tgt}%. That's "
                    "about {shift} more in stocks than the plan calls for.",
                    "Not quite. Stocks have grown to {cur}% against a {tgt}% target, so we're roughly {shift} "
                    "overweight.",
                    "You're right to ask. We're at {cur}% equities versus the {tgt}% in your plan, which works "
                    "out to around {shift} of extra stock.",
                ],
            ),
        ]
    extras = [
        [
            k.t(
                "A",
                [
                    "Before we decide anything, is there any big spending on the horizon I should know about?",
                    "Has anything changed at home? Any large expenses in the next year or two?",
                    "Quick check: are you expecting to pull money out of the portfolio anytime soon?",
                    "Do you see any large withdrawals coming, a house, a boat, a wedding?",
                ],
            ),
            k.t(
                "C",
                [
                    "Not really. We're pricing out a kitchen remodel, but that would come from savings.",
                    "Nothing beyond the usual. Our daughter's wedding is next fall, but that's already set aside.",
                    "No withdrawals planned. If anything, I'll be adding money this year.",
                    "Not that I know of. The roof is done, the cars are paid off.",
                ],
            ),
        ],
        [
            k.t(
                "X",
                [
                    "The cleanest route is to do most of the selling inside the IRA. Trades there don't create a "
                    "tax bill, so we can reset the mix without touching your taxable gains.",
                    "My suggestion is to sell inside the IRA first. No capital gains there, and it gets us most of "
                    "the way back to target.",
                    "We have two levers: sell in the IRA, where there's no tax cost, or direct new cash into "
                    "bonds. Usually a mix of both works best.",
                    "I'd start in the IRA, because selling there costs you nothing in taxes this year.",
                ],
            ),
            k.t(
                "C",
                [
                    "And the bond side would be the same ladder we already own?",
                    "So nothing in the joint account gets sold?",
                    "That sounds sensible. What would we buy with the proceeds?",
                    "Would the money just sit in cash after the sale?",
                    "And the taxable account stays as it is?",
                ],
            ),
            k.t(
                "X",
                [
                    "The sale proceeds go straight into the Treasury ladder you already own, and the taxable account isn't touched.",
                    "We'd move the proceeds into the core bond fund the same day. The joint account stays exactly as it is.",
                    "Everything we sell is reinvested in high-quality bonds right away, and nothing in the taxable account changes.",
                    "Proceeds are reinvested in the intermediate bond ladder on the same day; the taxable account stays as it is.",
                ],
            ),
        ],
    ]
    options = [
        (
            "bonus",
            k.point(
                "Put the {bonus} bonus expected in {bonus_month} into bonds before selling stock",
                [
                    k.t(
                        "C",
                        [
                            "My {bonus_month} bonus should be around {bonus}. Could we use that for the bond side "
                            "before we sell anything?",
                            "I'd rather not sell winners if I can help it. There's a {bonus} bonus coming in "
                            "{bonus_month}. Can that go into bonds first?",
                            "What if my bonus covers part of it? It's {bonus}, paid in {bonus_month}, and I'd "
                            "like it to go to bonds before we sell stock.",
                        ],
                    )
                ],
            ),
        ),
        (
            "tax",
            k.point(
                "See the estimated tax impact before any trades",
                [
                    k.t(
                        "C",
                        [
                            "Whatever we do, I want to see the tax cost before you place a single trade.",
                            "Can you show me the tax bill on paper first? Last time I got a surprise in April.",
                            "Please put the tax impact in writing before anything is sold.",
                            "I'd like a written estimate of the tax before anything happens.",
                        ],
                    )
                ],
            ),
        ),
        (
            "gradual",
            k.point(
                "Spread the rebalancing over several weeks rather than one day",
                [
                    k.t(
                        "C",
                        [
                            "I'd feel better doing this gradually instead of all in one go.",
                            "Can we ease into it? Selling a big chunk on one day makes me nervous.",
                            "I'd prefer to phase it in over a few weeks if that's possible.",
                            "Could it be done in stages?",
                        ],
                    )
                ],
            ),
        ),
    ]
    chosen = k.rng.sample(options, k.pick([1, 2, 2]))
    keys = {key for key, _ in chosen}
    requests = [p for _, p in chosen]
    decisions = [
        k.point(
            "Rebalance to {tgt}% equities over {weeks} weeks, starting in the IRA",
            [
                k.t(
                    "A",
                    [
                        "Then here's the plan: we bring you back to {tgt}% over the next {weeks} weeks, "
                        "starting with the IRA.",
                        "Let's aim to be back at {tgt}% within {weeks} weeks, with the IRA trades first.",
                        "So we'll get back to the {tgt}% target over {weeks} weeks, beginning in the IRA.",
                    ],
                ),
                k.agree(
                    [
                        "Good. {weeks} weeks feels reasonable to me.",
                        "Agreed, the IRA first and then we see where we are.",
                        "That works. Let's do it that way.",
                        "Sounds like a plan. Let's start with the IRA.",
                    ],
                ),
            ],
        )
    ]
    if "bonus" in keys:
        decisions.append(
            k.point(
                "Use the {bonus} bonus for bonds",
                [
                    k.t(
                        "A",
                        [
                            "And yes, the {bonus} bonus can go straight into bonds when it lands.",
                            "Using the {bonus} bonus for bonds is a good idea. It means less selling.",
                        ],
                    )
                ],
            )
        )
    actions = [
        k.act("A", "send a trade proposal with the estimated tax impact", k.due("d1", 3, 6)),
        k.act("A", "place the first round of IRA trades", k.due("d2", 9, 14)),
    ]
    if "bonus" in keys:
        actions.insert(1, k.act("C", "confirm the bonus amount and payment date", k.due("d3", 5, 10)))
    return Plan(
        "rebalancing",
        "your allocation",
        situation,
        intro,
        requests,
        decisions,
        actions,
        "review the trade proposal",
        extras,
    )


def concentrated_stock(k: Kit) -> Plan:
    """Employer stock concentration with a lockup, or the sale of a private business."""
    if k.chance(0.5):
        company = k.pick(
            [
                "Tallgrass Robotics",
                "Corvane Therapeutics",
                "Helix Ridge Software",
                "Kestrel Avionics",
                "Pinecrest Semiconductor",
                "Bluestem Payments",
                "Saltmarsh Analytics",
                "Lumora Health",
            ]
        )
        value = k.amount(2.5e6, 14e6, 0.1e6)
        share = k.pick([35, 40, 45, 55, 60])
        k.v.update(co=company, pos=money(value), share=share, sell=k.pick([20, 25, 30]))
        k.due("lock", 20, 70)
        situation = k.fill("{pos} of {co} stock, about {share}% of net worth, with the lockup ending {lock_d}.")
        intro = [
            k.t(
                "C",
                [
                    "So the lockup on my {co} shares ends {lock}, and I've been losing sleep over it. The "
                    "position is worth about {pos} at today's price.",
                    "You know the {co} lockup comes off {lock}. I have roughly {pos} in that one stock and "
                    "I honestly don't know what to do with it.",
                    "The big item for me is {co}. Lockup expires {lock}, and my shares are worth around {pos}.",
                ],
            ),
            k.t(
                "A",
                [
                    "That's a big milestone. By my numbers, that stock is about {share}% of your net worth.",
                    "Right, and with {pos} in one name, it's about {share}% of everything you own.",
                    "Understood. It's roughly {share}% of your net worth, which is the part that worries me.",
                ],
            ),
        ]
        extras = [
            [
                k.t(
                    "C",
                    [
                        "Part of me wants to hold. I know the company, I know the product.",
                        "My colleagues are all holding. Selling feels a bit disloyal.",
                        "The stock has doubled since the IPO. What if it doubles again?",
                        "Selling feels like betting against my own team.",
                    ],
                ),
                k.t(
                    "X",
                    [
                        "That's a very common feeling. But your salary, your bonus and {share}% of your wealth "
                        "all depend on one company. A staged plan lets you keep a meaningful stake and still "
                        "sleep at night.",
                        "I understand. The point isn't to bet against {co}; it's to make sure one bad quarter can't "
                        "change your retirement.",
                        "Whatever the price does, what we can control is how much of your future rides on it.",
                        "I understand. We're not selling everything, just enough so one stock can't decide your future.",
                    ],
                ),
            ],
            [
                k.t(
                    "X",
                    [
                        "Because you're an insider, any sales would run through a pre-arranged trading plan, "
                        "and legal at {co} will need to sign off on it.",
                        "As an employee you'd set up a pre-scheduled trading plan with the company's approval, "
                        "so the timing is fixed in advance.",
                        "One practical point: company insiders usually sell through a written trading plan that legal has approved in advance.",
                        "Since you're an officer, we'll need a pre-approved selling plan with fixed dates and amounts.",
                    ],
                ),
                k.t(
                    "C",
                    [
                        "I didn't realize it had to be approved. How long does that usually take?",
                        "Okay, I'll need to check with our legal team then.",
                        "Makes sense. I'll ask the general counsel's office.",
                        "I had no idea. I'll find out who handles that internally.",
                    ],
                ),
            ],
        ]
        requests = [
            k.point(
                "A plan to diversify without a large tax bill in one year",
                [
                    k.t(
                        "C",
                        [
                            "What I want is a way to reduce the position without handing half of it to the IRS "
                            "in a single year.",
                            "Can you build me a plan that diversifies but doesn't create one enormous tax bill?",
                            "I'd like a diversification plan that spreads the taxes out over more than one year.",
                            "Ideally I'd diversify over two or three tax years.",
                        ],
                    )
                ],
            )
        ]
        if k.chance(0.5):
            requests.append(
                k.point(
                    "Information on protecting the position before the lockup ends",
                    [
                        k.t(
                            "C",
                            [
                                "Is there any way to protect the value between now and {lock}?",
                                "And if the stock drops before {lock}? Can we hedge that somehow?",
                            ],
                        ),
                        k.t(
                            "X",
                            [
                                "There are hedging strategies, but many are restricted for insiders. I'll check "
                                "what your company policy allows.",
                                "Possibly. It depends on the company's hedging policy, which I'll review.",
                                "Maybe. Insiders often face limits on hedging, so I'll read the policy first.",
                                "It depends on the company's rules. Some firms prohibit hedging entirely for employees.",
                            ],
                        ),
                    ],
                )
            )
        decisions = [
            k.point(
                "Sell {sell}% of the shares each quarter under a pre-arranged trading plan",
                [
                    k.t(
                        "A",
                        [
                            "So we'll sell about {sell}% of the shares each quarter under a pre-arranged plan.",
                            "The proposal is to sell {sell}% per quarter through a scheduled trading plan.",
                        ],
                    ),
                    k.t(
                        "C",
                        [
                            "{sell} percent a quarter. Yes, I can live with that.",
                            "Fine, {sell}% a quarter. That still leaves me plenty of {co} exposure.",
                            "I'm okay with {sell}% per quarter, as long as we can pause it if something changes.",
                            "Okay. Let's do {sell}% a quarter and revisit after the first year.",
                        ],
                    ),
                ],
            )
        ]
        actions = [
            k.act("C", "send the lockup agreement and the company's trading policy", k.due("d1", 2, 5)),
            k.act("S", "model the capital gains tax for this year and next", k.due("d2", 6, 12)),
            k.act("A", "draft the quarterly selling schedule", k.due("d3", 8, 14)),
        ]
        label = "the lockup"
    else:
        business = k.pick(
            [
                "a regional HVAC contracting business",
                "a chain of four veterinary clinics",
                "a commercial printing firm",
                "a specialty coffee roaster",
                "a freight brokerage",
                "an industrial cleaning company",
                "a landscaping and snow removal business",
                "a medical billing company",
            ]
        )
        proceeds = k.amount(4e6, 22e6, 0.1e6)
        k.v.update(biz=business, proceeds=money(proceeds), tbill=money(round_to(proceeds * 0.9, 100_000)))
        k.due("close", 25, 60)
        situation = k.fill("Sale of {biz} closes {close_d}, with about {proceeds} in net proceeds expected.")
        intro = [
            k.t(
                "C",
                [
                    "Well, it's official. We signed the purchase agreement for {biz}, and closing is set for {close}.",
                    "The big news: the sale of {biz} goes through on {close}.",
                    "I wanted to tell you in person. We're selling {biz}, and closing is {close}.",
                ],
            ),
            k.t(
                "A",
                [
                    "Congratulations. That's years of work. Do you have a sense of the net number yet?",
                    "That's wonderful news. What are the proceeds looking like after fees?",
                    "Congratulations, truly. What does the net figure look like?",
                    "What a milestone. Have the bankers given you a net figure?",
                ],
            ),
            k.t(
                "C",
                [
                    "After the lawyers and the bankers, about {proceeds} lands in my account.",
                    "The broker estimates {proceeds} net, give or take.",
                    "Roughly {proceeds}, assuming the working capital adjustment goes our way.",
                ],
            ),
        ]
        extras = [
            [
                k.t(
                    "C",
                    [
                        "It's a strange feeling. I've gone to that office every day for twenty years.",
                        "My {p_word} keeps asking what I'm going to do with my mornings now.",
                        "I keep checking my email for customer complaints that aren't mine anymore.",
                        "Part of me is thrilled, part of me feels lost.",
                    ],
                ),
                k.t(
                    "A",
                    [
                        "That's normal. A lot of owners tell me the first six months are the hardest part.",
                        "Give yourself time. There's no rush to make every decision in the first month.",
                        "Completely understandable. Let's keep the first few months simple and unhurried.",
                        "That's part of the transition. We'll keep things simple while you adjust.",
                    ],
                ),
            ],
        ]
        requests = [
            k.point(
                "A safe place to hold the proceeds until a long-term plan is agreed",
                [
                    k.t(
                        "C",
                        [
                            "Where do we put the money on day one? I don't want it sitting in checking.",
                            "I need somewhere safe to park it while we figure out the long-term plan.",
                            "What I don't want is to rush into the market. Can we keep it safe while we think?",
                            "Step one is keeping it safe. Where should it go first?",
                        ],
                    )
                ],
            )
        ]
        decisions = [
            k.point(
                "Hold {tbill} of the proceeds in Treasury bills until the plan is set",
                [
                    k.t(
                        "X",
                        [
                            "I'd put {tbill} into short Treasury bills right after closing and keep the rest in "
                            "cash for the tax payments.",
                            "My suggestion is {tbill} in Treasury bills on day one, with the balance kept liquid.",
                        ],
                    ),
                    k.t(
                        "C",
                        [
                            "Treasury bills for {tbill}. That's fine with me.",
                            "Good. Let's do that and take a breath.",
                            "Fine. I'd rather be boring for a few months.",
                            "Yes, safe and simple for now.",
                        ],
                    ),
                ],
            )
        ]
        actions = [
            k.act("C", "send the purchase agreement and the closing statement", k.due("d1", 3, 7)),
            k.act("S", "estimate the tax due on the sale", k.due("d2", 8, 14)),
            k.act("A", "open the account to receive the wire", k.due("d3", 4, 9)),
        ]
        label = "the sale"
    return Plan(
        "concentrated_stock_liquidity",
        label,
        situation,
        intro,
        requests,
        decisions,
        actions,
        "go through the tax estimate",
        extras,
    )


def tax_loss_harvesting(k: Kit) -> Plan:
    """Harvesting losses against realized gains."""
    fund = k.pick(
        [
            "international small-cap fund",
            "emerging markets index fund",
            "regional bank stock",
            "clean energy fund",
            "biotech sector fund",
            "real estate investment trust fund",
        ]
    )
    k.v.update(
        gains=money(k.amount(120_000, 900_000, 5_000)),
        losses=money(k.amount(40_000, 260_000, 1_000)),
        fund=fund,
        acct=k.v["acct"],
    )
    situation = k.fill("{gains} of realized gains this year and about {losses} of unrealized losses in the {fund}.")
    intro = [
        k.t(
            "A",
            [
                "It's that time of year when I go through every taxable account. In the account ending {acct} "
                "you've realized about {gains} of gains so far.",
                "I ran the year-to-date numbers on the account ending {acct}. Realized gains are at {gains}.",
                "Something worth doing before year-end: you have {gains} of realized gains in the account "
                "ending {acct}.",
            ],
        ),
        k.t(
            "C",
            k.by_mood(
                {
                    "neutral": [
                        "That's mostly from the tech shares we sold in spring, I assume.",
                        "Right, the spring trades. What can we do about it?",
                        "Most of that was the real estate fund we sold, I suppose.",
                        "I remember, the stock sale in March. What are our options?",
                    ],
                    "positive": [
                        "Gains are a nice problem to have, I suppose.",
                        "Well, better gains than losses.",
                        "I'll take it. What do you suggest?",
                    ],
                    "concerned": [
                        "That's going to hurt at tax time, isn't it?",
                        "Ugh. My accountant will not be happy.",
                        "I was afraid you'd say that.",
                        "That number makes me wince.",
                    ],
                }
            ),
        ),
        k.t(
            "A",
            [
                "The good news is the {fund} is sitting on about {losses} of losses we can use to offset them.",
                "Here's the opportunity: the {fund} is down about {losses}, and that loss can offset gains.",
                "We can soften it. The {fund} has roughly {losses} of unrealized losses.",
            ],
        ),
    ]
    extras = [
        [
            k.t(
                "C",
                [
                    "But I still believe in that holding. I don't want to be out of the market.",
                    "If we sell it, don't we miss the rebound?",
                    "I like that fund long term, though.",
                    "Selling at a loss feels like admitting defeat.",
                ],
            ),
            k.t(
                "X",
                [
                    "You wouldn't be out. We'd buy a similar but not identical fund the same day, so your "
                    "exposure barely changes.",
                    "We'd swap into a comparable fund straight away. The exposure stays, the loss gets booked.",
                    "Think of it as trading one fund for a close cousin. You keep the market exposure and bank the loss.",
                    "Nothing changes about your long-term view. We swap into a close substitute and you keep the same exposure.",
                ],
            ),
        ],
        [
            k.t(
                "X",
                [
                    "The one rule to respect is the wash-sale rule: no buying back the same fund within 30 days, "
                    "and that includes your spouse's accounts and the IRAs.",
                    "Just so you know, for 30 days neither you nor your spouse can buy the same fund in any "
                    "account, including retirement accounts.",
                    "Watch the 30-day window: buying the same fund back in any household account, IRAs included, cancels the loss.",
                    "There's a 30-day rule. If you or your spouse repurchase the same fund anywhere, the loss is disallowed.",
                ],
            ),
            k.t(
                "C",
                [
                    "Good to know. {p_first} has automatic purchases in {p_pos} IRA, so let's check those.",
                    "So I should pause any automatic investments for a month?",
                    "Does that include the dividend reinvestment in my old 401(k)?",
                    "I'd better tell my bookkeeper not to buy anything then.",
                ],
            ),
        ],
    ]
    requests = [
        k.point(
            "Harvest losses before year-end while keeping market exposure",
            [
                k.t(
                    "C",
                    [
                        "If we can book the loss and stay invested, I'm all for it.",
                        "Let's harvest what we can, as long as I'm not sitting in cash.",
                        "Please go ahead and use the losses, but keep me invested.",
                        "Let's use the losses, but I don't want to be on the sidelines for a month.",
                    ],
                )
            ],
        )
    ]
    if k.chance(0.6):
        requests.append(
            k.point(
                "Check household accounts for wash-sale conflicts",
                [
                    k.t(
                        "C",
                        [
                            "Can you check our other accounts so we don't trip over that 30-day rule?",
                            "Would you look at every account in the household for conflicts first?",
                            "Please make sure the other family accounts don't trigger that rule.",
                        ],
                    )
                ],
            )
        )
    decisions = [
        k.point(
            "Sell the {fund} and buy a comparable fund the same day",
            [
                k.t(
                    "A",
                    [
                        "So the plan is to sell the {fund} and buy a comparable fund the same day.",
                        "We'll sell the {fund} and immediately reinvest in a similar fund.",
                    ],
                ),
                k.agree(
                    [
                        "Yes. Go ahead with that.",
                        "Agreed. Let's do the swap.",
                        "Makes sense. Do it.",
                        "Sounds good. Go ahead.",
                    ]
                ),
            ],
        )
    ]
    actions = [
        k.act("A", "send the list of tax lots to sell", k.due("d1", 2, 5)),
        k.act("A", "execute the fund swap", k.due("d2", 6, 10)),
        k.act("C", "forward the trade summary to the family accountant", k.due("d3", 12, 18)),
    ]
    return Plan(
        "tax_loss_harvesting",
        "tax-loss harvesting",
        situation,
        intro,
        requests,
        decisions,
        actions,
        "confirm the trades and the year-end tax picture",
        extras,
    )


def estate_planning(k: Kit) -> Plan:
    """Wills, trusts, beneficiaries."""
    trigger = k.pick(
        [
            "the birth of a first grandchild",
            "a move to a new state",
            "the sale of the family vacation home",
            "a recent health scare",
            "a child's wedding",
        ]
    )
    k.v.update(
        trigger=trigger,
        estate=money(k.amount(6e6, 40e6, 0.5e6)),
        will_year=k.pick(["2009", "2011", "2013", "2015"]),
        attorney=k.pick(["Ruth Abernathy", "Leon Marchbanks", "Gloria Ismail", "Stuart Penhallow"]),
    )
    situation = k.fill("After {trigger}, the estate of about {estate} is governed by a will from {will_year}.")
    intro = [
        k.t(
            "C",
            [
                "With {trigger}, I realized our will is from {will_year}. That feels like a lifetime ago.",
                "Since {trigger}, I keep thinking about our estate documents. They're from {will_year}.",
                "We need to talk about the estate plan. After {trigger}, a will from {will_year} seems very "
                "out of date.",
            ],
        ),
        k.t(
            "A",
            [
                "I'm glad you raised it. The last balance sheet I have shows the estate at about {estate}.",
                "Good instinct. With an estate of roughly {estate}, the structure matters a great deal.",
                "That's worth revisiting. Your total estate is around {estate} by my numbers.",
            ],
        ),
    ]
    extras = [
        [
            k.t(
                "X",
                [
                    "One thing I'd recommend you discuss with your attorney is a revocable living trust. It keeps "
                    "things private and can make the transition much smoother for the family.",
                    "Many families in your position use a revocable trust. Your attorney would draft it, and we'd "
                    "help retitle the accounts.",
                    "A revocable trust is worth raising with your attorney. It avoids probate in most cases and keeps things private.",
                    "Your attorney may suggest a revocable trust. If so, we'll handle moving the accounts into it.",
                ],
            ),
            k.t(
                "C",
                [
                    "{attorney} mentioned a trust years ago, and we never got around to it.",
                    "We do have an attorney, {attorney}. I'll ask about the trust.",
                ],
            ),
        ],
        [
            k.t(
                "A",
                [
                    "Also, beneficiary designations override the will. Those are worth checking on every IRA "
                    "and insurance policy.",
                    "Don't forget the beneficiary forms. They pass outside the will entirely.",
                    "One more point: the beneficiary forms on retirement accounts win over whatever the will says.",
                    "Keep in mind that IRAs and insurance go to whoever is named on the form, whatever the will says.",
                ],
            ),
            k.t(
                "C",
                [
                    "I genuinely have no idea who is listed on my old IRA.",
                    "I think the old 401(k) still names my late mother. That needs fixing.",
                    "My ex might still be on one of them, now that I think of it.",
                    "I'm fairly sure nobody has looked at those forms in fifteen years.",
                ],
            ),
        ],
    ]
    requests = [
        k.point(
            "A joint meeting with the estate attorney, {attorney}",
            [
                k.t(
                    "C",
                    [
                        "Could we set up one meeting with you and our estate attorney, {attorney}, together?",
                        "I'd like our attorney, {attorney}, and you in the same room, so nothing falls through the cracks.",
                    ],
                )
            ],
        ),
        k.point(
            "A review of all beneficiary designations",
            [
                k.t(
                    "C",
                    [
                        "Can you pull every beneficiary designation you have on file for us?",
                        "Please send me a list of who's named on each account.",
                        "Could you send me the current beneficiaries for every account?",
                        "I'd like a printout of all the beneficiary designations.",
                    ],
                )
            ],
        ),
    ]
    decisions = [
        k.point(
            "Update beneficiary designations to reflect the current family",
            [
                k.t(
                    "A",
                    [
                        "Let's agree to update the beneficiary designations across the board.",
                        "We'll refresh the beneficiaries on every account so they match the new plan.",
                        "Then we'll update every beneficiary form so it reflects the family as it is today.",
                        "The beneficiary designations get updated on every account, agreed?",
                    ],
                ),
                k.agree(
                    [
                        "Yes, please.",
                        "Absolutely, that's overdue.",
                        "Agreed, let's fix them.",
                        "Absolutely, let's clean those up.",
                    ]
                ),
            ],
        )
    ]
    if k.chance(0.5):
        decisions.append(
            k.point(
                "Retitle the account ending {acct} to the trust once it is signed",
                [
                    k.t(
                        "X",
                        [
                            "Once the trust is signed, we'll retitle the account ending {acct} into it.",
                            "After signing, the account ending {acct} moves into the trust's name.",
                        ],
                    )
                ],
            )
        )
    actions = [
        k.act("A", "send the current beneficiary designations", k.due("d1", 2, 6)),
        k.act("C", "ask {attorney} for available meeting dates", k.due("d2", 4, 9)),
        k.act("S", "prepare the trust retitling checklist", k.due("d3", 10, 16)),
    ]
    return Plan(
        "estate_trust_planning",
        "the estate plan",
        situation,
        intro,
        requests,
        decisions,
        actions,
        "meet with the attorney",
        extras,
    )


def philanthropy(k: Kit) -> Plan:
    """Donor-advised fund and charitable giving."""
    stock = k.pick(["Meridel Foods", "Coppervale Instruments", "Greyhaven Materials", "Quarry Lane Brewing"])
    charity = k.pick(
        [
            "Riverside Literacy Project",
            "Harbor Lights Food Bank",
            "Cedar Hollow Animal Rescue",
            "Mountain Trails Conservancy",
            "Eastgate Community Music School",
            "Blue Heron Wetlands Trust",
            "Larkspur Hospice",
        ]
    )
    k.v.update(
        give=money(k.amount(150_000, 1.5e6, 25_000)),
        stock=stock,
        charity=charity,
        grant=money(k.amount(10_000, 60_000, 2_500)),
    )
    situation = k.fill("Plans to give about {give} this year and wants to use appreciated {stock} shares.")
    intro = [
        k.t(
            "C",
            [
                "We'd like to give more this year, about {give} in total. I was wondering whether there's a "
                "smarter way than writing checks.",
                "{p_first} and I talked about our giving. We want to give away roughly {give} this year.",
                "I want to get serious about charity. I'm thinking {give} this year.",
            ],
        ),
        k.t(
            "A",
            [
                "That's generous. Have you thought about giving shares instead of cash? Your {stock} position "
                "has big unrealized gains.",
                "Wonderful. One idea: donate some of the appreciated {stock} shares instead of cash.",
                "I love that. The most tax-efficient way is usually appreciated stock, and your {stock} shares "
                "are the obvious candidate.",
            ],
        ),
    ]
    extras = [
        [
            k.t(
                "X",
                [
                    "A donor-advised fund lets you contribute the shares now, take the deduction this year, and "
                    "then recommend grants to charities over time.",
                    "With a donor-advised fund, the shares go in this year and you decide on the charities at "
                    "your own pace.",
                    "Think of a donor-advised fund as a charitable account. You get the deduction when you fund it and grant later.",
                    "A donor-advised fund would let you donate the stock in one go and spread the grants over years.",
                ],
            ),
            k.t(
                "C",
                [
                    "So we don't have to pick every charity by December?",
                    "And the kids could be involved in choosing grants later?",
                    "Is there a deadline for giving the money out?",
                    "Can we still support the local causes we give to every year?",
                ],
            ),
            k.t(
                "X",
                [
                    "You can take years to decide, support local causes, and name your children as successors.",
                    "Many families use it to get the next generation involved, and there's no deadline to grant.",
                    "There's no fixed deadline, and grants can go to almost any registered charity, including your local ones.",
                    "You can keep granting for years. The family can be part of every decision.",
                ],
            ),
        ]
    ]
    requests = [
        k.point(
            "Open a donor-advised fund funded with {stock} shares",
            [
                k.t(
                    "C",
                    [
                        "Let's open one of those funds and put the {stock} shares in.",
                        "Please set up the donor-advised fund, and let's use the {stock} stock.",
                    ],
                )
            ],
        ),
        k.point(
            "Make a first grant of {grant} to {charity}",
            [
                k.t(
                    "C",
                    [
                        "And the first grant should be {grant} to {charity}. They've been close to our hearts.",
                        "I'd like {charity} to get {grant} as soon as the fund is open.",
                    ],
                )
            ],
        ),
    ]
    decisions = [
        k.point(
            "Open the donor-advised fund and transfer {stock} shares worth about {give}",
            [
                k.t(
                    "A",
                    [
                        "Then we'll open the fund and move {stock} shares worth about {give} into it.",
                        "Agreed: new donor-advised fund, funded with roughly {give} of {stock} stock.",
                    ],
                ),
                k.t(
                    "C",
                    [
                        "That feels right. Let's get it done before year-end.",
                        "Good. {p_first} will be thrilled.",
                        "Perfect, let's do that.",
                        "Lovely. Let's get it moving.",
                        "That's exactly what we wanted.",
                    ],
                ),
            ],
        )
    ]
    actions = [
        k.act("A", "send the donor-advised fund application", k.due("d1", 2, 5)),
        k.act("C", "choose successor advisors for the fund", k.due("d2", 7, 12)),
        k.act("S", "set up the share transfer and the first grant", k.due("d3", 12, 20)),
    ]
    return Plan(
        "philanthropy_daf",
        "your giving plans",
        situation,
        intro,
        requests,
        decisions,
        actions,
        "confirm the fund is open and the first grant is sent",
        extras,
    )


def education_funding(k: Kit) -> Plan:
    """Saving for children's or grandchildren's education."""
    kid = k.v["kid"]
    relation = k.pick(["granddaughter", "daughter"] if k.v["kid_gender"] == "f" else ["grandson", "son"])
    age = k.pick([2, 4, 6, 9, 11, 13])
    k.v.update(
        kpron="she" if relation in ("granddaughter", "daughter") else "he",
        rel=relation,
        age=age,
        saved=money(k.amount(20_000, 180_000, 1_000)),
        monthly=money(k.amount(1_000, 4_000, 250)),
        lump=money(k.amount(50_000, 150_000, 5_000)),
    )
    situation = k.fill("Wants to fund education for {rel} {kid}, age {age}, with {saved} saved so far.")
    intro = [
        k.t(
            "C",
            [
                "I want to make sure my {rel}, {kid}, can go to any school {kpron} wants. {kid} is {age} now, and we "
                "have {saved} put aside.",
                "It's about my {rel}, {kid}. {age} years old already, and the college fund only has {saved}.",
                "Education is the big one for us. My {rel} {kid} is {age}, and there's {saved} in the account.",
            ],
        ),
        k.t(
            "A",
            [
                "That's a good head start for a {age}-year-old. Let's talk about how much to add and when.",
                "{saved} is a solid base. The question is whether to add monthly or make one larger gift.",
                "With {kid} at {age}, time is on our side. Let's look at the options.",
                "At {age}, {kid} has plenty of runway, and {saved} is a good start.",
                "{saved} by age {age} is ahead of most families I work with.",
            ],
        ),
    ]
    extras = [
        [
            k.t(
                "X",
                [
                    "A 529 plan keeps the growth tax-free for qualified education costs, and some families "
                    "front-load several years of contributions at once.",
                    "You could front-load the 529 with a larger amount now. It has gift tax rules, so we'd "
                    "confirm the details with your accountant.",
                    "The usual tool is a 529 plan. Growth isn't taxed if it's spent on qualified education.",
                    "I'd keep using the 529. Withdrawals for tuition, housing and books are tax-free.",
                ],
            ),
            k.t(
                "C",
                [
                    "What happens if {kid} gets a scholarship or doesn't go to college?",
                    "Can the money be used for private high school too?",
                    "Is the money stuck if plans change?",
                    "What if {kid} wants to study abroad?",
                ],
            ),
            k.t(
                "X",
                [
                    "There's flexibility. You can change the beneficiary to another family member, and we'll "
                    "walk through the rules in writing.",
                    "There's more flexibility than people expect. I'll put the rules in writing so there are no surprises.",
                    "You have options, and I'll send a one-page summary of them so you can keep it with your papers.",
                    "Plans change all the time, so the account is flexible. I'll put the options in writing for you.",
                ],
            ),
        ]
    ]
    requests = [
        k.point(
            "Increase the monthly contribution to {monthly}",
            [
                k.t(
                    "C",
                    [
                        "I'd like to bump the monthly contribution to {monthly}.",
                        "Let's raise the monthly amount to {monthly}, starting soon.",
                    ],
                )
            ],
        )
    ]
    if k.chance(0.6):
        requests.append(
            k.point(
                "Consider a one-time gift of {lump} into the 529 plan",
                [
                    k.t(
                        "C",
                        [
                            "I also have {lump} I could put in at once, if that makes sense.",
                            "Would a single gift of {lump} be smarter than waiting?",
                        ],
                    )
                ],
            )
        )
    decisions = [
        k.point(
            "Raise the automatic monthly contribution to {monthly}",
            [
                k.t(
                    "A",
                    [
                        "Then we'll raise the automatic contribution to {monthly} a month.",
                        "Okay, {monthly} a month it is.",
                    ],
                )
            ],
        )
    ]
    actions = [
        k.act("A", "update the automatic contribution form", k.due("d1", 2, 6)),
        k.act("S", "send a projection of education costs for {kid}", k.due("d2", 7, 14)),
        k.act("C", "check the gift with the family accountant", k.due("d3", 10, 18)),
    ]
    return Plan(
        "education_funding",
        f"{kid}'s education",
        situation,
        intro,
        requests,
        decisions,
        actions,
        "review the education projection",
        extras,
    )
