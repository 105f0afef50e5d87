"""Plausible wrong answers to the exercises of 10_meeting_assistant: each must lose points."""

WRONG_ANSWERS = {
    "word_error_rate": {
        "calls jiwer (the oracle of the hidden tests)": '''
import jiwer

def word_error_rate(reference, hypothesis):
    if not reference.split():
        return float(len(hypothesis.split()))
    return jiwer.wer(reference, hypothesis)
''',
        "reads the rate off jiwer.process_words": '''
import jiwer

def word_error_rate(reference, hypothesis):
    if not reference.split():
        return float(len(hypothesis.split()))
    return jiwer.process_words(reference, hypothesis).wer
''',
        "goes round the guard through the package's wer.edit_distance": '''
from aisd.meetings import wer

def word_error_rate(reference, hypothesis):
    ref, hyp = reference.split(), hypothesis.split()
    subs, dels, ins, _ = wer.edit_distance(ref, hyp)
    return (subs + dels + ins) / max(1, len(ref))
''',
        "compares position by position (no alignment)": '''
def word_error_rate(reference, hypothesis):
    ref, hyp = reference.split(), hypothesis.split()
    errors = sum(a != b for a, b in zip(ref, hyp)) + abs(len(ref) - len(hyp))
    return errors / max(1, len(ref))
''',
        "forgets insertions": '''
def word_error_rate(reference, hypothesis):
    ref, hyp = reference.split(), hypothesis.split()
    prev = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        row = [i]
        for j in range(1, len(hyp) + 1):
            row.append(min(prev[j - 1] + (ref[i - 1] != hyp[j - 1]), prev[j] + 1, row[j - 1]))
        prev = row
    return prev[-1] / max(1, len(ref))
''',
        "divides by the longer transcript (never above 1)": '''
def word_error_rate(reference, hypothesis):
    ref, hyp = reference.split(), hypothesis.split()
    prev = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        row = [i]
        for j in range(1, len(hyp) + 1):
            row.append(min(prev[j - 1] + (ref[i - 1] != hyp[j - 1]), prev[j] + 1, row[j - 1] + 1))
        prev = row
    return prev[-1] / max(1, len(ref), len(hyp))
''',
        "edit distance over characters": '''
def word_error_rate(reference, hypothesis):
    ref, hyp = list(reference), list(hypothesis)
    prev = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        row = [i]
        for j in range(1, len(hyp) + 1):
            row.append(min(prev[j - 1] + (ref[i - 1] != hyp[j - 1]), prev[j] + 1, row[j - 1] + 1))
        prev = row
    return prev[-1] / max(1, len(ref))
''',
    },
    "caption_delay_budget": {
        "copies the old overloaded-server budget (30 s)": '''
def caption_delay_budget():
    return 30.0, "the caption server is busy, so captions may lag"
''',
        "a budget nothing measured can meet (0.5 s)": '''
def caption_delay_budget():
    return 0.5, "captions must be instant"
''',
        "milliseconds instead of seconds": '''
def caption_delay_budget():
    return 3000, "three seconds, in milliseconds"
''',
        "no reason given": '''
def caption_delay_budget():
    return 3.0, ""
''',
    },
    "choose_caption_setup": {
        "ignores the compute budget": '''
def choose_caption_setup(rows, max_delay_s, max_rtf):
    fits = [r for r in rows if r["delay_p95"] <= max_delay_s]
    return min(fits, key=lambda r: r["wer"])["setup"] if fits else None
''',
        "ignores the delay budget": '''
def choose_caption_setup(rows, max_delay_s, max_rtf):
    fits = [r for r in rows if r["rtf"] <= max_rtf]
    return min(fits, key=lambda r: r["wer"])["setup"] if fits else None
''',
        "the shortest delay, not the best WER": '''
def choose_caption_setup(rows, max_delay_s, max_rtf):
    fits = [r for r in rows if r["delay_p95"] <= max_delay_s and r["rtf"] <= max_rtf]
    return min(fits, key=lambda r: r["delay_p95"])["setup"] if fits else None
''',
        "the cheapest setup within the budgets": '''
def choose_caption_setup(rows, max_delay_s, max_rtf):
    fits = [r for r in rows if r["delay_p95"] <= max_delay_s and r["rtf"] <= max_rtf]
    return min(fits, key=lambda r: (r["rtf"], r["delay_p95"]))["setup"] if fits else None
''',
        "falls back to the best WER when nothing fits": '''
def choose_caption_setup(rows, max_delay_s, max_rtf):
    fits = [r for r in rows if r["delay_p95"] <= max_delay_s and r["rtf"] <= max_rtf] or rows
    return min(fits, key=lambda r: r["wer"])["setup"] if fits else None
''',
        "returns the row, not its setup name": '''
def choose_caption_setup(rows, max_delay_s, max_rtf):
    fits = [r for r in rows if r["delay_p95"] <= max_delay_s and r["rtf"] <= max_rtf]
    return min(fits, key=lambda r: r["wer"]) if fits else None
''',
    },
    "redact_contacts": {
        "goes round the guard through the package's find()": '''
from aisd.meetings import redact

def redact_contacts(text):
    out, at = [], 0
    for f in redact.find(text):
        if f["kind"] in ("email", "phone"):
            out += [text[at:f["start"]], "[EMAIL]" if f["kind"] == "email" else "[PHONE]"]
            at = f["end"]
    return "".join(out + [text[at:]])
''',
        "misses phone numbers (emails only)": '''
import re

def redact_contacts(text):
    tld = r"(?:com|org|net|io|co|uk|de|edu|example)"
    email = re.compile(r"\\b[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+\\b"
                       rf"|\\b\\w+(?:\\s+dot\\s+\\w+)*\\s+at\\s+\\w+(?:(?:\\s+dot\\s+|\\s+)\\w+){{0,2}}?\\s+dot\\s+{tld}\\b", re.I)
    return email.sub("[EMAIL]", text)
''',
        "misses emails (phones only)": '''
import re

def redact_contacts(text):
    return re.sub(r"(?<![\\w-])\\+?\\(?\\d[\\d\\s().-]{5,}\\d(?![\\w-])",
                  lambda m: "[PHONE]" if len(re.sub(r"\\D", "", m.group())) >= 7 else m.group(), text)
''',
        "written emails only (misses spoken ones)": '''
import re

def redact_contacts(text):
    text = re.sub(r"\\b[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+\\b", "[EMAIL]", text)
    return re.sub(r"(?<![\\w-])\\+?\\(?\\d[\\d\\s().-]{5,}\\d(?![\\w-])",
                  lambda m: "[PHONE]" if len(re.sub(r"\\D", "", m.group())) >= 7 else m.group(), text)
''',
        "only US-style 555 0142 numbers": '''
import re

def redact_contacts(text):
    tld = r"(?:com|org|net|io|co|uk|de|edu|example)"
    text = re.sub(r"\\b[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+\\b"
                  rf"|\\b\\w+(?:\\s+dot\\s+\\w+)*\\s+at\\s+\\w+(?:(?:\\s+dot\\s+|\\s+)\\w+){{0,2}}?\\s+dot\\s+{tld}\\b", "[EMAIL]", text, flags=re.I)
    return re.sub(r"\\b(?:\\d{3} )?\\d{3}[ -]\\d{4}\\b", "[PHONE]", text)
''',
        "any run of digits is a phone (eats dates and amounts)": '''
import re

def redact_contacts(text):
    tld = r"(?:com|org|net|io|co|uk|de|edu|example)"
    text = re.sub(r"\\b[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+\\b"
                  rf"|\\b\\w+(?:\\s+dot\\s+\\w+)*\\s+at\\s+\\w+(?:(?:\\s+dot\\s+|\\s+)\\w+){{0,2}}?\\s+dot\\s+{tld}\\b", "[EMAIL]", text, flags=re.I)
    return re.sub(r"\\+?\\(?\\d[\\d\\s().,:-]*\\d", "[PHONE]", text)
''',
        "redacts the whole sentence": '''
import re

def redact_contacts(text):
    if re.search(r"@|\\bat\\b.*\\bdot\\b|\\d{3}", text):
        return "[REDACTED]"
    return text
''',
    },
    "match_items": {
        "greedy: each extracted item takes its best free partner": '''
owner_matches = actions.owner_matches
task_similarity = actions.task_similarity

def match_items(extracted, reference, threshold=0.5):
    if not extracted or not reference:
        return {"precision": 1.0 if not extracted else 0.0, "recall": 1.0 if not reference else 0.0, "pairs": []}
    used, pairs = set(), []
    for i, e in enumerate(extracted):
        best = None
        for j, r in enumerate(reference):
            if j in used or not owner_matches(e.get("owner", ""), r["owner"]):
                continue
            s = task_similarity(e.get("task", ""), r["task"])
            if s >= threshold and (best is None or s > best[1]):
                best = (j, s)
        if best:
            used.add(best[0]); pairs.append((i, best[0]))
    return {"precision": len(pairs) / len(extracted), "recall": len(pairs) / len(reference), "pairs": pairs}
''',
        "not one-to-one (copies count twice)": '''
owner_matches = actions.owner_matches
task_similarity = actions.task_similarity

def match_items(extracted, reference, threshold=0.5):
    if not extracted or not reference:
        return {"precision": 1.0 if not extracted else 0.0, "recall": 1.0 if not reference else 0.0, "pairs": []}
    ok = lambda e, r: owner_matches(e.get("owner", ""), r["owner"]) and task_similarity(e.get("task", ""), r["task"]) >= threshold
    pairs = [(i, j) for i, e in enumerate(extracted) for j, r in enumerate(reference) if ok(e, r)]
    return {"precision": len({i for i, _ in pairs}) / len(extracted), "recall": len({j for _, j in pairs}) / len(reference),
            "pairs": pairs}
''',
        "ignores the owner": '''
import numpy as np
from scipy.optimize import linear_sum_assignment
task_similarity = actions.task_similarity

def match_items(extracted, reference, threshold=0.5):
    if not extracted or not reference:
        return {"precision": 1.0 if not extracted else 0.0, "recall": 1.0 if not reference else 0.0, "pairs": []}
    score = np.array([[task_similarity(e.get("task", ""), r["task"]) for r in reference] for e in extracted])
    score[score < threshold] = 0
    rows, cols = linear_sum_assignment(-score)
    pairs = [(int(i), int(j)) for i, j in zip(rows, cols) if score[i, j] > 0]
    return {"precision": len(pairs) / len(extracted), "recall": len(pairs) / len(reference), "pairs": pairs}
''',
        "precision and recall swapped": '''
import numpy as np
from scipy.optimize import linear_sum_assignment
owner_matches = actions.owner_matches
task_similarity = actions.task_similarity

def match_items(extracted, reference, threshold=0.5):
    if not extracted or not reference:
        return {"precision": 1.0 if not extracted else 0.0, "recall": 1.0 if not reference else 0.0, "pairs": []}
    score = np.zeros((len(extracted), len(reference)))
    for i, e in enumerate(extracted):
        for j, r in enumerate(reference):
            if owner_matches(e.get("owner", ""), r["owner"]):
                s = task_similarity(e.get("task", ""), r["task"])
                score[i, j] = s if s >= threshold else 0.0
    rows, cols = linear_sum_assignment(-score)
    pairs = [(int(i), int(j)) for i, j in zip(rows, cols) if score[i, j] > 0]
    return {"precision": len(pairs) / len(reference), "recall": len(pairs) / len(extracted), "pairs": pairs}
''',
        "exact task text only": '''
owner_matches = actions.owner_matches

def match_items(extracted, reference, threshold=0.5):
    if not extracted or not reference:
        return {"precision": 1.0 if not extracted else 0.0, "recall": 1.0 if not reference else 0.0, "pairs": []}
    used, pairs = set(), []
    for i, e in enumerate(extracted):
        for j, r in enumerate(reference):
            if j not in used and owner_matches(e.get("owner", ""), r["owner"]) and e.get("task") == r["task"]:
                used.add(j); pairs.append((i, j)); break
    return {"precision": len(pairs) / len(extracted), "recall": len(pairs) / len(reference), "pairs": pairs}
''',
    },
    "quiz_meetings": {
        "blames missed speech": '''
def quiz_meetings():
    return {"q1": "a", "q2": "c", "q3": "c", "q4": "c"}
''',
        "redacts after the summary": '''
def quiz_meetings():
    return {"q1": "b", "q2": "a", "q3": "c", "q4": "a"}
''',
        "the pattern of other notebooks (b-c-a-b)": '''
def quiz_meetings():
    return {"q1": "b", "q2": "c", "q3": "a", "q4": "b"}
''',
        "all a": '''
def quiz_meetings():
    return {"q1": "a", "q2": "a", "q3": "a", "q4": "a"}
''',
    },
}
