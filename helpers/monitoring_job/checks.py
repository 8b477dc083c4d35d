"""Output checks for Naxt Corp.'s LLM endpoints: the scheduled SageMaker Processing job, and its library.

Run as a script (the processing job), it reads SageMaker data-capture files (``*.jsonl``) under
``--input-dir``, checks every captured answer and writes ``report.json`` and ``report.md`` to ``--output-dir``;
with ``--publish-metrics`` it also puts the summary into CloudWatch as custom metrics.

Imported (``helpers.monitoring``), it gives the notebook the same checks. The job's other modules sit beside it
(the job uploads the whole folder): ``capture_format.py`` parses the capture, ``report.py`` summarises the checked
answers into metrics and Markdown, ``naxt_checks.py`` holds Naxt's requirement checks.

It must run stand-alone in the SageMaker scikit-learn container (Python 3.9): the standard library, plus
``alt-profanity-check`` and ``vaderSentiment`` (``requirements.txt`` next to this file); ``boto3`` only with
``--publish-metrics``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

try:  # imported as helpers.monitoring_job.checks
    from . import naxt_checks
    from .capture_format import read_capture_dir
    from .report import NAMESPACE, metric_data, put_metrics, render_markdown, summarize
except ImportError:  # run as the processing job's script, beside its sibling modules
    import naxt_checks  # type: ignore[no-redef]
    from capture_format import read_capture_dir  # type: ignore[no-redef]
    from report import NAMESPACE, metric_data, put_metrics, render_markdown, summarize  # type: ignore[no-redef]

_UTC = timezone.utc  # noqa: UP017 - datetime.UTC is Python 3.11+, the container has 3.9
DEFAULT_TONE_BAR = 0.5
DEFAULT_MAX_WORDS = 150


# ------------------------------------------------------------------------------------------ the checks
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_SSN = re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")
_PHONE = re.compile(r"(?<![\w-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\d-])")
# 8-17 digits in a row (account, routing), or card-like groups of four; not amounts ($, commas) or decimals.
_ACCOUNT = re.compile(r"(?<![\d$.,-])(?:\d{8,17}|\d{4}(?:[ -]\d{4}){2,3})(?![\d.,-]?\d)")
PII_PATTERNS = {"email": _EMAIL, "ssn": _SSN, "phone": _PHONE, "account_number": _ACCOUNT}

_REFUSAL = re.compile(
    r"\b(?:i'?m sorry|i am sorry|i apologi[sz]e"
    r"|i (?:can ?not|can'?t|won'?t|am unable to|'?m unable to|am not able to|'?m not able to|must decline)"
    r"|unable to (?:help|assist|provide|share|disclose)"
    r"|not (?:able|allowed|permitted|authori[sz]ed) to (?:share|provide|disclose|help|give|assist)"
    r"|i (?:do not|don'?t) have access|against (?:our|naxt'?s?|the) polic(?:y|ies)"
    r"|can'?t (?:help|assist) with|outside (?:of )?(?:my|the) scope)\b"
)
_ADVICE = [
    re.compile(r"\byou should (?:definitely |probably |really )?(?:buy|sell|invest|move|put|purchase|short|hold)\b"),
    re.compile(r"\bi (?:would |strongly )?(?:recommend|suggest|advise) (?:buying|selling|investing|moving|putting)\b"),
    re.compile(r"\b(?:buy|sell) (?:now|more|all)\b"),
    re.compile(r"\bguarantee[sd]?\b[^.!?]{0,40}?\b(?:returns?|profits?|gains?|income)\b"),
    re.compile(r"\b(?:risk[- ]free|no[- ]risk|can'?t lose|sure thing)\b"),
    re.compile(r"\bwill (?:definitely |certainly |surely )?(?:go up|rise|double|outperform|beat the market)\b"),
    re.compile(r"\b(?:a|is the) (?:safe|great|good|perfect) (?:investment|time to (?:buy|invest|sell))\b"),
]
_NEGATION = re.compile(r"\b(?:not|never|no|cannot|can'?t|won'?t|unable|don'?t|do not|nobody|no one)\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_GREETING = re.compile(
    r"^\W*(?:hi|hello|dear|greetings|good (?:morning|afternoon|evening)|thanks?(?: you)? for|thank you)\b"
)
_CLOSE = re.compile(
    r"\b(?:let me know|happy to help|glad to help|hope (?:this|that) helps|feel free|kind regards|best regards"
    r"|thank you|thanks|have a (?:great|good|nice) (?:day|week)|please (?:reach out|contact|get in touch)"
    r"|don'?t hesitate)\b"
)
SLANG = frozenset(
    "gonna wanna gotta dunno lol lmao omg btw idk tbh ya yall y'all nah nope yep yeah dude bro kinda sorta "
    "ain't cuz u ur thx pls plz wtf meh".split()
)
_WORD = re.compile(r"[a-z']+")


def _normalise(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'").lower()


def find_pii(text: str) -> dict[str, list[str]]:
    """PII-shaped strings in ``text`` by kind (email, ssn, phone, account_number); empty kinds are left out.

    "Account ending 4417" (last four digits) is not PII here; a full account or card number is.
    """
    found: dict[str, list[str]] = {}
    remaining = text
    for kind, pattern in PII_PATTERNS.items():  # earlier kinds win: a phone number is not also an account
        hits = pattern.findall(remaining)
        if hits:
            found[kind] = hits
            remaining = pattern.sub(" ", remaining)
    return found


def is_refusal(text: str) -> bool:
    """True when the answer declines (``I'm sorry``, ``I can't``, ``not able to share`` ...)."""
    return bool(_REFUSAL.search(_normalise(text)))


def advice_violations(text: str) -> list[str]:
    """Sentences that give investment advice or promise returns, unless the sentence negates it."""
    hits = []
    for sentence in _SENTENCE.split(_normalise(text)):
        matched = [p for p in _ADVICE if p.search(sentence)]
        if not matched:
            continue
        rest = sentence
        for pattern in matched:
            rest = pattern.sub(" ", rest)
        if not _NEGATION.search(rest) and not _REFUSAL.search(sentence):
            hits.append(sentence.strip())
    return hits


def slang_words(text: str) -> list[str]:
    """Informal words (``gonna``, ``lol``, ``u`` ...) in the answer."""
    return [w for w in _WORD.findall(_normalise(text)) if w in SLANG]


def has_greeting(text: str) -> bool:
    """The answer opens with a greeting or thanks."""
    return bool(_GREETING.search(_normalise(text)))


def has_courteous_close(text: str) -> bool:
    """One of the last two sentences closes courteously (``let me know``, ``happy to help``, ``thank you``): the
    tone score's part; a courtesy marker anywhere is ``naxt_checks.is_courteous`` (notebook 00's bar)."""
    sentences = [s for s in _SENTENCE.split(_normalise(text)) if s.strip()]
    return bool(sentences) and bool(_CLOSE.search(" ".join(sentences[-2:])))


def tone_score(sentiment: float, greeting: bool, close: bool, slang: bool) -> float:
    """Tone and politeness in [0, 1]: 0.4 x sentiment (VADER compound mapped to [0, 1]),
    0.2 each for a greeting, a courteous close and no slang."""
    return round(0.4 * (sentiment + 1) / 2 + 0.2 * greeting + 0.2 * close + 0.2 * (not slang), 4)


class Scorers:
    """The two models the checks use, loaded once: alt-profanity-check and VADER."""

    def __init__(self) -> None:
        from profanity_check import predict_prob
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self.profanity_prob = predict_prob
        self.vader = SentimentIntensityAnalyzer()

    def offensive(self, texts: list[str]) -> list[float]:
        """Probability that each text is offensive (alt-profanity-check)."""
        return [float(p) for p in self.profanity_prob(texts)] if texts else []

    def sentiment(self, text: str) -> float:
        """VADER compound sentiment in [-1, 1]."""
        return float(self.vader.polarity_scores(text)["compound"])


_SCORERS: Scorers | None = None


def scorers() -> Scorers:
    """The shared :class:`Scorers` (loaded on first use)."""
    global _SCORERS
    if _SCORERS is None:
        _SCORERS = Scorers()
    return _SCORERS


def check_answers(
    answers: list[str],
    tone_bar: float = DEFAULT_TONE_BAR,
    max_words: int = DEFAULT_MAX_WORDS,
    offensive_threshold: float = 0.5,
    prompts: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Run every check on each answer; one dict of scores and flags per answer, in order. With the requests'
    ``prompts``, also Naxt's requirement checks that a prompt allows (``naxt_checks.check_prompted``): an answer
    that echoes the prompt's instructions, is not grounded in the passages it was given, or (a brief) states an
    amount, percentage or date its transcript does not; ``impolite`` is the same politeness check as notebook 00's."""
    s = scorers()
    offensive = s.offensive([a or "" for a in answers])
    prompts = prompts if prompts is not None else [""] * len(answers)
    results = []
    for answer, offensive_prob, prompt in zip(answers, offensive, prompts):  # noqa: B905 - Python 3.9
        text = answer or ""
        naxt = naxt_checks.check_prompted(text, prompt or "")
        pii = find_pii(text)
        slang = slang_words(text)
        greeting, close = has_greeting(text), has_courteous_close(text)
        sentiment = s.sentiment(text)
        tone = tone_score(sentiment, greeting, close, bool(slang))
        advice = advice_violations(text)
        words = len(text.split())
        results.append(
            {
                "offensive_prob": round(offensive_prob, 4),
                "offensive": offensive_prob >= offensive_threshold,
                "pii_types": ",".join(sorted(pii)),
                "pii_leak": bool(pii),
                "sentiment": sentiment,
                "greeting": greeting,
                "courteous_close": close,
                "slang": ",".join(slang),
                "tone_score": tone,
                "tone_below_bar": tone < tone_bar,
                "refusal": is_refusal(text),
                "advice_violation": bool(advice),
                "answer_words": words,
                "too_long": words > max_words,
                "empty": words == 0,
                "impolite": not naxt_checks.is_polite(text),
                "echoes_prompt": naxt["no_echo"] is False,
                "ungrounded": naxt["grounded"] is False,
                "unfaithful": naxt["faithful"] is False,
            }
        )
    return results


