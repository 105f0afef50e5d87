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
        "a fixed 0.5 review threshold, ignoring capacity": '''
def choose_thresholds(scores, labels, precision_floor, review_share):
    s, y = np.asarray(scores, dtype=float), np.asarray(labels)
    remove_at = float("inf")
    for t in np.unique(s):
        if y[s >= t].mean() >= precision_floor:
            remove_at = float(t); break
    return remove_at, min(0.5, remove_at)
''',
        "the budget counts removed posts too": '''
def choose_thresholds(scores, labels, precision_floor, review_share):
    s, y = np.asarray(scores, dtype=float), np.asarray(labels)
    remove_at = float("inf")
    for t in np.unique(s):
        if y[s >= t].mean() >= precision_floor:
            remove_at = float(t); break
    review_at = remove_at
    for t in np.unique(s[s < remove_at]):
        if np.sum(s >= t) <= review_share * len(s):
            review_at = float(t); break
    return remove_at, review_at
''',
        "the highest threshold meeting the floor (removes too little)": '''
def choose_thresholds(scores, labels, precision_floor, review_share):
    s, y = np.asarray(scores, dtype=float), np.asarray(labels)
    ok = [float(t) for t in np.unique(s) if y[s >= t].mean() >= precision_floor]
    remove_at = max(ok) if ok else float("inf")
    review_at = remove_at
    for t in np.unique(s[s < remove_at]):
        if np.sum((s >= t) & (s < remove_at)) <= review_share * len(s):
            review_at = float(t); break
    return remove_at, review_at
''',
        "a recall floor instead of a precision floor": '''
def choose_thresholds(scores, labels, precision_floor, review_share):
    s, y = np.asarray(scores, dtype=float), np.asarray(labels)
    remove_at = float("inf")
    for t in np.unique(s)[::-1]:
        if y[s >= t].sum() / y.sum() >= 1 - precision_floor:
            remove_at = float(t); break
    review_at = remove_at
    for t in np.unique(s[s < remove_at]):
        if np.sum((s >= t) & (s < remove_at)) <= review_share * len(s):
            review_at = float(t); break
    return remove_at, review_at
''',
        "review band as a share of the offensive posts, not of all posts": '''
def choose_thresholds(scores, labels, precision_floor, review_share):
    s, y = np.asarray(scores, dtype=float), np.asarray(labels)
    remove_at = float("inf")
    for t in np.unique(s):
        if y[s >= t].mean() >= precision_floor:
            remove_at = float(t); break
    review_at = remove_at
    for t in np.unique(s[s < remove_at]):
        if np.sum((s >= t) & (s < remove_at)) <= review_share * y.sum():
            review_at = float(t); break
    return remove_at, review_at
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
        "re-tune on held-out; a narrower band": '''
def quiz_moderation():
    return {"q1": "a", "q2": "a", "q3": "b", "q4": "b"}
''',
        "hashes ignore orientation": '''
def quiz_moderation():
    return {"q1": "b", "q2": "b", "q3": "b", "q4": "a"}
''',
    },
}
