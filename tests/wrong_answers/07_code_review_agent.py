"""Plausible wrong answers to the exercises of 07_code_review_agent: each must lose points."""

WRONG_ANSWERS = {
    "changed_lines": {
        "numbers lines in the old version (the hunk's -start)": '''
import re

def changed_lines(diff):
    out, path, line = {}, None, 0
    for text in diff.splitlines():
        if text.startswith("+++ "):
            name = text[4:].strip()
            path = None if name == "/dev/null" else name.removeprefix("b/")
            if path is not None:
                out.setdefault(path, [])
        elif text.startswith("--- ") or path is None:
            continue
        elif text.startswith("@@"):
            line = int(re.match(r"@@ -(\\d+)", text).group(1))
        elif text.startswith("+"):
            out[path].append(line)
            line += 1
        elif text.startswith(" ") or text == "":
            line += 1
    return out
''',
        "removed lines also advance the new line number": '''
import re

def changed_lines(diff):
    out, path, line = {}, None, 0
    for text in diff.splitlines():
        if text.startswith("+++ "):
            path = text[4:].strip().removeprefix("b/")
            out.setdefault(path, [])
        elif text.startswith("--- ") or path is None:
            continue
        elif text.startswith("@@"):
            line = int(re.match(r"@@ -\\d+(?:,\\d+)? \\+(\\d+)", text).group(1))
        elif text.startswith("+"):
            out[path].append(line)
            line += 1
        else:
            line += 1
    return out
''',
        "keeps the b/ prefix and the deleted file": '''
import re

def changed_lines(diff):
    out, path, line = {}, None, 0
    for text in diff.splitlines():
        if text.startswith("+++ "):
            path = text[4:].strip()
            out.setdefault(path, [])
        elif text.startswith("--- ") or path is None:
            continue
        elif text.startswith("@@"):
            line = int(re.match(r"@@ -\\d+(?:,\\d+)? \\+(\\d+)", text).group(1))
        elif text.startswith("+"):
            out[path].append(line)
            line += 1
        elif text.startswith(" ") or text == "":
            line += 1
    return out
''',
        "an empty line in a hunk is not counted as context": '''
import re

def changed_lines(diff):
    out, path, line = {}, None, 0
    for text in diff.splitlines():
        if text.startswith("+++ "):
            name = text[4:].strip()
            path = None if name == "/dev/null" else name.removeprefix("b/")
            if path is not None:
                out.setdefault(path, [])
        elif text.startswith("--- ") or path is None:
            continue
        elif text.startswith("@@"):
            line = int(re.match(r"@@ -\\d+(?:,\\d+)? \\+(\\d+)", text).group(1))
        elif text.startswith("+"):
            out[path].append(line)
            line += 1
        elif text.startswith(" "):
            line += 1
    return out
''',
        "parses the rows llmreview.numbered_diff prints (the LLM's view of the diff)": '''
from aisd.codereview import llmreview


def changed_lines(diff):
    out, path = {}, None
    for row in llmreview.numbered_diff(diff).splitlines():
        if row.startswith("file "):
            path = row[5:].strip()
            out.setdefault(path, [])
        elif row[5:7] == "+ " or row[4:6] == " +":
            out[path].append(int(row[:4]))
    return out
''',
    },
    "merge_findings": {
        "merges only findings on the very same line": '''
def merge_findings(findings, window):
    kept = []
    for f in sorted(findings, key=lambda f: (-f["score"], f["line"], f["tool"])):
        near = [k for k in kept if k["path"] == f["path"] and k["line"] == f["line"]]
        if near:
            near[0]["tools"] = sorted(set(near[0]["tools"]) | {f["tool"]})
        else:
            kept.append({**f, "tools": [f["tool"]]})
    return kept
''',
        "walks the findings in input order, not by score": '''
def merge_findings(findings, window):
    kept = []
    for f in findings:
        near = [k for k in kept if k["path"] == f["path"] and abs(k["line"] - f["line"]) <= window]
        if near:
            near[0]["tools"] = sorted(set(near[0]["tools"]) | {f["tool"]})
        else:
            kept.append({**f, "tools": [f["tool"]]})
    return sorted(kept, key=lambda f: -f["score"])
''',
        "ignores the file": '''
def merge_findings(findings, window):
    kept = []
    for f in sorted(findings, key=lambda f: (-f["score"], f["line"], f["tool"])):
        near = [k for k in kept if abs(k["line"] - f["line"]) <= window]
        if near:
            near[0]["tools"] = sorted(set(near[0]["tools"]) | {f["tool"]})
        else:
            kept.append({**f, "tools": [f["tool"]]})
    return kept
''',
        "chains neighbours by line (sorted by line, merged into the previous one)": '''
def merge_findings(findings, window):
    kept = []
    for f in sorted(findings, key=lambda f: (f["path"], f["line"], -f["score"])):
        if kept and kept[-1]["path"] == f["path"] and f["line"] - kept[-1]["line"] <= window:
            kept[-1]["tools"] = sorted(set(kept[-1]["tools"]) | {f["tool"]})
            if f["score"] > kept[-1]["score"]:
                kept[-1] = {**f, "tools": kept[-1]["tools"]}
        else:
            kept.append({**f, "tools": [f["tool"]]})
    return sorted(kept, key=lambda f: (-f["score"], f["line"]))
''',
        "drops duplicates without recording which tools agreed": '''
def merge_findings(findings, window):
    kept = []
    for f in sorted(findings, key=lambda f: (-f["score"], f["line"], f["tool"])):
        if not any(k["path"] == f["path"] and abs(k["line"] - f["line"]) <= window for k in kept):
            kept.append({**f, "tools": [f["tool"]]})
    return kept
''',
    },
    "choose_block_threshold": {
        "goes round the guard by pricing every threshold with decisions.block_cost": '''
from aisd.codereview import decisions as E


def choose_block_threshold(pr_scores, is_bug, false_block_cost, missed_bug_cost):
    candidates = [math.inf] + sorted(set(float(x) for x in pr_scores), reverse=True)
    return min(candidates, key=lambda t: E.block_cost(pr_scores, is_bug, t, false_block_cost, missed_bug_cost))
''',
        "maximises accuracy (ignores the costs)": '''
def choose_block_threshold(pr_scores, is_bug, false_block_cost, missed_bug_cost):
    scores, bugs = np.asarray(pr_scores, dtype=float), np.asarray(is_bug, dtype=bool)
    best, best_acc = math.inf, np.mean(~bugs)
    for t in sorted(set(scores.tolist()), reverse=True):
        acc = np.mean((scores >= t) == bugs)
        if acc > best_acc:
            best, best_acc = t, acc
    return best
''',
        "swaps the two costs": '''
def choose_block_threshold(pr_scores, is_bug, false_block_cost, missed_bug_cost):
    scores, bugs = np.asarray(pr_scores, dtype=float), np.asarray(is_bug, dtype=bool)
    def cost(t):
        blocked = scores >= t
        return missed_bug_cost * np.sum(blocked & ~bugs) + false_block_cost * np.sum(~blocked & bugs)
    best = math.inf
    for t in sorted(set(scores.tolist()), reverse=True):
        if cost(t) < cost(best):
            best = t
    return best
''',
        "never considers not blocking at all": '''
def choose_block_threshold(pr_scores, is_bug, false_block_cost, missed_bug_cost):
    scores, bugs = np.asarray(pr_scores, dtype=float), np.asarray(is_bug, dtype=bool)
    def cost(t):
        blocked = scores >= t
        return false_block_cost * np.sum(blocked & ~bugs) + missed_bug_cost * np.sum(~blocked & bugs)
    candidates = sorted(set(scores.tolist()), reverse=True)
    return min(candidates, key=cost)
''',
        "blocks only above the threshold (> instead of >=)": '''
def choose_block_threshold(pr_scores, is_bug, false_block_cost, missed_bug_cost):
    scores, bugs = np.asarray(pr_scores, dtype=float), np.asarray(is_bug, dtype=bool)
    def cost(t):
        blocked = scores > t
        return false_block_cost * np.sum(blocked & ~bugs) + missed_bug_cost * np.sum(~blocked & bugs)
    best = math.inf
    for t in sorted(set(scores.tolist()), reverse=True):
        if cost(t) < cost(best):
            best = t
    return best
''',
    },
    "llm_noise_budget": {
        "no budget at all (every comment goes through)": '''
def llm_noise_budget():
    return 1.0, "the LLM finds the bugs the tests miss, so let it say everything"
''',
        "a percentage instead of a share": '''
def llm_noise_budget():
    return 10, "ten percent of clean PRs is what developers tolerate"
''',
        "a number without a reason": '''
def llm_noise_budget():
    return 0.1, ""
''',
    },
    "quiz_review": {
        "believes the tests catch the latent bugs": '''
def quiz_review():
    return {"q1": "b", "q2": "b", "q3": "c", "q4": "a"}
''',
        "blocks on any finding": '''
def quiz_review():
    return {"q1": "a", "q2": "b", "q3": "c", "q4": "b"}
''',
        "the common key pattern b-c-a-b": '''
def quiz_review():
    return {"q1": "b", "q2": "c", "q3": "a", "q4": "b"}
''',
        "answers in words instead of letters": '''
def quiz_review():
    return {"q1": "static analysis", "q2": "leakage", "q3": "same result", "q4": "cost"}
''',
    },
}
