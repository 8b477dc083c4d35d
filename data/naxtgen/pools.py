"""Phrasing pools for the parts of a conversation that are not topic-specific."""

from __future__ import annotations

CALL_OPEN_ADVISOR = [
    [
        (
            "A",
            [
                "Hi {c_first}, it's {a_first} from Naxt. Is this still a good time?",
                "Good morning, {c_first}. {a_first} here. Thanks for making time for me.",
                "Hello {c_first}, {a_first} calling from the {office} office. Have you got twenty minutes?",
                "{c_first}, hi, it's {a_first}. I hope I'm not catching you in the middle of something.",
                "Hi {c_first}. {a_first} here, calling as promised.",
                "Good afternoon, {c_first}, it's {a_first} at Naxt. Do you have a few minutes?",
                "Hi there, {c_first}. It's {a_first} {a_last}. Is now still okay?",
            ],
        ),
        (
            "C",
            [
                "Hi {a_first}. Yes, perfect timing, I just got back from a walk.",
                "Hello {a_first}. Yes, go ahead, I'm at my desk.",
                "{a_first}, hi. I have about half an hour before my next call.",
                "Sure, this is fine. I'm in the car, but I'm parked.",
                "Hi. Yes, good time. Let me just close the door.",
                "Of course. I was expecting your call, {a_first}.",
                "Hi {a_first}, yes, now works. The house is finally quiet.",
                "Yes, hello. Sorry, I was just finishing lunch.",
                "Absolutely. I blocked the time off this morning.",
                "Hi {a_first}. Give me one second to find my glasses. Okay, go ahead.",
                "Now is great. I'm out on the porch with a coffee.",
                "Not at all. I've got the statement in front of me.",
            ],
        ),
    ],
    [
        (
            "A",
            [
                "{c_first}? It's {a_first}. Thanks for picking up.",
                "Hi {c_first}, {a_first} here from Naxt. Did I catch you at an okay moment?",
                "Morning, {c_first}. It's {a_first}. Is it still all right to talk?",
            ],
        ),
        (
            "C",
            [
                "You did. Go ahead, {a_first}.",
                "It's fine. I was hoping to hear from you this week.",
                "All good. I just dropped the kids at school.",
                "Perfect timing, actually. I have a few questions for you too.",
                "Yes, go ahead. I have the laptop open.",
            ],
        ),
    ],
]
CALL_OPEN_CLIENT = [
    [
        (
            "A",
            [
                "Naxt, {a_full} speaking.",
                "{a_first} {a_last} speaking.",
                "This is {a_first}. Oh, hi {c_first}!",
                "Hi {c_first}, I saw your name come up. How are you?",
            ],
        ),
        (
            "C",
            [
                "Hi {a_first}, it's {c_first} {c_last}. Do you have a minute?",
                "{a_first}, good, I caught you. It's {c_first}.",
                "Hi, it's {c_first}. Sorry to call out of the blue.",
                "Hello {a_first}. It's {c_first} {c_last}. Is this a bad time?",
                "Hi {a_first}, {c_first} here. I hoped I'd catch you before your meetings start.",
                "It's {c_first}. Do you have a few minutes for me?",
            ],
        ),
        (
            "A",
            [
                "Of course, {c_first}. Always. What's on your mind?",
                "Not at all. I'm glad you called, {c_first}.",
                "Sure, I have time. What can I do for you, {c_first}?",
                "Good to hear from you, {c_first}. Go ahead.",
                "For you, always. What's going on, {c_first}?",
            ],
        ),
    ],
]
PARTNER_JOIN = [
    (
        "C",
        [
            "By the way, I've got {p_first} here on speaker as well.",
            "{p_first} is listening in, if that's all right with you.",
            "I should say {p_first} is on the line too.",
            "{p_first} wanted to join, so you're on speaker.",
        ],
    ),
    (
        "P",
        [
            "Hi {a_first}, hello.",
            "Hello, {a_first}. Nice to hear your voice again.",
            "Hi, it's {p_first}.",
            "Hello! I promise I'll mostly listen.",
        ],
    ),
    (
        "A",
        [
            "Great to have you both. Hi {p_first}.",
            "Hi {p_first}, glad you could join.",
            "Wonderful, hello {p_first}. It's easier with both of you.",
            "Perfect, {p_first}. The more the merrier.",
        ],
    ),
]
MEETING_OPEN = [
    (
        "A",
        [
            "Come on in, {c_first}. Can I get you a coffee?",
            "Thanks for coming into the office, {c_first}. Was traffic okay?",
            "Welcome back to {office}, {c_first}. Please, have a seat.",
            "{c_first}, good to see you in person. It's been a while.",
            "Hello {c_first}, thanks for making the trip in. Let's use the small conference room.",
            "{c_first}, welcome. Did you find parking all right?",
            "Good to see you, {c_first}. Sorry the lobby was so crowded this morning.",
        ],
    ),
    (
        "C",
        [
            "Water is fine, thanks.",
            "Traffic was awful, but I'm here.",
            "It has been a while. You moved the furniture around.",
            "Coffee would be lovely, black please.",
            "No trouble at all. The garage had plenty of space.",
            "Happy to be here, {a_first}. I prefer doing this face to face.",
            "Parking took a while, but I'm here now.",
            "Thanks, {a_first}. Nice view from up here.",
        ],
    ),
]
MEETING_SPECIALIST = [
    (
        "A",
        [
            "You remember {s_full}, our {s_title}? I asked {s_first} to join us today.",
            "I've asked {s_full} to sit in. {s_first} is our {s_title}.",
            "This is {s_full} from our {s_team} team. I thought it would help to have {s_first} here.",
            "Let me introduce {s_full}, who leads {s_team} questions for our {office} clients.",
            "{s_full} is joining us; {s_first} is the {s_title} I mentioned in my email.",
        ],
    ),
    (
        "S",
        [
            "Nice to meet you, {c_first}.",
            "Good to see you again, {c_first}.",
            "Thanks for having me. I've read through your file, {c_first}.",
            "Hello {c_first}. {a_first} has told me a lot about you.",
            "Pleased to meet you, {c_first}. I'll try to keep the jargon to a minimum.",
        ],
    ),
]
MEETING_PARTNER = [
    (
        "C",
        [
            "{p_first} decided to come along this time.",
            "I brought {p_first} with me, as promised.",
            "{p_first} wanted to hear this part firsthand.",
            "You know {p_first}, of course.",
        ],
    ),
    (
        "A",
        [
            "Wonderful. Hello, {p_first}.",
            "Great to see you, {p_first}. Please, sit.",
            "I'm glad you're both here, {p_first}.",
            "Hello {p_first}, welcome.",
        ],
    ),
    (
        "P",
        [
            "Thanks, {a_first}. I'll try not to ask too many questions.",
            "Hello. I'm mostly here to take notes.",
            "Good to see you, {a_first}.",
            "Thank you. I've been looking forward to this one.",
        ],
    ),
]
SMALLTALK = [
    {
        "needs": "",
        "turns": [
            (
                "A",
                [
                    "Did you make it to {trip} in the end?",
                    "How was {trip}? I've been dying to hear.",
                    "Last time you were about to leave for {trip}. How was it?",
                ],
            ),
            (
                "C",
                [
                    "We did, and it was wonderful. Too much food, not enough sleep.",
                    "It was lovely. We walked so much my knees are still complaining.",
                    "Beautiful, though it rained four days out of seven.",
                    "Worth every minute. I'd go back tomorrow.",
                    "Great trip. We already booked again for next year.",
                ],
            ),
        ],
    },
    {
        "needs": "",
        "turns": [
            (
                "A",
                [
                    "How is {kid} doing these days?",
                    "And how's {kid}? Keeping you busy?",
                    "Is {kid} settling in at the new school?",
                ],
            ),
            (
                "C",
                [
                    "{kid} is doing great, thanks for asking. Growing faster than I can keep up with.",
                    "Busy as ever. {kid} just started swim team, so our weekends are gone.",
                    "Very well. {kid} sends you a drawing, by the way. I'll bring it next time.",
                    "{kid} is wonderful. A bit too clever for anyone's good.",
                ],
            ),
        ],
    },
    {
        "needs": "",
        "turns": [
            (
                "A",
                [
                    "How's the weather treating you in {city}?",
                    "I hear {city} had quite the storm this week.",
                    "What's the weather doing in {city} today?",
                ],
            ),
            (
                "C",
                [
                    "Don't ask. It's been gray for ten days straight in {city}.",
                    "Finally sunny in {city}. I actually sat outside yesterday.",
                    "We lost power for a day, but everyone in {city} is fine.",
                    "Typical {city} weather, four seasons in one afternoon.",
                ],
            ),
        ],
    },
    {
        "needs": "",
        "turns": [
            (
                "A",
                [
                    "How's the renovation coming along?",
                    "Is the kitchen finished yet?",
                    "Are the contractors still camped in your living room?",
                ],
            ),
            (
                "C",
                [
                    "Almost. The countertops arrive next week, supposedly.",
                    "Don't get me started. Three months late and counting.",
                    "Finished, finally. We cooked our first dinner in it on Sunday.",
                    "Slowly. We're living on takeout until the stove is installed.",
                ],
            ),
            (
                "A",
                [
                    "Those projects always take longer than anyone plans.",
                    "Sounds like quite a saga.",
                    "Well, I hope it's everything you wanted.",
                ],
            ),
        ],
    },
    {
        "needs": "partner",
        "turns": [
            (
                "A",
                [
                    "And how is {p_first}?",
                    "How's {p_first} doing these days?",
                    "How is everyone at home? {p_first} keeping well?",
                ],
            ),
            (
                "C",
                [
                    "{p_first} is great. Busier than ever with the garden.",
                    "{p_first} is well, thanks. Says hello, actually.",
                    "Very well. {p_first} just took up pottery, of all things.",
                    "{p_first} is fine. Planning our next trip already.",
                ],
            ),
        ],
    },
    {
        "needs": "",
        "turns": [
            (
                "C",
                [
                    "Before we start, congratulations on the new office. I saw the photos.",
                    "I meant to ask, did your team move floors? The receptionist mentioned it.",
                ],
            ),
            (
                "A",
                [
                    "Thank you! We're still unpacking boxes, but the light is much better.",
                    "We did. Two floors up, and the coffee machine is a big improvement.",
                    "Yes, finally. It's quieter, which I appreciate.",
                ],
            ),
        ],
    },
    {
        "needs": "",
        "turns": [
            ("C", ["Did you ever get back from that conference?", "How was the conference last week?"]),
            (
                "A",
                [
                    "I did, barely. The flights were a mess, but it was worth going.",
                    "Exhausting but useful. Three days of panels and very little sleep.",
                    "Good, thanks. I came back with a notebook full of ideas.",
                ],
            ),
        ],
    },
    {
        "needs": "",
        "turns": [
            ("A", ["How's the cycling going?", "Are you still riding on the weekends?"]),
            (
                "C",
                [
                    "Slowly. I did forty miles on Saturday and slept all afternoon.",
                    "On and off. Work keeps getting in the way.",
                    "Every Sunday, rain or shine. My knees have opinions about it.",
                ],
            ),
        ],
    },
    {
        "needs": "",
        "turns": [
            ("A", ["Did you end up joining that rowing club?", "Are you still rowing in the mornings?"]),
            (
                "C",
                [
                    "I did. Five in the morning is a brutal time to be on the water.",
                    "Twice a week. It's the only time my phone is off.",
                    "I tried it for a month and went back to walking.",
                ],
            ),
        ],
    },
    {
        "needs": "",
        "turns": [
            (
                "C",
                [
                    "Sorry, the dog is barking at the mail carrier again.",
                    "Excuse the noise, the landscapers just showed up.",
                    "You'll have to forgive the background noise, the grandkids are visiting.",
                ],
            ),
            (
                "A",
                [
                    "No problem at all.",
                    "Not at all, I can hear you fine.",
                    "Ha, that's the sound of a happy home.",
                    "Don't worry about it, {c_first}.",
                ],
            ),
        ],
    },
    {
        "needs": "",
        "turns": [
            (
                "A",
                [
                    "Any time off coming up?",
                    "Are you getting away at all this year?",
                    "Have you got a break coming up soon?",
                ],
            ),
            (
                "C",
                [
                    "We're hosting the whole family next month, so I'll need a vacation after that.",
                    "A week at the lake if we can get away.",
                    "Nothing fancy. Staying home and finally reading a few books.",
                    "We're driving up the coast with {kid}.",
                ],
            ),
        ],
    },
    {
        "needs": "",
        "turns": [
            (
                "A",
                [
                    "How are you feeling after the surgery?",
                    "Is the shoulder any better?",
                    "Last time you'd just come back from the hospital. How are you doing?",
                ],
            ),
            (
                "C",
                [
                    "Much better, thank you. Physical therapy twice a week.",
                    "Getting there. The doctor is pleased, which is what matters.",
                    "Good as new, almost. Thanks for the card, by the way.",
                ],
            ),
        ],
    },
    {
        "needs": "",
        "turns": [
            (
                "C",
                [
                    "Did you see the game on Sunday?",
                    "How about that finish last night?",
                    "Are you following the playoffs at all?",
                ],
            ),
            (
                "A",
                [
                    "I did. I still can't believe that last play.",
                    "Only the highlights, but what a comeback.",
                    "My family doesn't let me miss a game, so yes.",
                ],
            ),
        ],
    },
    {
        "needs": "",
        "turns": [
            ("A", ["Has the new puppy settled in?", "How's the puppy behaving?"]),
            (
                "C",
                [
                    "Mostly. He has eaten two shoes and a remote control.",
                    "She's a menace, but we adore her.",
                    "Better. We've had two full nights of sleep this week.",
                ],
            ),
        ],
    },
    {
        "needs": "",
        "turns": [
            ("A", ["How's the garden this year?", "Did the tomatoes survive the heat?"]),
            (
                "C",
                [
                    "The garden is the only thing going to plan this year.",
                    "Barely. I've been out there watering at six every morning.",
                    "Too many zucchini, as usual. I'll bring you some.",
                ],
            ),
        ],
    },
]
TO_BUSINESS = [
    "Well, let me not keep you too long.",
    "Shall we get into it?",
    "Okay, let's get down to business.",
    "Right, I know you're busy, so let's dive in.",
    "Anyway, I have a couple of things to go through with you.",
    "So, on to the real reason for the call.",
    "Let me get to the point, because I know your time is precious.",
    "All right, let's talk about your portfolio.",
    "Good. Let's turn to the accounts.",
    "So, shall we look at the agenda I sent over?",
    "Let's make the most of the time we have.",
    "Anyway, I'll stop chatting and get to work.",
]
AGENDA_ADVISOR = [
    "I wanted to focus on {label} today.",
    "Today I'd like to spend most of our time on {label}.",
    "The main item on my list is {label}.",
    "I've got {label} at the top of my notes.",
    "My plan was to go through {label} with you.",
    "There's one thing I really wanted to talk about, and that's {label}.",
]
AGENDA_ADVISOR_TWO = [
    "I have two things on my list: {label} and {label2}.",
    "Today I'd like to cover {label}, and then {label2} if we have time.",
    "Two topics from me: first {label}, then {label2}.",
    "I'd like to start with {label} and finish with {label2}.",
]
AGENDA_CLIENT = [
    "What's on your mind today?",
    "You said there was something you wanted to discuss?",
    "Your email mentioned a question. Where would you like to start?",
    "What would you like to start with?",
    "I know you had something specific in mind. Go ahead.",
    "Tell me what's been on your mind.",
    "The floor is yours, {c_first}.",
    "What can I help you with today, {c_first}?",
]
TRANSITION_ADVISOR = [
    "While I have you, there's one more thing: {label2}.",
    "Before we wrap up, can we touch on {label2}?",
    "One other item on my list is {label2}.",
    "Switching gears for a moment, I wanted to raise {label2}.",
    "There's a second topic I'd like to cover, which is {label2}.",
    "Separately, I've been meaning to ask you about {label2}.",
]
TRANSITION_CLIENT = [
    "{a_first}, one more thing before you go.",
    "Oh, and {a_first}, I almost forgot the other reason I wanted to talk.",
    "Can I run something else by you, {a_first}?",
    "{a_first}, do you have five more minutes? There's another topic.",
    "I also wanted your view on something else, {a_first}.",
    "Now, the other thing on my list.",
    "Moving on, if that's okay, to my second question.",
    "There's a second item I scribbled down for today.",
    "There's one more thing I wanted to ask you about.",
    "Can I change the subject for a minute?",
    "Before I forget, I have another question.",
    "While I have you, something else has been on my mind.",
    "Something unrelated, if you have a few more minutes.",
    "Different topic, but it's been bugging me.",
]
INTERRUPTIONS = [
    [
        (
            "C",
            [
                "Sorry, you cut out for a second there. Could you say that last part again?",
                "Sorry, {a_first}, I lost you for a moment. What was the last thing you said?",
                "You froze for a second, {a_first}. Can you repeat that?",
                "Sorry, a truck went by. What did you just say?",
                "I missed the end of that, {a_first}. One more time?",
            ],
        ),
        (
            "A",
            [
                "Of course. The short version is that we're on track, and I'll put the details in writing.",
                "No problem. I was just saying I'll send everything in writing so nothing gets lost.",
                "Sure. I said the details will all be in my follow-up note, {c_first}.",
                "No worries. Nothing important, just that I'll confirm it all by email.",
                "Happens all the time. I'll recap everything in writing anyway.",
            ],
        ),
    ],
    [
        (
            "C",
            [
                "Hang on, {a_first}, the other line is ringing. Can you give me ten seconds?",
                "One second, {a_first}, someone's at the door.",
                "Can you hold for a moment, {a_first}? The delivery guy is here.",
                "Excuse me one second, {a_first}, my assistant needs a signature.",
                "Sorry, {a_first}, can I put you on hold for just a moment?",
            ],
        ),
        (
            "A",
            [
                "Sure, take your time.",
                "Of course, I'll hold.",
                "No rush, {c_first}.",
                "Go ahead, I'm here.",
                "Not a problem, {c_first}.",
            ],
        ),
        (
            "C",
            [
                "Sorry about that. Go ahead.",
                "Okay, I'm back. Where were we?",
                "Sorry. Please continue.",
                "Thanks for waiting, {a_first}.",
                "All sorted. Carry on, {a_first}.",
            ],
        ),
    ],
    [
        (
            "A",
            [
                "Sorry, {c_first}, you're breaking up a little. Can you hear me now?",
                "I think the line dropped for a second. Are you still there, {c_first}?",
                "{c_first}, did I lose you?",
                "Hello? {c_first}, are you there?",
            ],
        ),
        (
            "C",
            [
                "I'm here. The signal in this part of the house is terrible.",
                "Yes, I'm here. Let me move closer to the window.",
                "Still here. Keep going.",
                "I'm back, {a_first}. I walked into the garage and lost signal.",
                "Yes, sorry, I'm on the train. Go on, {a_first}.",
            ],
        ),
    ],
    [
        (
            "C",
            [
                "Sorry to jump in, but before I forget: is everything still going to the same address?",
                "Quick interruption: do you still have my new mobile number on file?",
                "Before I forget, {a_first}, did you get the change of address form?",
                "Unrelated, {a_first}, but did the statements switch to paperless?",
                "By the way, {a_first}, my email address changed. Did the office update it?",
            ],
        ),
        (
            "A",
            [
                "Yes, we updated that in the spring.",
                "We do, I checked last week.",
                "Good question. I'll double-check after the call.",
                "Yes, {c_first}, that was processed last month.",
                "Let me confirm that and get back to you, {c_first}.",
            ],
        ),
    ],
]
COMPLIANCE = [
    "Just so it's on the record, nothing we discussed today is a guarantee of future returns.",
    "I'll send the usual disclosures with the proposal, so please read those too.",
    "For the file, I'll document today's conversation in your client notes, as always.",
    "As always, I'll send a written summary so you have everything in one place.",
    "I should mention that any projections I share are estimates, not promises.",
    "Please loop in your accountant before anything is final, since I can't give tax advice.",
    "Everything we agreed will be confirmed in writing before any money moves.",
    "I'll note in the file that you asked for this, so there's a clear record.",
    "And of course, if anything changes on your side, tell me and we'll revisit.",
    "Nothing happens without your written approval, as usual.",
]
RECAP_LEAD = [
    "So, to recap:",
    "Let me read back what we agreed:",
    "Just to summarize where we landed:",
    "Before we hang up, here's the list:",
    "Quick recap so we're on the same page:",
    "Let me make sure I have everything:",
    "So the to-do list looks like this:",
    "Let me play it back to you:",
    "For my notes, here's who does what:",
]
RECAP_ACK = [
    "That's everything.",
    "Sounds right to me.",
    "Got it all written down.",
    "Perfect, that matches my notes.",
    "Yes, that's the list.",
    "Clear. Thank you for keeping it organized.",
    "That's it, I think.",
    "Good, nothing missing.",
    "I wrote the same thing, so we agree.",
    "Great. That's manageable.",
]
NEXT_PROPOSE = [
    "Let's pencil in a {nchan} on {nday} to {purpose}.",
    "How about a {nchan} on {nday}, so we can {purpose}?",
    "I'll put a {nchan} on the calendar for {nday} to {purpose}.",
    "Can we set a {nchan} for {nday}? That gives us time to {purpose}.",
    "I'd suggest we regroup on {nday} with a {nchan} to {purpose}.",
    "Would {nday} work for a {nchan}? The idea is to {purpose}.",
    "Next step from my side is a {nchan} on {nday} to {purpose}.",
    "Let's book a {nchan} on {nday} and {purpose} then.",
]
NEXT_CONFIRM = [
    "{nday_short} works.",
    "That's fine, {a_first}. Send me the invite.",
    "Perfect, put me down for {nday_short}.",
    "Yes, {nday_short} is good for me.",
    "I'm free that day. Let's do it.",
    "Works for me. Morning if possible.",
    "Great, I'll block it off.",
    "Sure. Afternoon is better for me.",
    "{nday_short} is fine. I'll be home all day.",
    "Fine by me, {a_first}.",
    "Yes. I'll have my notes ready.",
    "Good, that gives me time to prepare.",
]
CLOSE_ADVISOR = [
    "Thanks for your time today, {c_first}.",
    "Take care, {c_first}, and say hello to {p_first}.",
    "Thank you, {c_first}. Enjoy the rest of your day.",
    "Great talking to you, {c_first}. Speak soon.",
    "Thanks, {c_first}. I'll be in touch.",
    "Have a good rest of the week, {c_first}.",
    "Always a pleasure, {c_first}. Talk soon.",
    "Thank you for the time, {c_first}, and give my best to {p_first}.",
]
CLOSE_ADVISOR_SOLO = [
    "Thanks for your time today, {c_first}.",
    "Thank you, {c_first}. Enjoy the rest of your day.",
    "Great talking to you, {c_first}. Speak soon.",
    "Thanks, {c_first}. I'll be in touch.",
    "Have a good rest of the week, {c_first}.",
    "Always a pleasure, {c_first}. Talk soon.",
]
CLOSE_CLIENT = [
    "Thanks, {a_first}. Talk soon.",
    "Thank you, {a_first}. Bye for now.",
    "Thanks for your help, {a_first}.",
    "Appreciate it, {a_first}. Bye.",
    "Thank you. Take care.",
    "Thanks, {a_first}, very helpful.",
    "Will do. Bye, {a_first}.",
    "Thank you, this was useful.",
    "Great. Have a good one, {a_first}.",
]
EMAIL_GREET = ["Hi {to_first},", "Dear {to_first},", "Hello {to_first},", "{to_first},", "Hi again {to_first},"]
EMAIL_SIGN = [
    "Best, {me_first}",
    "Thanks, {me_first}",
    "Kind regards, {me_full}",
    "Warm regards, {me_first}",
    "Talk soon, {me_first}",
    "Regards, {me_full}",
    "Many thanks, {me_first}",
    "Best regards, {me_full}",
]
EMAIL_OPENER_A = [
    "I hope your week is off to a good start.",
    "I hope you had a nice weekend.",
    "I hope all is well in {city}.",
    "Hope you're keeping well.",
    "Following up on my voicemail from yesterday.",
    "I wanted to put this in writing rather than leave a voicemail.",
    "Thanks again for the quick call last week.",
    "I hope {p_first} and the family are well.",
    "Greetings from a rainy {office}.",
    "I promised I'd follow up in writing, so here goes.",
    "I hope the week in {city} has been kind to you.",
]
EMAIL_OPENER_C = [
    "Sorry for the long email.",
    "I hope this finds you well.",
    "Quick one, I hope.",
    "I tried calling but figured email would be easier.",
    "Writing from the airport, so forgive any typos.",
    "Writing from {city} this morning, so bear with me.",
    "{p_first} asked me to write to you about this.",
    "I hope the {office} office is treating you well.",
    "Sorry to land this in your inbox on a busy day.",
    "I've been turning this over since our last review.",
    "Thanks for your voicemail last week, {a_first}.",
    "I've been meaning to write for a couple of weeks.",
]
EMAIL_CLOSER = [
    "Let me know if anything is unclear.",
    "Happy to jump on a call if that's easier.",
    "Feel free to call me if you'd rather talk it through.",
    "Shout if I've missed anything.",
    "I'm around all week if questions come up.",
    "Call my cell if anything is urgent.",
    "I'm in the {office} office all week if you want to stop by.",
    "My assistant can find a time on my calendar if a call is easier.",
    "Give my best to {p_first}.",
    "If it helps, I can walk {p_first} through this as well.",
    "I'll keep an eye on my inbox this afternoon.",
    "Reply here or call, whichever is easier for you.",
]
SUBJECTS = [
    "{Label}",
    "Question about {label}",
    "Following up on {label}",
    "Next steps on {label}",
    "{Label}: a few thoughts",
    "Checking in about {label}",
]
TRIPS = [
    "Lisbon",
    "the Outer Banks",
    "Kyoto",
    "Banff",
    "Sicily",
    "Patagonia",
    "the Scottish Highlands",
    "Maui",
    "Croatia",
    "Cape Cod",
    "Santa Fe",
    "Vancouver Island",
    "Provence",
    "Iceland",
    "Tuscany",
    "the Florida Keys",
]
CLIENT_CITIES = [
    "Boston",
    "Brookline",
    "Chicago",
    "Evanston",
    "Miami",
    "Coral Gables",
    "Atlanta",
    "Savannah",
    "New York",
    "Greenwich",
    "Seattle",
    "Bellevue",
    "San Diego",
    "La Jolla",
    "Denver",
    "Boulder",
    "San Francisco",
    "Palo Alto",
    "Naperville",
    "Scottsdale",
    "Portland",
    "Austin",
    "Charlotte",
    "Princeton",
]
