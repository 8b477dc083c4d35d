"""Checks for the Naxt Corp. workshop datasets under data/ and the loader in helpers/datasets.py."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
datasets = importlib.import_module("helpers.datasets")

DATA = ROOT / "data"
TOPICS = {
    "rebalancing",
    "concentrated_stock_liquidity",
    "tax_loss_harvesting",
    "estate_trust_planning",
    "philanthropy_daf",
    "education_funding",
    "retirement_income",
    "risk_tolerance_change",
    "fee_performance_complaint",
    "alternative_investments",
    "cash_management",
    "lending_against_portfolio",
}
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTH_NAMES = MONTHS.split("|")
DATE_RE = re.compile(rf"\b(?:{MONTHS}) \d{{1,2}}\b")
AMOUNT_RE = re.compile(r"\$\d[\d,]*(?:\.\d+)?(?: (?:million|billion|thousand))?|\b\d+(?:\.\d+)?%")
SPEAKER_RE = re.compile(r"^([A-Z][A-Za-z'\-]+(?: [A-Z][A-Za-z'\-]+)+): \S")
GREETING_RE = re.compile(
    r"^(hi|hello|hey|dear|good (morning|afternoon|evening)|morning|afternoon|thanks|thank you|many thanks|"
    r"best|best regards|kind regards|regards|warm regards|all the best|cheers|talk soon|speak soon|bye|"
    r"goodbye|take care|sincerely)\b"
)
GENERATED = [
    "conversations/eval.jsonl",
    "conversations/train.jsonl",
    "chatbot/eval.jsonl",
    "chatbot/finetune.jsonl",
    "finetune/train/train.jsonl",
    "finetune/train/template.json",
    "finetune/validation/validation.jsonl",
    "finetune/manifest.jsonl",
    "labeling/prompts.jsonl",
    "labeling/simulated_annotators.jsonl",
    "monitoring/prompts.jsonl",
]


def rows(rel: str) -> list[dict]:
    with (DATA / rel).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture(scope="module")
def conv_eval() -> list[dict]:
    return rows("conversations/eval.jsonl")


@pytest.fixture(scope="module")
def conv_train() -> list[dict]:
    return rows("conversations/train.jsonl")


@pytest.fixture(scope="module")
def conversations(conv_eval: list[dict], conv_train: list[dict]) -> list[dict]:
    return conv_eval + conv_train


@pytest.fixture(scope="module")
def policies() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((DATA / "policies").glob("*.md"))}


def occurs(token: str, text: str) -> bool:
    """`token` appears in `text` and is not part of a longer number ("May 2" does not match "May 21")."""
    return re.search(rf"(?<![\w$.]){re.escape(token)}(?![\d]|\.\d|,\d)", text) is not None


def iso_to_words(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{MONTH_NAMES[d.month - 1]} {d.day}"


# --- conversations -------------------------------------------------------------------------------------------


def test_conversation_counts_and_schema(conv_eval: list[dict], conversations: list[dict]) -> None:
    assert len(conversations) >= 60
    assert len(conv_eval) >= 40
    ids = [c["id"] for c in conversations]
    assert len(ids) == len(set(ids))
    for c in conversations:
        assert c["channel"] in {"call", "meeting", "email"}
        date.fromisoformat(c["date"])
        assert c["client_id"] and c["client_name"] and c["advisor"]
        assert c["topics"] and set(c["topics"]) <= TOPICS
        assert c["decisions"] and all(isinstance(x, str) and x for x in c["decisions"])
        assert isinstance(c["client_requests"], list)
        assert c["action_items"]
        for item in c["action_items"]:
            assert set(item) == {"owner", "task", "due"}
            assert date.fromisoformat(item["due"]) >= date.fromisoformat(c["date"])
        assert c["sentiment"] in {"positive", "neutral", "concerned", "negative"}
        nxt = c["next_contact"]
        assert nxt["channel"] in {"call", "meeting", "email"} and nxt["purpose"]
        assert date.fromisoformat(nxt["date"]) > date.fromisoformat(c["date"])


def test_topics_and_channels_are_varied(conversations: list[dict]) -> None:
    assert {t for c in conversations for t in c["topics"]} == TOPICS
    assert set(Counter(c["channel"] for c in conversations)) == {"call", "meeting", "email"}
    assert len({c["sentiment"] for c in conversations}) == 4


def test_transcripts_have_speakers_and_length(conversations: list[dict]) -> None:
    lengths = []
    for c in conversations:
        n_words = len(c["transcript"].split())
        assert 250 <= n_words <= 900, (c["id"], n_words)
        lengths.append(n_words)
        speakers = Counter(m.group(1) for line in c["transcript"].splitlines() if (m := SPEAKER_RE.match(line)))
        assert len(speakers) >= 2, c["id"]
        assert c["client_name"] in speakers and c["advisor"] in speakers, c["id"]
        if c["channel"] == "meeting":
            assert len(speakers) >= 3, c["id"]
    lengths.sort()
    assert lengths[len(lengths) // 4] < 450 and lengths[3 * len(lengths) // 4] > 500


def test_splits_are_disjoint_by_client(conv_eval: list[dict], conv_train: list[dict]) -> None:
    assert not {c["client_id"] for c in conv_eval} & {c["client_id"] for c in conv_train}
    assert not {c["id"] for c in conv_eval} & {c["id"] for c in conv_train}


def test_summary_format_and_length(conversations: list[dict]) -> None:
    heads = ["Situation:", "Decisions:", "Action items:", "Next step:"]
    for c in conversations:
        summary = c["reference_summary"]
        assert len(summary.split()) <= 120, c["id"]
        positions = [summary.find(h) for h in heads]
        assert positions[0] == 0 and all(p > 0 for p in positions[1:]), c["id"]
        assert positions == sorted(positions), c["id"]


def test_summary_facts_occur_in_transcript(conversations: list[dict]) -> None:
    for c in conversations:
        summary, transcript = c["reference_summary"], c["transcript"]
        for amount in AMOUNT_RE.findall(summary):
            assert occurs(amount, transcript), (c["id"], amount)
        for day in DATE_RE.findall(summary):
            assert occurs(day, transcript), (c["id"], day)
        action_part = summary[summary.index("Action items:") : summary.index("Next step:")]
        for item in c["action_items"]:
            due = iso_to_words(item["due"])
            assert item["owner"] in transcript, (c["id"], item["owner"])
            assert occurs(due, transcript), (c["id"], due)
            assert f"{item['owner']} — {item['task']} by {due}" in action_part, (c["id"], item)
        assert occurs(iso_to_words(c["next_contact"]["date"]), transcript), c["id"]


def _sentences(transcript: str) -> set[str]:
    out = set()
    for line in transcript.splitlines():
        line = re.sub(r"^[A-Z][A-Za-z'\-]+(?: [A-Z][A-Za-z'\-]+)+: ", "", line.strip())
        for part in re.split(r"(?<=[.!?])\s+", line):
            norm = re.sub(r"[^a-z0-9$%]+", " ", part.lower()).strip()
            if norm and not (len(norm.split()) <= 5 and GREETING_RE.match(norm)):
                out.add(norm)
    return out


def test_no_sentence_repeated_in_more_than_5_percent(conversations: list[dict]) -> None:
    freq = Counter(s for c in conversations for s in _sentences(c["transcript"]))
    sentence, worst = freq.most_common(1)[0]
    limit = 0.05 * len(conversations)
    assert worst <= limit, f"{sentence!r} appears in {worst} of {len(conversations)} transcripts"


# --- policies and chatbot ------------------------------------------------------------------------------------


def test_policies(policies: dict[str, str]) -> None:
    assert len(policies) >= 15
    for stem, text in policies.items():
        assert text.startswith("# "), stem
        assert "## Contacts" in text and "@naxt.example" in text, stem
        assert re.search(r"^1\. ", text, re.M), f"{stem}: no numbered steps"
        assert re.search(r"\d+ (business )?(days|hours|minutes)", text), f"{stem}: no service level"


def test_chatbot_pairs(policies: dict[str, str]) -> None:
    ev, ft = rows("chatbot/eval.jsonl"), rows("chatbot/finetune.jsonl")
    both = ev + ft
    assert len(both) >= 120
    cats = Counter(r["category"] for r in both)
    assert cats["not_covered"] >= 15 and cats["multi_doc"] >= 10
    assert {r["category"] for r in ev} == {"single_doc", "multi_doc", "not_covered"}
    assert not {r["id"] for r in ev} & {r["id"] for r in ft}
    assert not {r["question"] for r in ev} & {r["question"] for r in ft}
    for r in both:
        assert r["question"].strip() and r["reference_answer"].strip()
        assert len(r["reference_answer"].split()) <= 90, r["id"]
        assert all(s in policies for s in r["sources"]), r["id"]
        if r["category"] == "not_covered":
            assert r["sources"] == [] and "Service Desk" in r["reference_answer"], r["id"]
        elif r["category"] == "multi_doc":
            assert len(r["sources"]) >= 2, r["id"]
        else:
            assert len(r["sources"]) == 1, r["id"]


# --- fine-tuning, labeling, monitoring -----------------------------------------------------------------------


def test_finetune_layout_and_no_eval_leakage(conv_eval: list[dict]) -> None:
    template = json.loads((DATA / "finetune/train/template.json").read_text(encoding="utf-8"))
    assert set(template) == {"prompt", "completion"}
    assert "{instruction}" in template["prompt"] and "{context}" in template["prompt"]
    assert "{response}" in template["completion"]
    train, val = rows("finetune/train/train.jsonl"), rows("finetune/validation/validation.jsonl")
    assert len(train) + len(val) >= 300 and len(val) >= 20
    for r in train + val:
        assert set(r) == {"instruction", "context", "response"} and r["instruction"] and r["response"]
    manifest = rows("finetune/manifest.jsonl")
    assert Counter(m["split"] for m in manifest) == {"train": len(train), "validation": len(val)}
    tasks = {m["task"] for m in manifest}
    assert "summary" in tasks and "chatbot_answer" in tasks
    assert not {m["source_id"] for m in manifest if m["split"] == "train"} & {
        m["source_id"] for m in manifest if m["split"] == "validation"
    }
    blob = "\n".join(r["context"] + "\n" + r["instruction"] for r in train + val)
    for c in conv_eval:
        assert c["transcript"] not in blob, c["id"]
    for q in rows("chatbot/eval.jsonl"):
        assert q["question"] not in blob, q["id"]


def test_labeling_sets() -> None:
    prompts, answers = rows("labeling/prompts.jsonl"), rows("labeling/simulated_annotators.jsonl")
    assert len(prompts) >= 50
    ids = {p["id"] for p in prompts}
    assert len(ids) == len(prompts) and all(p["source"] in {"chatbot", "conversations"} for p in prompts)
    by_prompt: dict[str, list[dict]] = {}
    for a in answers:
        by_prompt.setdefault(a["prompt_id"], []).append(a)
    assert set(by_prompt) == ids
    assert all(len({a["annotator_id"] for a in v}) == 2 and len(v) == 2 for v in by_prompt.values())
    assert {a["quality"] for a in answers} == {"good", "fair", "poor"}
    assert sum(len({a["answer"] for a in v}) == 2 for v in by_prompt.values()) >= 0.9 * len(ids)
    score = {"good": 2, "fair": 1, "poor": 0}
    means = {}
    for annotator in {a["annotator_id"] for a in answers}:
        mine = [score[a["quality"]] for a in answers if a["annotator_id"] == annotator]
        means[annotator] = sum(mine) / len(mine)
    assert max(means.values()) - min(means.values()) >= 0.3
    conv_train_ids = {c["id"] for c in rows("conversations/train.jsonl")}
    for p in prompts:
        if p["source"] == "conversations":
            assert p["conversation_id"] in conv_train_ids


def test_monitoring_prompts() -> None:
    mon = rows("monitoring/prompts.jsonl")
    assert len(mon) >= 40
    kinds = Counter(m["kind"] for m in mon)
    assert set(kinds) == {"normal", "off_topic", "rude", "prompt_injection", "data_exfiltration", "investment_advice"}
    assert min(kinds.values()) >= 5
    assert len({m["id"] for m in mon}) == len(mon)


# --- sensitive-looking numbers -------------------------------------------------------------------------------


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def aba_ok(digits: str) -> bool:
    w = [3, 7, 1] * 3
    return len(digits) == 9 and sum(int(d) * k for d, k in zip(digits, w, strict=True)) % 10 == 0


def sensitive_hits(text: str) -> list[str]:
    hits = []
    for m in re.finditer(r"(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])", text):
        digits = re.sub(r"\D", "", m.group(0))
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            hits.append(f"card-like {m.group(0)}")
    hits += [f"ssn-like {m}" for m in re.findall(r"(?<![\d-])\d{3}[- ]\d{2}[- ]\d{4}(?![\d-])", text)]
    hits += [f"routing-like {m}" for m in re.findall(r"(?<!\d)\d{9}(?!\d)", text) if aba_ok(m)]
    return hits


def test_sensitive_checkers_work() -> None:
    card = "4" + "1" * 14
    card += str(
        (
            10
            - sum(int(d) * 2 - 9 if int(d) * 2 > 9 else int(d) * 2 for d in card[::-2]) % 10
            - sum(int(d) for d in card[-2::-2])
        )
        % 10
    )
    assert luhn_ok(card) and sensitive_hits(f"card {card} here")
    assert sensitive_hits("id 123-45-6789")
    routing = "01100001" + str(
        (10 - sum(int(d) * k for d, k in zip("01100001", [3, 7, 1, 3, 7, 1, 3, 7], strict=True)) % 10) % 10
    )
    assert aba_ok(routing) and sensitive_hits(f"routing {routing}")
    assert not sensitive_hits("account ending 4417, $2.4 million, +1 555 0100, March 14, 2024")


def test_no_sensitive_looking_numbers() -> None:
    files = [p for p in DATA.rglob("*") if p.is_file() and p.suffix in {".jsonl", ".json", ".md", ".py"}]
    assert len(files) > 20
    for path in files:
        assert not sensitive_hits(path.read_text(encoding="utf-8")), path


# --- generator -----------------------------------------------------------------------------------------------


def test_generator_is_deterministic(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(DATA / "generate.py"), "--out", str(tmp_path)], check=True, capture_output=True)
    for rel in GENERATED:
        assert (tmp_path / rel).read_bytes() == (DATA / rel).read_bytes(), rel


# --- loader --------------------------------------------------------------------------------------------------


def test_loader_loads_every_set() -> None:
    names = datasets.list_sets()
    assert {"conversations_eval", "chatbot_eval", "finetune_train", "monitoring_prompts"} <= set(names)
    for name in names:
        df = datasets.load(name)
        assert len(df) > 0, name
    assert len(datasets.load_policies()) >= 15
    assert "transcript" in datasets.load("conversations_eval").columns


def test_loader_unknown_name_lists_valid_names() -> None:
    with pytest.raises(ValueError, match="conversations_eval"):
        datasets.load("no_such_set")
    with pytest.raises(ValueError, match="valid names"):
        datasets.upload("no_such_set", bucket="b", s3_client=object())


def test_loader_reports_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "monitoring" / "prompts.jsonl"
    bad.parent.mkdir(parents=True)
    bad.write_text('{"id": "m1", "prompt": "hi", "kind": "normal", "use_case": "chatbot"}\n{oops\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"prompts\.jsonl:2"):
        datasets.load("monitoring_prompts", data_dir=tmp_path)
    bad.write_text('{"id": "m1", "prompt": "hi"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"prompts\.jsonl:1: missing field"):
        datasets.load("monitoring_prompts", data_dir=tmp_path)


def test_upload_to_s3_keeps_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    moto = pytest.importorskip("moto")
    boto3 = pytest.importorskip("boto3")
    for var, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(var, value)
    for var in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    with moto.mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="workshop-bucket")
        uris = datasets.upload(["conversations_eval", "finetune", "policies"], "workshop-bucket", s3_client=s3)
        assert uris["conversations_eval"] == "s3://workshop-bucket/datasets/conversations/eval.jsonl"
        assert uris["finetune_train"] == "s3://workshop-bucket/datasets/finetune/train/"
        assert uris["finetune_validation"] == "s3://workshop-bucket/datasets/finetune/validation/"
        expected = ["conversations/eval.jsonl", "finetune/train/train.jsonl", "finetune/train/template.json"]
        expected += ["finetune/validation/validation.jsonl", "policies/expenses.md"]
        for rel in expected:
            body = s3.get_object(Bucket="workshop-bucket", Key=f"datasets/{rel}")["Body"].read()
            assert body == (DATA / rel).read_bytes(), rel
        default = datasets.upload("monitoring_prompts", "workshop-bucket", prefix="other")
        assert default == {"monitoring_prompts": "s3://workshop-bucket/other/monitoring/prompts.jsonl"}
