"""Stage 2 of the cascade: fast classifiers, a vendor baseline, and how they are scored.

- :func:`train_tfidf`: TF-IDF word n-grams + logistic regression (seconds to train on 12,000 tweets);
- :func:`minilm_model` / :func:`minilm_scores`: logistic regression on the course's MiniLM sentence
  embeddings, trained by ``aisd precompute 05 scores`` (embedding the tweets takes minutes on 2 cores); its
  weights and its scores on the tuning and held-out splits are committed in ``datasets/tweeteval``;
- :func:`sonar_scores`: ``hatesonar``, an off-the-shelf model trained on another data set (Davidson et al.
  2017: hate / offensive / neither): what a vendor model does on *your* platform's data;
- :func:`macro_f1`: the mean of per-class F1, the TweetEval metric; :data:`PUBLISHED` the paper's baselines.

>>> macro_f1([[50, 10], [5, 35]])
0.8465
>>> sorted(PUBLISHED["offensive"])[:2]
['FastText', 'LSTM']
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from aisd.core.errors import AisdError
from aisd.moderation.data import FOLDER

# Test-set macro-F1 (x100) of the baselines in the TweetEval paper (Barbieri et al., 2020, Table 2).
PUBLISHED = {
    "offensive": {"SVM": 52.3, "LSTM": 71.7, "FastText": 73.4, "RoBERTa-base": 79.5},
    "hate": {"SVM": 36.7, "RoBERTa-base": 46.6, "FastText": 50.6, "LSTM": 52.6},
}
MINILM_WEIGHTS = FOLDER / "minilm_lr.json"
MINILM_SCORES = FOLDER / "minilm_scores.csv"


def macro_f1(confusion) -> float:
    """Macro-F1 from a confusion matrix (rows: true class, columns: predicted class), rounded to 4 places.

    Per class c: precision = C[c, c] / column sum, recall = C[c, c] / row sum, F1 their harmonic mean;
    a class whose precision or recall is undefined (0/0), or both zero, counts F1 = 0. The result is the
    unweighted mean over classes, so a rare class weighs as much as a common one.

    Reference answer of notebook 05, exercise ``ex_macro_f1``.
    """
    c = np.asarray(confusion, dtype=float)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or c.shape[0] < 2 or (c < 0).any():
        raise AisdError(f"a confusion matrix is square, at least 2x2, with counts >= 0; got shape {c.shape}")
    tp = np.diag(c)
    predicted, actual = c.sum(axis=0), c.sum(axis=1)
    f1 = np.zeros(len(c))
    for k in range(len(c)):
        if predicted[k] and actual[k] and tp[k]:
            p, r = tp[k] / predicted[k], tp[k] / actual[k]
            f1[k] = 2 * p * r / (p + r)
    return round(float(f1.mean()), 4)


def binary_confusion(y_true, y_pred) -> np.ndarray:
    """The 2x2 confusion matrix of 0/1 labels and predictions (rows true, columns predicted), fast.

    >>> binary_confusion([0, 1, 1, 0], [0, 1, 0, 0]).tolist()
    [[2, 0], [1, 1]]
    """
    y, p = np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)
    return np.bincount(2 * y + p, minlength=4).reshape(2, 2)


def train_tfidf(texts, labels, c: float = 2.0) -> Pipeline:
    """TF-IDF of words and word pairs (seen in 2+ tweets) + logistic regression (liblinear), fitted.

    >>> m = train_tfidf(["you idiot", "nice day", "idiot", "lovely day"], [1, 0, 1, 0])
    >>> p = m.predict_proba(["what an idiot", "what a nice day"])[:, 1]
    >>> bool(p[0] > 0.5 > p[1])
    True
    """
    texts, labels = list(texts), np.asarray(labels)
    if len(texts) != len(labels) or len(set(labels.tolist())) != 2:
        raise AisdError("train_tfidf needs as many labels as texts, with both classes present")
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2 if len(texts) > 100 else 1,
                                          sublinear_tf=True),
                          LogisticRegression(solver="liblinear", C=c, random_state=0))
    return model.fit(texts, labels)


def minilm_model(task: str) -> tuple[np.ndarray, float]:
    """The stored MiniLM classifier of ``task``: (coefficients of shape (384,), intercept)."""
    if not MINILM_WEIGHTS.exists():
        raise AisdError(f"{MINILM_WEIGHTS} is missing: run `aisd precompute 05 scores`")
    stored = json.loads(MINILM_WEIGHTS.read_text())
    if task not in stored:
        raise AisdError(f"no stored MiniLM classifier for task {task!r}; there are {sorted(stored)}")
    return np.asarray(stored[task]["coef"], dtype=np.float32), float(stored[task]["intercept"])


def minilm_predict(vectors, task: str) -> np.ndarray:
    """P(positive) of the stored MiniLM classifier for embedded texts (shape (n, 384))."""
    coef, intercept = minilm_model(task)
    return 1 / (1 + np.exp(-(np.asarray(vectors, dtype=np.float32) @ coef + intercept)))


def minilm_scores(task: str, split: str) -> np.ndarray:
    """The stored MiniLM classifier's P(positive) on the ``tuning`` or ``heldout`` tweets of ``task``, in order."""
    if not MINILM_SCORES.exists():
        raise AisdError(f"{MINILM_SCORES} is missing: run `aisd precompute 05 scores`")
    df = pd.read_csv(MINILM_SCORES)
    df["split"] = df.split.map({"val": "tuning", "test": "heldout"}).fillna(df.split)   # the file keeps TweetEval's names
    rows = df[(df.task == task) & (df.split == split)].sort_values("row")
    if rows.empty:
        raise AisdError(f"no stored MiniLM scores for task {task!r}, split {split!r}")
    return rows.score.to_numpy()


_SONAR = None
LOCALE_HELP = ("hatesonar's ONNX model needs the en_US.UTF-8 locale, which this machine lacks. Add it once "
               "(Debian/Ubuntu, as root): `localedef -i en_US -f UTF-8 en_US.UTF-8` (or install the `locales` "
               "package and run `locale-gen en_US.UTF-8`), then restart the kernel")


def sonar():
    """The ``hatesonar`` model (loaded once), or a clear error saying what is missing."""
    global _SONAR
    if _SONAR is None:
        try:
            from hatesonar import Sonar
        except ImportError as exc:
            raise AisdError("hatesonar is not installed: `pip install --no-deps hatesonar==0.1.0 onnxruntime`") from exc
        try:
            _SONAR = Sonar()
        except Exception as exc:                      # onnxruntime raises its own Fail class
            if "locale" in str(exc).lower():
                raise AisdError(LOCALE_HELP) from None
            raise
    return _SONAR


def sonar_scores(texts) -> pd.DataFrame:
    """hatesonar's probabilities per text: columns ``hate``, ``offensive``, ``neither`` (rows sum to 1)."""
    texts = [str(t) for t in texts]
    if not texts:
        return pd.DataFrame(columns=["hate", "offensive", "neither"], dtype=float)
    rows = []
    for start in range(0, len(texts), 200):       # in batches: one big batch takes ~1 GB in onnxruntime
        _, probs = sonar().sess.run(None, {"text": np.array(texts[start:start + 200], dtype=object)})
        rows += [[p[0], p[1], p[2]] for p in probs]
    return pd.DataFrame(rows, columns=["hate", "offensive", "neither"])
