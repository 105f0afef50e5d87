"""The cascade end to end: each post goes through the stages in order until one decides.

1. **rules**: a blocklist term safe for automatic removal (chosen on tuning data) removes the post;
2. **classifier**: score >= ``remove_at`` removes, score < ``review_at`` allows, the rest is *uncertain*;
3. **llm** (uncertain posts only): ``ok`` allows; ``violating`` (or an unusable answer) sends to review;
4. **human**: a reviewer decides (assumed right: the post's label), within the team's capacity.

Switch a stage off to see what it was worth: without the classifier every post not caught by the rules
goes to the LLM (or, without it, to people); without the LLM the whole uncertain band goes to people.

>>> d = route(["you idiot", "nice", "meh", "hmm"], [1, 0, 1, 0], rule_hits=[True, False, False, False],
...           scores=[0.9, 0.1, 0.5, 0.5], remove_at=0.8, review_at=0.3, llm_labels=["ok", "ok", "violating", "ok"])
>>> d[["stage", "action"]].values.tolist()
[['rules', 'remove'], ['classifier', 'allow'], ['human', 'remove'], ['llm', 'allow']]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from aisd.core.errors import AisdError

STAGES = ("rules", "classifier", "llm", "human")


def route(texts, labels, rule_hits, scores, remove_at: float, review_at: float, llm_labels=None,
          stages=STAGES) -> pd.DataFrame:
    """One row per post: ``stage`` that decided it, ``action`` (remove / allow), ``label``."""
    n = len(texts)
    if not (len(labels) == len(rule_hits) == len(scores) == n):
        raise AisdError("texts, labels, rule_hits and scores must have the same length")
    if "llm" in stages and (llm_labels is None or len(llm_labels) != n):
        raise AisdError("the llm stage needs one llm label per post (None where the LLM was not asked)")
    unknown = set(stages) - set(STAGES)
    if unknown or "human" not in stages:
        raise AisdError(f"stages are a subset of {STAGES} that includes 'human'; got {stages}")
    rows = []
    for i in range(n):
        y = int(labels[i])
        if "rules" in stages and rule_hits[i]:
            stage, action = "rules", "remove"
        elif "classifier" in stages and scores[i] >= remove_at:
            stage, action = "classifier", "remove"
        elif "classifier" in stages and scores[i] < review_at:
            stage, action = "classifier", "allow"
        elif "llm" in stages and llm_labels[i] == "ok":
            stage, action = "llm", "allow"
        else:
            stage, action = "human", "remove" if y else "allow"
        rows.append({"stage": stage, "action": action, "label": y})
    return pd.DataFrame(rows)


def stage_table(decided: pd.DataFrame, latency_s: dict, usd_per_post: dict, per: int = 1000) -> pd.DataFrame:
    """Per stage: share of posts decided, removals and their precision, harmful posts allowed, the
    latency of that stage per post, and what the cascade spends per ``per`` posts in it (every post
    decided at a later stage also paid for the earlier ones)."""
    n = len(decided)
    order = [s for s in STAGES if s in latency_s]
    rows, reached = [], n
    for s in order:
        d = decided[decided.stage == s]
        removed = d[d.action == "remove"]
        rows.append({"stage": s, f"decided per {per}": round(per * len(d) / n, 1),
                     "removed": len(removed),
                     "remove precision": round(removed.label.mean(), 3) if len(removed) else np.nan,
                     "harmful allowed": int(((d.action == "allow") & (d.label == 1)).sum()),
                     "latency per post (s)": latency_s[s],
                     f"USD per {per} posts": round(per * reached / n * usd_per_post[s], 4)})
        reached -= len(d)
    return pd.DataFrame(rows).set_index("stage")


def final_metrics(decided: pd.DataFrame) -> dict:
    """Precision and recall of the cascade's removals, and the share of posts sent to people.

    >>> final_metrics(pd.DataFrame({"stage": ["rules", "human"], "action": ["remove", "allow"], "label": [1, 0]}))
    {'precision': 1.0, 'recall': 1.0, 'to_people': 0.5}
    """
    removed, y = decided.action == "remove", decided.label == 1
    return {"precision": round(float(y[removed].mean()), 4) if removed.any() else float("nan"),
            "recall": round(float((removed & y).sum() / max(y.sum(), 1)), 4),
            "to_people": round(float((decided.stage == "human").mean()), 4)}
