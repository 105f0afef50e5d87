"""Right answers to the exercises of 10_meeting_assistant written another valid way: each must earn full marks
(the mirror of tests/wrong_answers). ``{exercise: {description: code}}``; each is tried on its own in its exercise's place
(tests/notebooks/test_discrimination.py)."""

RIGHT_ANSWERS = {
    "word_error_rate": {
        "recursion with a memo over (i, j)": '''
import functools

def word_error_rate(reference, hypothesis):
    ref, hyp = reference.split(), hypothesis.split()

    @functools.lru_cache(maxsize=None)
    def edits(i, j):
        if i == 0 or j == 0:
            return i + j
        return min(edits(i - 1, j - 1) + (ref[i - 1] != hyp[j - 1]), edits(i - 1, j) + 1, edits(i, j - 1) + 1)

    return edits(len(ref), len(hyp)) / max(1, len(ref))
''',
        "the whole table in numpy": '''
def word_error_rate(reference, hypothesis):
    ref, hyp = reference.split(), hypothesis.split()
    d = np.zeros((len(ref) + 1, len(hyp) + 1), dtype=int)
    d[:, 0] = np.arange(len(ref) + 1)
    d[0, :] = np.arange(len(hyp) + 1)
    for i, r in enumerate(ref, 1):
        for j, h in enumerate(hyp, 1):
            d[i, j] = min(d[i - 1, j - 1] + (r != h), d[i - 1, j] + 1, d[i, j - 1] + 1)
    return float(d[-1, -1]) / (len(ref) or 1)
''',
    },
    "caption_delay_budget": {
        "2.5 s, read along with the voice": '''
def caption_delay_budget():
    return 2.5, "people read captions while the speaker talks; more than a couple of seconds and they lose the thread"
''',
        "2 s as an int, for lip-reading and deaf attendees": '''
def caption_delay_budget():
    seconds = 2
    return seconds, "deaf and hard-of-hearing attendees follow the conversation through captions, so a sentence late is too late"
''',
    },
    "choose_caption_setup": {
        "pandas, ties to the shorter delay": '''
import pandas as pd

def choose_caption_setup(rows, max_delay_s, max_rtf):
    table = pd.DataFrame(list(rows), columns=["setup", "wer", "delay_p95", "rtf"])
    ok = table[(table["delay_p95"] <= max_delay_s) & (table["rtf"] <= max_rtf)]
    if ok.empty:
        return None
    return ok.sort_values(["wer", "delay_p95"]).iloc[0]["setup"]
''',
        "keeps a 10 % margin on both budgets when any setup allows it": '''
def choose_caption_setup(rows, max_delay_s, max_rtf):
    def within(share):
        return [r for r in rows if r["delay_p95"] <= share * max_delay_s and r["rtf"] <= share * max_rtf]
    fits = within(0.9) or within(1.0)
    best = None
    for r in fits:
        if best is None or r["wer"] < best["wer"]:
            best = r
    return None if best is None else best["setup"]
''',
    },
    "quiz_meetings": {
        "upper-case letters with spaces": '''
def quiz_meetings():
    return {"q1": "B", "q2": " a", "q3": "C ", "q4": "c"}
''',
        "dict() and a comprehension": '''
def quiz_meetings():
    return dict(zip(["q1", "q2", "q3", "q4"], "bacc"))
''',
    },
}