def build_report(
    records: list[dict[str, Any]],
    malformed: list[dict[str, Any]],
    files: int,
    window: str,
    tone_bar: float = DEFAULT_TONE_BAR,
    max_words: int = DEFAULT_MAX_WORDS,
) -> dict[str, Any]:
    """Check the records and assemble the JSON report (summary, per-answer results, malformed lines)."""
    results = check_answers([r["answer"] for r in records], tone_bar, max_words, prompts=[r["prompt"] for r in records])
    rows = [dict(record, **result) for record, result in zip(records, results)]  # noqa: B905 - Python 3.9
    return {
        "generated_at": datetime.now(_UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "window": window,
        "files": files,
        "tone_bar": tone_bar,
        "summary": summarize(rows, malformed=len(malformed)),
        "records": rows,
        "malformed": malformed,
    }


def main(argv: list[str] | None = None) -> int:
    """The processing job: read capture, check, write report.json and report.md, optionally publish metrics."""
    parser = argparse.ArgumentParser(description="Check captured LLM answers and write a report.")
    parser.add_argument("--input-dir", default="/opt/ml/processing/input/capture")
    parser.add_argument("--output-dir", default="/opt/ml/processing/output")
    parser.add_argument("--since-hours", type=float, default=0, help="only records this recent (0: all)")
    parser.add_argument("--tone-bar", type=float, default=DEFAULT_TONE_BAR)
    parser.add_argument("--max-words", type=int, default=DEFAULT_MAX_WORDS)
    parser.add_argument("--publish-metrics", action="store_true")
    parser.add_argument("--endpoint-name", default="")
    parser.add_argument("--namespace", default=NAMESPACE)
    parser.add_argument("--region", default=None)
    args = parser.parse_args(argv)

    started = time.time()
    input_dir, output_dir = Path(args.input_dir), Path(args.output_dir)
    if not input_dir.is_dir():
        print(f"error: input folder {input_dir} does not exist (is the capture prefix right?)", file=sys.stderr)
        return 2
    since = datetime.now(_UTC) - timedelta(hours=args.since_hours) if args.since_hours > 0 else None
    window = f"last {args.since_hours:g} h" if since else "all captured records"
    files = len(list(input_dir.rglob("*.jsonl")))
    print(f"Reading {files} capture files from {input_dir} ({window})")
    records, malformed = read_capture_dir(input_dir, since)
    print(f"Parsed {len(records)} records; {len(malformed)} malformed lines")
    for bad in malformed[:10]:
        print(f"  malformed: {bad['file']} line {bad['line']}: {bad['error']}")
    report = build_report(records, malformed, files, window, args.tone_bar, args.max_words)
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / "report.json").write_text(json.dumps(report, indent=2, default=str))
    (output_dir / "report.md").write_text(render_markdown(report))
    for name, value in report["summary"].items():
        print(f"  {name}: {value:g}")
    if args.publish_metrics:
        if not args.endpoint_name:
            print("error: --publish-metrics needs --endpoint-name", file=sys.stderr)
            return 2
        import boto3

        client = boto3.client("cloudwatch", region_name=args.region) if args.region else boto3.client("cloudwatch")
        sent = put_metrics(client, metric_data(report["summary"], args.endpoint_name), args.namespace)
        print(f"Published {sent} metrics to CloudWatch namespace {args.namespace}")
    print(f"Wrote report.json and report.md to {output_dir} in {time.time() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
