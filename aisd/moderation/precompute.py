"""What notebook 05 loads instead of computing, so that it runs within its time budget.

Run (from the repository, with ``AISD_HOME`` set)::

    python -m aisd.moderation.precompute minilm     # ~12,000 tweets embedded (minutes on 2 cores)
    python -m aisd.moderation.precompute llm        # the LLM's answers on the uncertain band

``minilm`` embeds tweets of both tasks with the course's MiniLM (:func:`aisd.runtime.embeddings.embed`),
fits a logistic regression on a seeded sample of :data:`TRAIN_SAMPLE` train tweets of each task, and writes its weights
(``datasets/tweeteval/minilm_lr.json``) and its P(positive) on val and test (``minilm_scores.csv``).
``llm`` asks the local LLM about the same posts as the notebook (:func:`aisd.moderation.llm_stage.band_posts`)
and writes ``datasets/tweeteval/llm_answers.jsonl`` (see :mod:`aisd.answer_store`).
"""
from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from . import classify, data


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
    from ..runtime import embeddings

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
        for split in ("val", "test"):
            df = data.load(task, split)
            scores = model.predict_proba(_embed(df.text.tolist()))[:, 1]
            rows += [{"task": task, "split": split, "row": i, "score": round(float(s), 5)} for i, s in enumerate(scores)]
        print(task, "done", flush=True)
    classify.MINILM_WEIGHTS.write_text(json.dumps(weights) + "\n")
    pd.DataFrame(rows).to_csv(classify.MINILM_SCORES, index=False)
    print("wrote", classify.MINILM_WEIGHTS, classify.MINILM_SCORES)


def main(argv: list[str]) -> None:
    steps = argv or ["minilm", "llm"]
    for step in steps:
        if step == "minilm":
            minilm()
        elif step == "llm":
            from . import llm_stage
            llm_stage.store_answers()
        else:
            raise SystemExit(f"unknown step {step!r}: use minilm and/or llm")


if __name__ == "__main__":
    main(sys.argv[1:])
