"""Right answers to the exercises of 08_multimodal_search written another valid way: each set replaces the answer
cells it names, and the solution must still earn every point (the mirror of tests/wrong_answers). At least two
different valid methods for each decision (the fusion weight, the dedup threshold)."""

RIGHT_ANSWERS = {
    "a smoothed recall curve, a safety margin on the budget, a hand-written log-softmax": {
        "ex_info_nce": '''
def info_nce(image_emb, text_emb, temperature):
    a = image_emb / image_emb.norm(dim=1, keepdim=True)
    b = text_emb / text_emb.norm(dim=1, keepdim=True)
    s = a @ b.T / temperature
    rows = -(torch.diagonal(s) - torch.logsumexp(s, dim=1)).mean()
    cols = -(torch.diagonal(s) - torch.logsumexp(s, dim=0)).mean()
    return 0.5 * (rows + cols)
''',
        "ex_choose_fusion_weight": '''
def choose_fusion_weight(text_scores, image_scores, relevant, weights, k):
    # recall@k of every weight, smoothed with its neighbours (single weights that win by one query are noise)
    T, I, R = (np.asarray(x, dtype=float) for x in (text_scores, image_scores, relevant))
    order = sorted(weights)
    recall = []
    for w in order:
        top = np.argsort(-(w * T + (1 - w) * I), axis=1, kind="stable")[:, :k]
        recall.append(np.take_along_axis(R, top, axis=1).max(axis=1).mean())
    smooth = np.convolve(np.pad(recall, 1, mode="edge"), np.ones(3) / 3, mode="valid")
    return float(order[int(np.argmax(smooth))])
''',
        "ex_choose_dedup_threshold": '''
def choose_dedup_threshold(distances, is_duplicate, max_false_merge_rate):
    # keep a 20 % margin on the budget: the pairs it will meet are not these
    d = np.asarray(distances, dtype=float); y = np.asarray(is_duplicate, dtype=bool)
    ts = np.unique(d)
    merged = np.searchsorted(np.sort(d), ts, side="right")
    wrong = np.searchsorted(np.sort(d[~y]), ts, side="right")
    ok = ts[wrong <= 0.8 * max_false_merge_rate * merged]
    return float(ok.max()) if ok.size else -1.0
''',
        "ex_dedup_certification": '''
import math

def dedup_certification(comparisons_per_day):
    # Wilson's upper end for 0 of n is z^2 / (n + z^2): solve it for n
    z2 = 1.959963984540054 ** 2
    rate = 20 / comparisons_per_day
    return {"max_wrong_merges_per_day": 20, "non_duplicate_pairs_to_label": math.ceil(z2 / rate - z2 + 1),
            "why": "a tenth of what the trust team can reverse"}
''',
        "ex_quiz_multimodal": '''
def quiz_multimodal():
    return {"q1": "A", "q2": "C ", "q3": " b", "q4": "B"}
''',
    },
    "a plain grid search from the other end, another tie rule": {
        "ex_info_nce": '''
def info_nce(image_emb, text_emb, temperature):
    s = torch.einsum("id,jd->ij", F.normalize(image_emb, dim=-1), F.normalize(text_emb, dim=-1)) / temperature
    n = s.shape[0]
    labels = torch.arange(n)
    return 0.5 * F.cross_entropy(s, labels) + 0.5 * F.cross_entropy(s.t(), labels)
''',
        "ex_choose_fusion_weight": '''
def choose_fusion_weight(text_scores, image_scores, relevant, weights, k):
    # the best recall@k; among ties, the weight closest to an even mix
    scored = []
    for w in weights:
        fused = w * np.asarray(text_scores) + (1 - w) * np.asarray(image_scores)
        kth = np.argpartition(-fused, k - 1, axis=1)[:, :k]
        scored.append((np.asarray(relevant)[np.arange(len(fused))[:, None], kth].any(axis=1).mean(), -abs(w - 0.5), w))
    return float(max(scored)[2])
''',
        "ex_choose_dedup_threshold": '''
def choose_dedup_threshold(distances, is_duplicate, max_false_merge_rate):
    # from the largest threshold down: the first that keeps the budget
    d = np.asarray(distances, dtype=float); y = np.asarray(is_duplicate, dtype=bool)
    for t in sorted(set(d.tolist()), reverse=True):
        m = d <= t
        if (m & ~y).sum() <= max_false_merge_rate * m.sum():
            return float(t)
    return -1.0
''',
        "ex_dedup_certification": '''
from aisd.toolkit.stats import wilson

def dedup_certification(comparisons_per_day):
    # a bigger promise (the team can reverse 200), found by stepping up in 10 % increments
    promise, n = 50, 1000
    while wilson(0, n).high * comparisons_per_day > promise:
        n = int(n * 1.1) + 1
    return dict(max_wrong_merges_per_day=promise, non_duplicate_pairs_to_label=n,
                why="a quarter of the reversal capacity, leaving room for other moderation work")
''',
        "ex_quiz_multimodal": '''
def quiz_multimodal():
    return dict(q1="a", q2="c", q3="B", q4="b")
''',
    },
}
