"""From findings to the comments a pull request gets: merge and de-duplicate what several tools found,
score each finding by how often its kind was right on the tuning split, and post the best few.

>>> found = [{"path": "a.py", "line": 3, "tool": "ruff", "score": 0.9},
...          {"path": "a.py", "line": 4, "tool": "bandit", "score": 0.5},
...          {"path": "a.py", "line": 9, "tool": "llm", "score": 0.2}]
>>> [(f["line"], f["tools"]) for f in merge_findings(found, window=2)]
[(3, ['bandit', 'ruff']), (9, ['llm'])]
>>> [f["line"] for f in select_comments(merge_findings(found, 2), budget=1, min_score=0.1)]
[3]
"""
from __future__ import annotations

from collections import defaultdict

from aisd.core.errors import AisdError


class ReviewError(AisdError):
    """Findings or a comment budget that the review cannot use."""

SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2}


def merge_findings(findings: list[dict], window: int) -> list[dict]:
    """De-duplicate findings of several tools: take them from the highest ``score`` down (ties: lower
    line first, then tool name); a finding within ``window`` lines of a finding already kept *in the
    same file* is merged into the first such kept finding (its tool joins that finding's ``"tools"``);
    any other finding is kept, as a copy with ``"tools": [its tool]``. Returns the kept findings in
    that order (highest score first); each ``"tools"`` list is sorted and holds each tool once.

    Reference answer of notebook 07, exercise ``ex_merge_findings``.

    >>> merge_findings([{"path": "a.py", "line": 5, "tool": "ruff", "score": 0.4},
    ...                 {"path": "a.py", "line": 6, "tool": "tests", "score": 0.8}], window=2)
    [{'path': 'a.py', 'line': 6, 'tool': 'tests', 'score': 0.8, 'tools': ['ruff', 'tests']}]
    """
    order = sorted(findings, key=lambda f: (-f["score"], f["line"], f["tool"]))
    kept: list[dict] = []
    for f in order:
        for k in kept:
            if k["path"] == f["path"] and abs(k["line"] - f["line"]) <= window:
                if f["tool"] not in k["tools"]:
                    k["tools"] = sorted(k["tools"] + [f["tool"]])
                break
        else:
            kept.append({**f, "tools": [f["tool"]]})
    return kept


def select_comments(merged: list[dict], budget: int, min_score: float) -> list[dict]:
    """The comments to post on one pull request: merged findings scoring at least ``min_score``, the
    ``budget`` best (highest score first; ties: lower line first)."""
    if budget < 0:
        raise ReviewError(f"the comment budget must be 0 or more, not {budget}")
    ranked = sorted((f for f in merged if f["score"] >= min_score), key=lambda f: (-f["score"], f["line"]))
    return ranked[:budget]


def group_of(finding: dict) -> tuple[str, str]:
    """What a finding's confidence is learned for: its tool and its rule (``code``)."""
    return finding["tool"], finding.get("code", "")


def learn_confidence(findings: list[dict], correct: list[bool], prior: float = 1.0) -> dict:
    """Per (tool, rule): the share of its tuning findings that were right, smoothed towards the tool's
    share (``prior`` pseudo-findings), and per tool its share; unseen tools score their severity.

    >>> conf = learn_confidence([{"tool": "t", "code": "a"}, {"tool": "t", "code": "a"},
    ...                          {"tool": "t", "code": "b"}], [True, True, False])
    >>> round(conf[("t", "a")], 3), round(conf[("t", "b")], 3), round(conf["t"], 3)
    (0.889, 0.333, 0.667)
    """
    by_group, by_tool = defaultdict(list), defaultdict(list)
    for f, ok in zip(findings, correct):
        by_group[group_of(f)].append(ok)
        by_tool[f["tool"]].append(ok)
    conf: dict = {tool: sum(v) / len(v) for tool, v in by_tool.items()}
    for (tool, code), v in by_group.items():
        conf[(tool, code)] = (sum(v) + prior * conf[tool]) / (len(v) + prior)
    return conf


def score(findings: list[dict], confidence: dict) -> list[dict]:
    """Copies of ``findings`` with ``"score"``: the learned confidence of their group, else of their
    tool, else their severity mapped to 0.1 / 0.3 / 0.5 (a guess, said as one)."""
    out = []
    for f in findings:
        s = confidence.get(group_of(f), confidence.get(f["tool"]))
        if s is None:
            s = 0.1 + 0.2 * SEVERITY_RANK.get(f.get("severity", "low"), 0)
        out.append({**f, "score": round(float(s), 4)})
    return out
