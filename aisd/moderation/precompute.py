"""What notebook 05 loads instead of computing, so that it runs within its time budget.

``aisd precompute 05 scores`` (:func:`minilm`) embeds tweets of both tasks with the course's MiniLM
(:func:`aisd.runtime.embeddings.embed`), fits a logistic regression on a seeded sample of :data:`TRAIN_SAMPLE` train
tweets of each task, and writes its weights (``datasets/tweeteval/minilm_lr.json``) and its P(positive) on the
tuning and held-out tweets (``minilm_scores.csv``, under TweetEval's split names val and test).
``aisd precompute 05 llm`` (:func:`aisd.moderation.llm_stage.store_answers`) stores both model tiers' answers on the
uncertain band (``datasets/tweeteval/llm_answers.jsonl``, see :mod:`aisd.toolkit.answer_store`).
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from aisd.moderation import classify, data


def fit_minilm(vectors: np.ndarray, labels, c: float = 1.0) -> LogisticRegression:
    """Logistic regression on sentence vectors (lbfgs, fixed C, deterministic).

    >>> rng = np.random.default_rng(0)
    >>> x = np.vstack([rng.normal(1, 1, (20, 4)), rng.normal(-1, 1, (20, 4))]); y = [1] * 20 + [0] * 20
    >>> fit_minilm(x, y).score(x, y) > 0.9
    True
    """
    return LogisticRegression(C=c, max_iter=3000).fit(np.asarray(vectors), np.asarray(labels))


TRAIN_SAMPLE = 3000     # train tweets per task for the MiniLM classifier (embedding all 21,000 is slow on 2 cores)


def _embed(texts: list[str]) -> np.ndarray:
    from aisd.runtime import embeddings

    parts = [embeddings.embed(texts[i:i + 500], batch_size=64) for i in range(0, len(texts), 500)]
    print(f"  embedded {len(texts)}", flush=True)        # in parts of 500, so a stopped run keeps its cache
    return np.vstack(parts)


def minilm() -> None:
    weights, rows = {}, []
    for task in data.TASKS:
        train = data.load(task, "train").sample(n=TRAIN_SAMPLE, random_state=0)
        model = fit_minilm(_embed(train.text.tolist()), train.label)
        weights[task] = {"coef": [round(float(x), 6) for x in model.coef_[0]],
                         "intercept": round(float(model.intercept_[0]), 6), "C": 1.0,
                         "trained_on": f"{task}/train, a seeded sample of {len(train)} tweets"}
        for split in ("tuning", "heldout"):
            df = data.load(task, split)
            scores = model.predict_proba(_embed(df.text.tolist()))[:, 1]
            rows += [{"task": task, "split": data.SOURCE_SPLIT[split], "row": i, "score": round(float(s), 5)} for i, s in enumerate(scores)]
        print(task, "done", flush=True)
    classify.MINILM_WEIGHTS.write_text(json.dumps(weights) + "\n")
    pd.DataFrame(rows).to_csv(classify.MINILM_SCORES, index=False)
    print("wrote", classify.MINILM_WEIGHTS, classify.MINILM_SCORES)
