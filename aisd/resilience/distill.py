"""Distillation: a small classifier trained on an LLM's labels, measured against the LLM it replaces.

The teacher is notebook 05's small model (Qwen2.5-Coder-1.5B) judging the posts its cascade was unsure about (the
review band of TweetEval's offensive task; its answers are stored in ``datasets/tweeteval/llm_answers.jsonl`` with
the tokens and seconds each took). The student is a logistic regression on the course's MiniLM sentence vectors,
trained on the teacher's labels of the **tuning** posts and measured on the **held-out** ones: how often it agrees
with the teacher, and what an item costs each of them.

>>> labels = teacher_labels()
>>> sorted(labels["split"].unique()), sorted(labels["teacher"].unique())
(['heldout', 'tuning'], ['ok', 'violating'])
"""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd

from aisd.core import paths
from aisd.core.errors import AisdError

VECTORS = paths.DATASETS / "resilience" / "distill_vectors.npz"
TEACHER = "qwen2.5-coder-1.5b"


class DistillError(AisdError):
    """Posts whose stored vectors are missing or stale."""


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def teacher_labels() -> pd.DataFrame:
    """The small model's stored verdicts on notebook 05's band posts, one row per post: ``post``, ``split``
    (``tuning`` or ``heldout``), ``teacher`` (``violating`` or ``ok``; answers that were not valid JSON are left
    out), ``prompt_tokens``, ``completion_tokens`` and ``seconds`` (as measured when the answer was generated)."""
    from aisd.moderation import data
    from aisd.moderation.llm_stage import STORE, parse

    split_of = {}
    for split in ("tuning", "heldout"):
        split_of.update({text: split for text in data.load("offensive", split).text})
    rows = []
    with open(STORE, encoding="utf-8") as f:
        for record in map(json.loads, filter(str.strip, f)):
            if record.get("model") != TEACHER or record.get("post") not in split_of:
                continue
            verdict = parse(record["text"])["label"]
            if verdict in ("ok", "violating"):
                rows.append({"post": record["post"], "split": split_of[record["post"]], "teacher": verdict,
                             "prompt_tokens": record["prompt_tokens"], "completion_tokens": record["completion_tokens"],
                             "seconds": record["seconds"]})
    return pd.DataFrame(rows).drop_duplicates("post", ignore_index=True)


def store_vectors(path=VECTORS) -> dict:
    """Embed every post of :func:`teacher_labels` with MiniLM; store the vectors (float16) under the posts' sha256
    (the posts themselves stay in ``datasets/tweeteval/``) with how long embedding took."""
    import os
    import time

    from aisd.runtime import embeddings
    from aisd.runtime.models import minilm_id

    posts = teacher_labels()["post"].tolist()
    load, started = os.getloadavg()[0], time.perf_counter()
    vectors = embeddings.embed(posts)
    meta = {"made_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "model": minilm_id(), "posts": len(posts),
            "seconds": round(time.perf_counter() - started, 1), "load_average_at_start": round(load, 2),
            "cores": os.cpu_count()}
    np.savez_compressed(path, keys=np.array([_key(p) for p in posts]), vectors=vectors.astype(np.float16),
                        meta=np.array(json.dumps(meta)))
    return meta


def vectors_for(posts) -> np.ndarray:
    """The stored MiniLM vectors of ``posts`` (unit length, float32), in order."""
    if not VECTORS.exists():
        raise DistillError(f"{VECTORS.name} is missing: run `aisd precompute 11 vectors`")
    stored = np.load(VECTORS)
    index = {k: i for i, k in enumerate(stored["keys"].tolist())}
    keys = [_key(p) for p in posts]
    missing = sum(k not in index for k in keys)
    if missing:
        raise DistillError(f"{missing} posts have no stored vector: run `aisd precompute 11 vectors` again")
    v = stored["vectors"][[index[k] for k in keys]].astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def vectors_meta() -> dict:
    """How the stored post vectors were made (when, the model, seconds, load average)."""
    return json.loads(str(np.load(VECTORS)["meta"]))


def train_student(vectors, teacher_labels, cs=(0.1, 0.3, 1.0, 3.0, 10.0, 30.0)):
    """A logistic regression (scikit-learn) from MiniLM vectors to the teacher's label. Balanced class weights, so
    the teacher's rarer verdict is not drowned by its common one; the regularisation ``C`` is chosen among ``cs`` by
    5-fold cross-validation of the balanced accuracy on the training posts only (``best_params_["C"]``).

    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(60, 4)); y = np.where(x[:, 0] > 0, "violating", "ok")
    >>> bool((train_student(x, y).predict(x) == y).mean() > 0.9)
    True
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV

    model = LogisticRegression(class_weight="balanced", max_iter=2000)
    return GridSearchCV(model, {"C": list(cs)}, cv=5, scoring="balanced_accuracy").fit(
        np.asarray(vectors), np.asarray(teacher_labels))
