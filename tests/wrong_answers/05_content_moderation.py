"""Plausible wrong answers to the exercises of 05_content_moderation: each must lose points."""

WRONG_ANSWERS = {
    "normalise": {
        "only lower case": '''
def normalise(text):
    return text.lower()
''',
        "collapses repeats before joining single letters": '''
import re
LEET = rules.LEET

def normalise(text):
    text = "".join(LEET.get(c, c) for c in text.lower())
    text = " ".join(re.sub(r"[^a-z]", " ", text).split())
    text = re.sub(r"([a-z])\\1+", r"\\1", text)
    return re.sub(r"\\b[a-z](?: [a-z]){2,}\\b", lambda m: m.group(0).replace(" ", ""), text)
''',
        "leetspeak after removing non-letters (digits are lost)": '''
import re
LEET = rules.LEET

def normalise(text):
    text = " ".join(re.sub(r"[^a-z]", " ", text.lower()).split())
    text = "".join(LEET.get(c, c) for c in text)
    text = re.sub(r"\\b[a-z](?: [a-z]){2,}\\b", lambda m: m.group(0).replace(" ", ""), text)
    return re.sub(r"([a-z])\\1+", r"\\1", text)
''',
        "joins any run of single letters, even two": '''
import re
LEET = rules.LEET

def normalise(text):
    text = "".join(LEET.get(c, c) for c in text.lower())
    text = " ".join(re.sub(r"[^a-z]", " ", text).split())
    text = re.sub(r"\\b[a-z](?: [a-z])+\\b", lambda m: m.group(0).replace(" ", ""), text)
    return re.sub(r"([a-z])\\1+", r"\\1", text)
''',
        "collapses only runs of three or more letters": '''
import re
LEET = rules.LEET

def normalise(text):
    text = "".join(LEET.get(c, c) for c in text.lower())
    text = " ".join(re.sub(r"[^a-z]", " ", text).split())
    text = re.sub(r"\\b[a-z](?: [a-z]){2,}\\b", lambda m: m.group(0).replace(" ", ""), text)
    return re.sub(r"([a-z])\\1{2,}", r"\\1", text)
''',
    },
    "macro_f1": {
        "escape route: expands the matrix into labels and calls scikit-learn's f1_score (the hidden tests' own oracle)": '''
from sklearn.metrics import f1_score

def macro_f1(confusion):
    c = np.asarray(confusion, dtype=int)
    y_true, y_pred = [], []
    for i in range(len(c)):
        for j in range(len(c)):
            y_true += [i] * c[i, j]; y_pred += [j] * c[i, j]
    return round(float(f1_score(y_true, y_pred, labels=list(range(len(c))), average="macro", zero_division=0)), 4)
''',
        "escape route: per-class precision and recall from scikit-learn, F1 by hand": '''
import sklearn.metrics

def macro_f1(confusion):
    c = np.asarray(confusion, dtype=int)
    y_true = np.repeat(np.repeat(np.arange(len(c)), len(c)), c.ravel())
    y_pred = np.repeat(np.tile(np.arange(len(c)), len(c)), c.ravel())
    p, r, _, _ = sklearn.metrics.precision_recall_fscore_support(y_true, y_pred, labels=list(range(len(c))), zero_division=0)
    f = np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0)
    return round(float(f.mean()), 4)
''',
        "micro (accuracy) instead of macro": '''
def macro_f1(confusion):
    c = np.asarray(confusion, dtype=float)
    return round(float(np.trace(c) / c.sum()), 4)
''',
        "F1 of the positive class only": '''
def macro_f1(confusion):
    c = np.asarray(confusion, dtype=float)
    p, r = c[1, 1] / c[:, 1].sum(), c[1, 1] / c[1, :].sum()
    return round(float(2 * p * r / (p + r)), 4)
''',
        "precision and recall swapped axes, weighted by support": '''
def macro_f1(confusion):
    c = np.asarray(confusion, dtype=float)
    tp = np.diag(c)
    p, r = tp / np.maximum(c.sum(axis=1), 1), tp / np.maximum(c.sum(axis=0), 1)
    f1 = np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0)
    return round(float(np.average(f1, weights=c.sum(axis=1))), 4)
''',
        "mean precision and mean recall, then F1": '''
def macro_f1(confusion):
    c = np.asarray(confusion, dtype=float)
    tp = np.diag(c)
    p = np.mean(tp / np.maximum(c.sum(axis=0), 1)); r = np.mean(tp / np.maximum(c.sum(axis=1), 1))
    return round(float(2 * p * r / (p + r)), 4) if p + r else 0.0
''',
    },
    "choose_thresholds": {
        "the old rule: the floor met exactly, the band fills the daily capacity": '''
def choose_thresholds(scores, labels, req):
    s, y = np.asarray(scores, dtype=float), np.asarray(labels)
    remove_at = float("inf")
    for t in np.unique(s):
        if y[s >= t].mean() >= req.remove_precision_floor:
            remove_at = float(t); break
    review_at = remove_at
    for t in np.unique(s[s < remove_at]):
        if np.sum((s >= t) & (s < remove_at)) <= req.review_share * len(s):
            review_at = float(t); break
    return remove_at, review_at
''',
        "no margin: the floor met exactly on tuning, the band sized at the peak with appeals": '''
def choose_thresholds(scores, labels, req):
    s, y = np.asarray(scores, dtype=float), np.asarray(labels)
    remove_at = float("inf")
    for t in np.unique(s):
        if y[s >= t].mean() >= req.remove_precision_floor:
            remove_at = float(t); break
    review_at = remove_at
    for t in np.unique(s[s < remove_at])[::-1]:
        if policy.peak_wait_hours(((s >= t) & (s < remove_at)).mean(), (s >= remove_at).mean(), req) > req.max_wait_hours:
            break
        review_at = float(t)
    return remove_at, review_at
''',
        "the band sized at the peak but without the appeals": '''
def choose_thresholds(scores, labels, req):
    s, y = np.asarray(scores, dtype=float), np.asarray(labels)
    remove_at = float("inf")
    for t in np.unique(s):
        if stats.wilson(int(y[s >= t].sum()), int((s >= t).sum()), level=0.6).low >= req.remove_precision_floor:
            remove_at = float(t); break
    no_appeals = req.replace(appeal_share=0.0)
    review_at = remove_at
    for t in np.unique(s[s < remove_at])[::-1]:
        if policy.peak_wait_hours(((s >= t) & (s < remove_at)).mean(), 0.0, no_appeals) > req.max_wait_hours:
            break
        review_at = float(t)
    return remove_at, review_at
''',
        "a margin far wider than the requirement (the floor plus 0.08)": '''
def choose_thresholds(scores, labels, req):
    s, y = np.asarray(scores, dtype=float), np.asarray(labels)
    remove_at = float("inf")
    for t in np.unique(s):
        if y[s >= t].mean() >= req.remove_precision_floor + 0.08:
            remove_at = float(t); break
    review_at = remove_at
    for t in np.unique(s[s < remove_at])[::-1]:
        if policy.peak_wait_hours(((s >= t) & (s < remove_at)).mean(), (s >= remove_at).mean(), req) > req.max_wait_hours:
            break
        review_at = float(t)
    return remove_at, review_at
''',
        "a fixed 0.4 review threshold, ignoring the queue": '''
def choose_thresholds(scores, labels, req):
    s, y = np.asarray(scores, dtype=float), np.asarray(labels)
    remove_at = float("inf")
    for t in np.unique(s):
        if stats.wilson(int(y[s >= t].sum()), int((s >= t).sum()), level=0.6).low >= req.remove_precision_floor:
            remove_at = float(t); break
    return remove_at, min(0.4, remove_at)
''',
        "escape route: scores each pair with policy.outcomes (part of the reference)": '''
def choose_thresholds(scores, labels, req):
    best = None
    for ra in np.quantile(scores, np.linspace(0.8, 0.99, 20)):
        for rv in np.quantile(scores, np.linspace(0.4, 0.8, 20)):
            out = policy.outcomes(scores, labels, ra, rv)
            if out["remove_precision"] >= req.remove_precision_floor + 0.03 and \\
                    policy.peak_wait_hours(out["review_share"], out["removed_share"], req) <= req.max_wait_hours:
                if best is None or out["harm_missed"] < best[0]:
                    best = (out["harm_missed"], float(ra), float(rv))
    return best[1], best[2]
''',
    },
    "reviewers_for": {
        "the daily average: the day's band and appeals spread evenly over 24 hours": '''
import math

def reviewers_for(review_share, removed_share, req):
    per_hour = req.flagged_per_day / 24 * (review_share + req.appeal_share * removed_share)
    return math.ceil(per_hour / req.reviews_per_reviewer_hour)
''',
        "enough for the peak hour with no queue at all (twice the cost it needs)": '''
import math

def reviewers_for(review_share, removed_share, req):
    peak = req.flagged_per_day / 24 * req.peak_factor * (review_share + req.appeal_share * removed_share)
    return math.ceil(peak / req.reviews_per_reviewer_hour)
''',
        "counts up but forgets the appeals": '''
def reviewers_for(review_share, removed_share, req):
    n = 1
    while policy.peak_wait_hours(review_share, 0.0, req, reviewers_on_duty=n) > req.max_wait_hours:
        n += 1
    return n
''',
        "the reviewers already planned": '''
def reviewers_for(review_share, removed_share, req):
    return req.reviewers_on_duty
''',
    },
    "match_hash": {
        "the first hash within the distance, not the nearest": '''
def match_hash(query, known, max_distance):
    for i, h in enumerate(known):
        if bin(query ^ h).count("1") <= max_distance:
            return i
    return None
''',
        "strictly below max_distance": '''
def match_hash(query, known, max_distance):
    best, best_d = None, max_distance
    for i, h in enumerate(known):
        d = bin(query ^ h).count("1")
        if d < best_d:
            best, best_d = i, d
    return best
''',
        "numeric difference instead of differing bits": '''
def match_hash(query, known, max_distance):
    best, best_d = None, max_distance + 1
    for i, h in enumerate(known):
        d = abs(query - h)
        if d < best_d:
            best, best_d = i, d
    return best
''',
    },
    "quiz_moderation": {
        "the old key: ship at 0.87, and b everywhere": '''
def quiz_moderation():
    return {"q1": "b", "q2": "b", "q3": "b", "q4": "b"}
''',
        "ship without a margin (q1)": '''
def quiz_moderation():
    return {"q1": "a", "q2": "a", "q3": "c", "q4": "b"}
''',
        "hashes ignore orientation (q4)": '''
def quiz_moderation():
    return {"q1": "c", "q2": "a", "q3": "c", "q4": "a"}
''',
    },
}
