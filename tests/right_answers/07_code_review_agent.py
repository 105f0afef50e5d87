"""Right answers to the exercises of 07_code_review_agent written another valid way: each set replaces every answer
cell (``{grade_id: source}``) and must earn every point, hidden tests included (run with
``conftest.points_lost_with``): the mirror of ``tests/wrong_answers/``. The decisions get two different methods each:
midpoints between the observed scores with the opposite tie rule, and one cumulative pass over the sorted scores,
for the merge gate; a strict and a looser, differently argued budget for the LLM's noise."""

RIGHT_ANSWERS = [{
    "ex_changed_lines": '''
import re

def changed_lines(diff: str) -> dict[str, list[int]]:
    # Walk hunk by hunk, counting down the new side's line count from the header.
    out, path, new, left = {}, None, 0, 0
    for text in diff.split("\\n"):
        if text.startswith("+++ "):
            name = text[4:].split("\\t")[0].strip()
            path = None if name == "/dev/null" else (name[2:] if name.startswith("b/") else name)
            if path is not None and path not in out:
                out[path] = []
            continue
        if path is None or text.startswith("--- ") or text.startswith("\\\\"):
            continue
        m = re.match(r"@@ -\\S+ \\+(\\d+)(?:,(\\d+))? @@", text)
        if m:
            new, left = int(m.group(1)), int(m.group(2) or 1)
        elif text.startswith("+"):
            out[path].append(new)
            new, left = new + 1, left - 1
        elif not text.startswith("-") and left > 0:
            new, left = new + 1, left - 1
    return {k: sorted(v) for k, v in out.items()}
''',
    "ex_merge_findings": '''
def merge_findings(findings: list[dict], window: int) -> list[dict]:
    ranked = sorted(range(len(findings)),
                    key=lambda i: (-findings[i]["score"], findings[i]["line"], findings[i]["tool"]))
    kept = []
    for i in ranked:
        f = findings[i]
        home = next((k for k in kept if k["path"] == f["path"] and abs(k["line"] - f["line"]) <= window), None)
        if home is None:
            kept.append(dict(f, tools=[f["tool"]]))
        elif f["tool"] not in home["tools"]:
            home["tools"] = sorted(home["tools"] + [f["tool"]])
    return kept
''',
    "ex_choose_block_threshold": '''
def choose_block_threshold(pr_scores, is_bug, false_block_cost: float, missed_bug_cost: float) -> float:
    # Midpoints between the observed scores (and never blocking); on a tie, block more.
    levels = sorted(set(float(s) for s in pr_scores))
    candidates = [levels[0] - 1.0] + [(a + b) / 2 for a, b in zip(levels, levels[1:])] + [math.inf]
    def cost(t):
        return sum(false_block_cost if (s >= t and not b) else missed_bug_cost if (s < t and b) else 0.0
                   for s, b in zip(pr_scores, is_bug))
    return min(candidates, key=lambda t: (cost(t), t))
''',
    "ex_llm_noise_budget": '''
def llm_noise_budget():
    return 0.05, ("the whole agent may comment on 5 % of clean PRs, so the LLM cannot have more than that on its own; "
                  "every one of its comments should be backed by evidence")
''',
    "ex_quiz_review": '''
def quiz_review():
    return {"q1": " A", "q2": "B", "q3": "c ", "q4": "A"}
''',
}, {
    "ex_choose_block_threshold": '''
def choose_block_threshold(pr_scores, is_bug, false_block_cost: float, missed_bug_cost: float) -> float:
    # One pass over the PRs from the highest score down: cumulative clean PRs blocked and bugs caught give every
    # threshold's cost at once (the cost of never blocking minus what each blocked bug saves, plus each false block).
    order = np.argsort(-np.asarray(pr_scores, dtype=float), kind="stable")
    s = np.asarray(pr_scores, dtype=float)[order]
    b = np.asarray(is_bug, dtype=bool)[order]
    cost = missed_bug_cost * b.sum() - missed_bug_cost * np.cumsum(b) + false_block_cost * np.cumsum(~b)
    last = np.r_[s[1:] != s[:-1], True]               # a threshold blocks every PR of its score level
    levels, costs = s[last], cost[last]
    if costs.size == 0 or costs.min() >= missed_bug_cost * b.sum():
        return math.inf
    return float(levels[np.flatnonzero(costs == costs.min())[0]])   # ties: the highest level (block fewer)
''',
    "ex_llm_noise_budget": '''
def llm_noise_budget():
    return 0.15, "below the one-in-five mute line, with a little room for the noise of a small tuning sample"
''',
}]
