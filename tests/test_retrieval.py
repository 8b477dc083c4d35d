"""TF-IDF retrieval over the Naxt policies (helpers/retrieval.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import datasets, retrieval


@pytest.mark.parametrize(
    ("question", "doc_id"),
    [
        ("How do I order a second monitor?", "laptop-hardware-ordering"),
        ("I lost my badge. What should I do?", "building-badges"),
        ("What's the mileage rate for using my own car?", "expenses"),
        ("How do I reset my password?", "password-resets"),
        ("Can I book a client suite for an internal team meeting?", "meeting-rooms"),
        ("Can I work from the Denver office for a few days?", "working-from-another-office"),
        ("How do I get work email on my own phone?", "mobile-phones"),
    ],
)
def test_known_questions_find_their_policy_first(question, doc_id):
    assert retrieval.retrieve(question, k=1)[0].doc_id == doc_id


def test_lost_badge_finds_the_lost_badge_section():
    sources = [p.source for p in retrieval.retrieve("I lost my badge. What should I do?", k=3)]
    assert "building-badges > Lost or stolen badge" in sources


def test_passages_are_sorted_scored_and_k_long():
    passages = retrieval.retrieve("How long does a standard laptop take to arrive?", k=4)
    assert len(passages) == 4
    scores = [p.score for p in passages]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1
    assert passages[0].doc_id == "laptop-hardware-ordering" and passages[0].heading == "Service levels"
    assert "5 business days" in passages[0].text


def test_hit_rate_on_the_chatbot_eval_set():
    df = datasets.load("chatbot_eval")
    assert retrieval.hit_rate(df.question, df.sources, k=3) >= 0.9
    assert retrieval.hit_rate(df.question, df.sources, k=1) >= 0.75


def test_split_passages_one_per_heading_title_block_joins_the_first():
    markdown = "# Printing\n\n**Owner:** Workplace\n\n## Purpose\nHow to print.\n\n## Contacts\next. 4357\n"
    passages = retrieval.split_passages("printing", markdown)
    assert [p.heading for p in passages] == ["Purpose", "Contacts"]
    assert all(p.title == "Printing" and p.doc_id == "printing" for p in passages)
    assert passages[0].text == "Owner: Workplace\nHow to print."  # bold markers dropped, title line not repeated
    assert passages[1].text == "ext. 4357"


def test_every_policy_section_is_indexed():
    docs = datasets.load_policies()
    index = retrieval.default_index()
    expected = sum(text.count("\n## ") for text in docs.values())
    assert len(index) == expected
    assert {p.doc_id for p in index.passages} == set(docs)


def test_a_custom_index_answers_from_its_own_documents():
    index = retrieval.PolicyIndex(
        {"parking": "# Parking\n## Permits\nParking permits are issued by Facilities.", "pets": "# Pets\n## Dogs\nNo."}
    )
    assert index.retrieve("Who issues a parking permit?", k=1)[0].doc_id == "parking"


@pytest.mark.parametrize(("question", "k", "message"), [("", 3, "non-empty question"), ("laptop", 0, "positive")])
def test_bad_input_is_a_clear_error(question, k, message):
    with pytest.raises(ValueError, match=message):
        retrieval.retrieve(question, k)


def test_hit_rate_needs_questions_with_sources():
    not_covered = pd.DataFrame({"question": ["Gym?"], "sources": [[]]})
    with pytest.raises(ValueError, match="no question with an expected source"):
        retrieval.hit_rate(not_covered.question, not_covered.sources)
    with pytest.raises(ValueError, match="No policy documents"):
        retrieval.PolicyIndex({})
