"""Plausible wrong answers to the exercises of 08_multimodal_search: each must lose points."""

WRONG_ANSWERS = {
    "info_nce": {
        "one direction only (image -> text)": '''
import torch.nn.functional as F

def info_nce(image_emb, text_emb, temperature):
    logits = F.normalize(image_emb, dim=1) @ F.normalize(text_emb, dim=1).T / temperature
    return F.cross_entropy(logits, torch.arange(len(logits)))
''',
        "no normalisation (dot products, not cosines)": '''
import torch.nn.functional as F

def info_nce(image_emb, text_emb, temperature):
    logits = image_emb @ text_emb.T / temperature
    target = torch.arange(len(logits))
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2
''',
        "multiplies by the temperature": '''
import torch.nn.functional as F

def info_nce(image_emb, text_emb, temperature):
    logits = F.normalize(image_emb, dim=1) @ F.normalize(text_emb, dim=1).T * temperature
    target = torch.arange(len(logits))
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2
''',
        "sums the two directions instead of averaging": '''
import torch.nn.functional as F

def info_nce(image_emb, text_emb, temperature):
    logits = F.normalize(image_emb, dim=1) @ F.normalize(text_emb, dim=1).T / temperature
    target = torch.arange(len(logits))
    return F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)
''',
    },
    "choose_fusion_weight": {
        "goes round the guard through the package's fuse() and hits_at_k()": '''
from aisd.multimodal import evaluate as E
from aisd.multimodal import hybrid as H


def choose_fusion_weight(text_scores, image_scores, relevant, weights, k):
    return float(max(weights, key=lambda w: E.hits_at_k(H.fuse(text_scores, image_scores, w), relevant, k).mean()))
''',
        "picks the weight with the highest mean score of relevant items": '''
def choose_fusion_weight(text_scores, image_scores, relevant, weights, k):
    rel = np.asarray(relevant)
    means = [(w * np.asarray(text_scores) + (1 - w) * np.asarray(image_scores))[rel].mean() for w in weights]
    return float(weights[int(np.argmax(means))])
''',
        "always the middle weight": '''
def choose_fusion_weight(text_scores, image_scores, relevant, weights, k):
    return float(weights[len(weights) // 2])
''',
    },
    "choose_dedup_threshold": {
        "goes round the guard by reading each threshold's false-merge rate off dedup.merge_outcomes": '''
from aisd.multimodal import dedup


def choose_dedup_threshold(distances, is_duplicate, max_false_merge_rate):
    best = -1.0
    for t in np.unique(np.asarray(distances, dtype=float)):
        if dedup.merge_outcomes(distances, is_duplicate, t)["false_merge_rate"] <= max_false_merge_rate:
            best = float(t)
    return best
''',
        "stops at the first breach of the budget": '''
def choose_dedup_threshold(distances, is_duplicate, max_false_merge_rate):
    d, dup = np.asarray(distances, dtype=float), np.asarray(is_duplicate, dtype=bool)
    best = -1.0
    for t in np.unique(d):
        merged = d <= t
        if 1 - dup[merged].mean() > max_false_merge_rate:
            break
        best = float(t)
    return best
''',
        "budget on the share of all non-duplicate pairs (false-positive rate)": '''
def choose_dedup_threshold(distances, is_duplicate, max_false_merge_rate):
    d, dup = np.asarray(distances, dtype=float), np.asarray(is_duplicate, dtype=bool)
    best = -1.0
    for t in np.unique(d):
        if (d[~dup] <= t).mean() <= max_false_merge_rate:
            best = float(t)
    return best
''',
        "the largest duplicate distance (recall 1, budget ignored)": '''
def choose_dedup_threshold(distances, is_duplicate, max_false_merge_rate):
    d, dup = np.asarray(distances, dtype=float), np.asarray(is_duplicate, dtype=bool)
    return float(d[dup].max())
''',
    },
    "dedup_certification": {
        "the rule of three (3 / n) instead of the Wilson bound": '''
import math

def dedup_certification(comparisons_per_day):
    return {"max_wrong_merges_per_day": 20, "non_duplicate_pairs_to_label": math.ceil(3 * comparisons_per_day / 20),
            "why": "rule of three"}
''',
        "promises more than the team can reverse": '''
def dedup_certification(comparisons_per_day):
    return {"max_wrong_merges_per_day": 1_500, "non_duplicate_pairs_to_label": 5_220, "why": "what today's pairs bound"}
''',
        "labels ten times the pairs needed": '''
def dedup_certification(comparisons_per_day):
    return {"max_wrong_merges_per_day": 20, "non_duplicate_pairs_to_label": int(10 * 1.96 ** 2 * comparisons_per_day / 20),
            "why": "to be safe"}
''',
        "a fixed number of pairs, whatever the traffic": '''
def dedup_certification(comparisons_per_day):
    return {"max_wrong_merges_per_day": 20, "non_duplicate_pairs_to_label": 384_143, "why": "computed once for 2 M a day"}
''',
    },
    "quiz_multimodal": {
        "the old key (c-b-a-c)": '''
def quiz_multimodal():
    return {"q1": "c", "q2": "b", "q3": "a", "q4": "c"}
''',
        "reads overlapping intervals as no difference": '''
def quiz_multimodal():
    return {"q1": "a", "q2": "c", "q3": "a", "q4": "b"}
''',
        "reads 0 false merges of a few thousand pairs as a rate of 0": '''
def quiz_multimodal():
    return {"q1": "a", "q2": "c", "q3": "b", "q4": "a"}
''',
    },
}
