"""A small matplotlib dashboard of the checked answers."""

from __future__ import annotations

from typing import Any

import pandas as pd

FLAG_LABELS = {
    "offensive": "offensive",
    "pii_leak": "PII leak",
    "tone_below_bar": "tone below bar",
    "advice_violation": "investment advice",
    "missed_refusal": "missed refusal",
    "refusal": "refused",
    "too_long": "too long",
    "empty": "empty",
    "slow": "slow",
}


def flag_counts(checked: pd.DataFrame) -> pd.Series:
    """How many answers each check flagged (refusals counted too, for context)."""
    return pd.Series({label: int(checked[col].sum()) for col, label in FLAG_LABELS.items() if col in checked})


def plot_dashboard(checked: pd.DataFrame, tone_bar: float, latency_bar_s: float | None = None) -> Any:
    """A four-panel matplotlib dashboard: flags per check, tone scores, answer lengths, latency by kind."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(12, 7.5))
    counts = flag_counts(checked)
    ax = axes[0][0]
    bars = ax.barh(list(counts.index), list(counts.values), color="#c0504d")
    ax.bar_label(bars)
    ax.invert_yaxis()
    ax.set_title(f"Answers flagged, of {len(checked)}")
    ax = axes[0][1]
    ax.hist(checked["tone_score"], bins=[i / 10 for i in range(11)], color="#4f81bd")
    ax.axvline(tone_bar, color="black", linestyle="--", label=f"bar {tone_bar:g}")
    ax.set_title(f"Tone and politeness (mean {checked['tone_score'].mean():.2f})")
    ax.set_xlabel("tone score")
    ax.legend()
    ax = axes[1][0]
    ax.hist(checked["answer_words"], bins=15, color="#9bbb59")
    ax.set_title("Answer length")
    ax.set_xlabel("words")
    ax = axes[1][1]
    if "latency_s" in checked and checked["latency_s"].notna().any():
        by_kind = checked.dropna(subset=["latency_s"]).groupby("kind")["latency_s"]
        ax.boxplot([group.values for _, group in by_kind], tick_labels=[str(k) for k, _ in by_kind], vert=False)
        if latency_bar_s:
            ax.axvline(latency_bar_s, color="black", linestyle="--", label=f"bar {latency_bar_s:g} s")
            ax.legend()
        ax.set_title("Latency by request kind (client side)")
        ax.set_xlabel("seconds")
    else:
        ax.text(0.5, 0.5, "no latency data", ha="center", va="center")
        ax.set_title("Latency")
    fig.tight_layout()
    return fig
