"""The pre-CLIP baseline: predict tags from the image, read tags from the query, match them.

One logistic regression per tag (colours, shapes, sizes, "two objects") on the frozen image
features of the training split. A query's tags are the tag words it contains (``two`` when it
says left or right); an image's score is the log-likelihood of exactly the query's tags under
the image's predicted probabilities. It knows nothing of which colour belongs to which shape.

>>> query_tags("a small red circle on the left and a large blue star on the right") == {
...     "small", "red", "circle", "large", "blue", "star", "two"}
True
"""
from __future__ import annotations

import re

import numpy as np

from aisd.multimodal.scenes import COLOURS, SHAPES, SIZES

TAGS = (*COLOURS, *SHAPES, *SIZES, "two")


def scene_tags(scene: dict) -> set[str]:
    """The tags a scene truly has.

    >>> sorted(scene_tags({"objects": [{"colour": "red", "shape": "star", "size": "small"}]}))
    ['red', 'small', 'star']
    """
    tags = {o[field] for o in scene["objects"] for field in ("colour", "shape", "size")}
    return tags | ({"two"} if len(scene["objects"]) == 2 else set())


def query_tags(query: str) -> set[str]:
    """The tag words of a query (``two`` when it says left or right)."""
    words = set(re.findall(r"[a-z]+", query.lower()))
    return (words & set(TAGS)) | ({"two"} if words & {"left", "right"} else set())


def fit(image_feats, scenes_: list[dict], seed: int = 0):
    """One logistic regression per tag, on the images' features and their true tags."""
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(image_feats, dtype=np.float32)
    models = {}
    for tag in TAGS:
        y = np.array([tag in scene_tags(s) for s in scenes_])
        models[tag] = LogisticRegression(C=1.0, max_iter=300, random_state=seed).fit(x, y)
    return models


def scores(models, image_feats, queries: list[str]) -> np.ndarray:
    """(queries x images) log-likelihood of each query's tag set under each image's predicted tags."""
    x = np.asarray(image_feats, dtype=np.float32)
    logp = {t: np.log(np.clip(m.predict_proba(x)[:, 1], 1e-6, 1 - 1e-6)) for t, m in models.items()}
    lognp = {t: np.log(np.clip(1 - np.exp(v), 1e-6, 1)) for t, v in logp.items()}
    out = np.zeros((len(queries), len(x)))
    for i, q in enumerate(queries):
        wanted = query_tags(q)
        out[i] = sum(logp[t] if t in wanted else lognp[t] for t in TAGS)
    return out
