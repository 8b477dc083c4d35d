"""Retrieval for the internal-process chatbot: TF-IDF over the Naxt policy documents, one passage per section.

Each policy (``data/policies/*.md``) is split at its ``## `` headings; the title block before the first heading
joins the first section. A question is matched with scikit-learn's TF-IDF and cosine similarity, twice: against
each passage and against each whole document. A passage's score blends the two (``DOC_WEIGHT``), so that a section
of the right policy beats a similar-sounding section of another (``I lost my badge`` should find the badge policy's
"Lost or stolen badge", not the laptop policy's "Lost, stolen or damaged equipment"). :func:`retrieve` returns the
``k`` best, each naming its document and section so an answer can cite them. No neural model, no network: it runs
the same in both modes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

__all__ = ["Passage", "PolicyIndex", "split_passages", "default_index", "retrieve", "hit_rate"]

DOC_WEIGHT = 0.5  # weight of the whole document's similarity in a passage's score
_HEADING = re.compile(r"(?m)^##\s+(.+?)\s*$")
_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@dataclass(frozen=True)
class Passage:
    """One section of one policy document; ``score`` is its similarity to the question (0 to 1)."""

    doc_id: str
    title: str
    heading: str
    text: str
    score: float = 0.0

    @property
    def source(self) -> str:
        """``doc-id > Section``: how an answer or a table names this passage."""
        return f"{self.doc_id} > {self.heading}"


def _clean(text: str) -> str:
    """Drop Markdown emphasis and collapse blank lines: fewer tokens in the prompt, same content."""
    text = text.replace("**", "").replace("`", "")
    return re.sub(r"\n{2,}", "\n", text).strip()


def split_passages(doc_id: str, markdown: str) -> list[Passage]:
    """Split one policy's Markdown into passages at its ``## `` headings (the title block joins the first)."""
    if not markdown.strip():
        raise ValueError(f"Policy {doc_id!r} is empty; check data/policies/{doc_id}.md.")
    first_line = markdown.strip().splitlines()[0]
    title = first_line.lstrip("#").strip() if first_line.startswith("#") else doc_id
    matches = list(_HEADING.finditer(markdown))
    if not matches:
        return [Passage(doc_id, title, title, _clean(markdown))]
    preamble = markdown[: matches[0].start()]
    passages = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(markdown)
        body = markdown[match.end() : end]
        if i == 0:
            body = preamble.replace(first_line, "", 1) + "\n" + body
        passages.append(Passage(doc_id, title, match.group(1), _clean(body)))
    return passages


def _analyzer(text: str) -> list[str]:
    """Lower-case words with a light plural/verb-ending fold (badges -> badge, ordering -> order), plus bigrams."""
    words = []
    for word in _TOKEN.findall(text.lower()):
        if word in _STOPWORDS:
            continue
        if len(word) > 4 and word.endswith("ing"):
            word = word[:-3]
        elif len(word) > 3 and word.endswith("es") and word[-3] in "sxz":
            word = word[:-2]
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


# A short English stop list (scikit-learn's is longer and drops words such as "first" that matter here).
_STOPWORDS = frozenset(
    "a an the and or but of to in on for with at by from as is are was were be been being it its this that these "
    "those i you we they he she my your our their me us them do does did have has had can could would should will "
    "shall may might what which who whom how when where why there here if then than so not no yes just about into "
    "over also any some all get got need want please long take takes should i'm".split()
)


class PolicyIndex:
    """A TF-IDF index over policy passages; build once, query many times."""

    def __init__(self, docs: dict[str, str]) -> None:
        """Index ``{doc_id: markdown}`` (as returned by :func:`helpers.datasets.load_policies`)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        if not docs:
            raise ValueError(
                "No policy documents to index: expected {doc_id: markdown}, e.g. datasets.load_policies()."
            )
        self.passages: list[Passage] = [p for doc_id, text in docs.items() for p in split_passages(doc_id, text)]
        self._vectorizer = TfidfVectorizer(analyzer=_analyzer, sublinear_tf=True)
        self._matrix = self._vectorizer.fit_transform([f"{p.title}\n{p.heading}\n{p.text}" for p in self.passages])
        doc_ids = list(docs)
        self._doc_vectorizer = TfidfVectorizer(analyzer=_analyzer, sublinear_tf=True)
        self._doc_matrix = self._doc_vectorizer.fit_transform([docs[d] for d in doc_ids])
        self._doc_of = [doc_ids.index(p.doc_id) for p in self.passages]

    def __len__(self) -> int:
        return len(self.passages)

    def retrieve(self, question: str, k: int = 3) -> list[Passage]:
        """The ``k`` passages most similar to ``question``, best first, with their scores."""
        if not isinstance(question, str) or not question.strip():
            raise ValueError("retrieve() needs a non-empty question string, e.g. retrieve('How do I order a laptop?').")
        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            raise ValueError(f"k must be a positive integer (the number of passages to return), got {k!r}.")
        passage = (self._matrix @ self._vectorizer.transform([question]).T).toarray().ravel()
        doc = (self._doc_matrix @ self._doc_vectorizer.transform([question]).T).toarray().ravel()
        scores = [(passage[i] + DOC_WEIGHT * doc[d]) / (1 + DOC_WEIGHT) for i, d in enumerate(self._doc_of)]
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]
        return [replace(self.passages[i], score=round(float(scores[i]), 4)) for i in order]


@lru_cache(maxsize=1)
def default_index() -> PolicyIndex:
    """The index over ``data/policies`` (built on first use, about 0.1 s, then cached)."""
    from .datasets import load_policies

    return PolicyIndex(load_policies())


def retrieve(question: str, k: int = 3) -> list[Passage]:
    """The ``k`` policy passages most relevant to ``question`` (from the workshop's policy documents)."""
    return default_index().retrieve(question, k)


def hit_rate(questions: Iterable[str], sources: Iterable[Sequence[str]], k: int = 3) -> float:
    """Fraction of questions whose top-``k`` passages come from at least one of their expected source documents.

    Questions with no expected source (``not_covered``) are skipped: there is nothing to find.
    """
    hits = total = 0
    for question, expected in zip(questions, sources, strict=True):
        if not expected:
            continue
        total += 1
        hits += any(p.doc_id in set(expected) for p in retrieve(question, k))
    if total == 0:
        raise ValueError("hit_rate() got no question with an expected source document; pass the chatbot eval set.")
    return hits / total
