"""One correction per object, and how much two annotators agree (notebook 06).

:func:`consolidate`, :func:`agreement`, :func:`plot_agreement`: one correction per object by a rule the notebook
shows, and how much two annotators agree (ROUGE-L between their corrections, their ratings of the draft).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd


def consolidate(answers: pd.DataFrame, preference: Callable[[pd.Series], Any]) -> pd.DataFrame:
    """One answer per object: the one with the highest ``preference(answer)`` (ties: the first answer). Adds
    ``answers`` (how many the object had) and ``preference`` (the chosen answer's key)."""
    if answers.empty:
        raise ValueError("No answers to consolidate.")
    scored = answers.assign(preference=answers.apply(preference, axis=1))
    chosen = []
    for _, group in scored.groupby("id", sort=False):
        best = max(range(len(group)), key=lambda i: group["preference"].iloc[i])
        chosen.append(group.iloc[best].to_dict() | {"answers": len(group)})
    return pd.DataFrame(chosen).reset_index(drop=True)


def agreement(answers: pd.DataFrame) -> pd.DataFrame:
    """Per object with two answers or more: the first two workers (by name), ROUGE-L between their corrected briefs (1.0:
    the same words in the same order), their ratings of the draft and the difference."""
    from ..scoring import rouge_l

    rows = []
    for object_id, group in answers.groupby("id", sort=False):
        if len(group) < 2:
            continue
        a, b = group.sort_values("worker", kind="stable").head(2).to_dict("records")
        texts = (a["corrected_brief"].strip(), b["corrected_brief"].strip())
        similarity = rouge_l(*texts) if all(texts) else float(texts[0] == texts[1])
        rows.append(
            {
                "id": object_id,
                "worker_1": a["worker"],
                "worker_2": b["worker"],
                "rougeL_between_corrections": round(similarity, 4),
                "rating_1": a["rating"],
                "rating_2": b["rating"],
                "rating_difference": None
                if pd.isna(a["rating"]) or pd.isna(b["rating"])
                else abs(int(a["rating"]) - int(b["rating"])),
            }
        )
    return pd.DataFrame(rows)


def agreement_summary(per_object: pd.DataFrame) -> dict[str, float | int | None]:
    """Mean and lowest ROUGE-L between corrections; the share of objects whose two ratings are equal, and within
    one point; Cohen's kappa with quadratic weights (None when it is undefined: a single rating value)."""
    from sklearn.metrics import cohen_kappa_score

    rated = per_object.dropna(subset=["rating_1", "rating_2"])
    first, second = rated["rating_1"].astype(int), rated["rating_2"].astype(int)
    kappa = None
    if len(set(first) | set(second)) > 1:
        kappa = float(cohen_kappa_score(first, second, weights="quadratic", labels=[1, 2, 3, 4, 5]))
    return {
        "objects": len(per_object),
        "mean_rougeL_between_corrections": float(per_object["rougeL_between_corrections"].mean()),
        "min_rougeL_between_corrections": float(per_object["rougeL_between_corrections"].min()),
        "rating_exact_agreement": float((first == second).mean()) if len(rated) else None,
        "rating_within_one": float(((first - second).abs() <= 1).mean()) if len(rated) else None,
        "rating_kappa_quadratic": kappa,
    }


def plot_agreement(per_object: pd.DataFrame) -> Any:
    """Two panels: ROUGE-L between the two corrections per object, and the two ratings of each draft against each
    other (a count per cell of the 5 x 5 grid; the diagonal is agreement)."""
    import matplotlib.pyplot as plt
    import numpy as np

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [3, 2]})
    ordered = per_object.sort_values("rougeL_between_corrections")
    left.barh(ordered["id"], ordered["rougeL_between_corrections"], color="tab:blue")
    left.set(xlim=(0, 1.02), xlabel="ROUGE-L between the two corrected briefs", title="corrections")
    left.tick_params(axis="y", labelsize=7)
    grid = np.zeros((5, 5), dtype=int)
    for r1, r2 in per_object[["rating_1", "rating_2"]].dropna().astype(int).itertuples(index=False):
        grid[r2 - 1, r1 - 1] += 1
    right.imshow(grid, origin="lower", cmap="Blues", extent=(0.5, 5.5, 0.5, 5.5))
    for (y, x), count in np.ndenumerate(grid):
        if count:
            right.text(x + 1, y + 1, str(count), ha="center", va="center", fontsize=9)
    right.set(xlabel="rating of worker 1", ylabel="rating of worker 2", title="ratings of the draft (1-5)")
    fig.tight_layout()
    return fig
