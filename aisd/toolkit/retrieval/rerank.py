"""Re-ranking: a cross-encoder fine-tuned from the bundled MiniLM (no pre-trained re-ranker ships offline)."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from aisd.runtime.models import minilm_path

class CrossEncoderReranker:
    """Scores (query, passage) pairs jointly with a transformer: slower than a bi-encoder, often sharper.

    No pre-trained re-ranker ships offline, so ``fine_tune`` trains one from the bundled MiniLM
    (a fresh 1-logit head, binary cross-entropy on relevant / non-relevant pairs) in a few steps.

    NOT RECOMMENDED by default: trained for a minute on 2 CPU cores from ~50 tuning questions, it
    lowered nDCG@10 below hybrid's on every collection measured (pydoc_qa, the Lee news collection,
    Cranfield; see datasets/README.md). It is here to measure and to learn from: ``aisd eval-retrieval``
    says whether it helps on your collection.

    >>> rr = CrossEncoderReranker.fine_tune([("q", "p")], [1.0], steps=1)   # doctest: +SKIP
    >>> rr.rerank("q", ["id1", "id2"], ["text 1", "text 2"])                # doctest: +SKIP
    """

    def __init__(self, model, tokenizer, max_length: int = 160):
        self.model, self.tokenizer, self.max_length = model, tokenizer, max_length
        self.steps_done, self.train_seconds = 0, 0.0

    @classmethod
    def fine_tune(cls, pairs: Sequence[tuple[str, str]], labels: Sequence[float], steps: int = 30,
                  batch_size: int = 16, lr: float = 1e-4, head_lr: float = 1e-3, train_layers: int | None = 2,
                  max_length: int = 128, seed: int = 0, model_path: str | None = None,
                  max_seconds: float | None = None) -> "CrossEncoderReranker":
        """Train for ``steps`` mini-batches sampled from ``pairs`` (labels 1 relevant, 0 not).

        Only the top ``train_layers`` transformer layers and the new head learn (``None``: all of
        them): on 2 CPU cores that keeps a step well under a second. ``max_seconds`` stops the
        training early once that much time has passed (``steps_done`` says how far it got).
        """
        import time

        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()          # "newly initialised head" notice goes to stderr
        hf_logging.disable_progress_bar()
        torch.manual_seed(seed)
        path = model_path or str(minilm_path())
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=1)
        model.train()
        head = [p for n, p in model.named_parameters() if n.startswith(("classifier", "bert.pooler"))]
        body = [p for n, p in model.named_parameters() if not n.startswith(("classifier", "bert.pooler"))]
        if train_layers is not None:
            n_layers = model.config.num_hidden_layers
            keep = tuple(f"bert.encoder.layer.{i}." for i in range(n_layers - train_layers, n_layers))
            body = []
            for n, p in model.named_parameters():
                if n.startswith(("classifier", "bert.pooler")):
                    continue
                p.requires_grad_(n.startswith(keep))
                if p.requires_grad:
                    body.append(p)
        opt = torch.optim.AdamW([{"params": body, "lr": lr}, {"params": head, "lr": head_lr}])
        loss_fn = torch.nn.BCEWithLogitsLoss()
        rng = np.random.default_rng(seed)
        y_all = torch.tensor(list(labels), dtype=torch.float32)
        start, done = time.perf_counter(), 0
        for _ in range(steps):
            if max_seconds is not None and time.perf_counter() - start > max_seconds:
                break
            batch = rng.choice(len(pairs), size=min(batch_size, len(pairs)), replace=False)
            enc = tokenizer([pairs[i][0] for i in batch], [pairs[i][1] for i in batch], truncation=True,
                            max_length=max_length, padding=True, return_tensors="pt")
            logits = model(**enc).logits.squeeze(-1)
            loss = loss_fn(logits, y_all[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
            done += 1
        model.eval()
        out = cls(model, tokenizer, max_length)
        out.steps_done, out.train_seconds = done, time.perf_counter() - start
        return out

    def score(self, query: str, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Relevance logits of each text for the query (higher is more relevant)."""
        import torch

        out = []
        with torch.inference_mode():
            for i in range(0, len(texts), batch_size):
                part = list(texts[i:i + batch_size])
                enc = self.tokenizer([query] * len(part), part, truncation=True, max_length=self.max_length,
                                     padding=True, return_tensors="pt")
                out.append(self.model(**enc).logits.squeeze(-1).float().numpy())
        return np.concatenate(out) if out else np.zeros(0)

    def rerank(self, query: str, ids: Sequence[str], texts: Sequence[str]) -> list[tuple[str, float]]:
        """``[(id, score), ...]`` sorted by the cross-encoder's score, best first."""
        s = self.score(query, texts)
        order = np.argsort(-s, kind="stable")
        return [(ids[i], float(s[i])) for i in order]


def training_pairs(queries: dict[str, str], qrels: dict[str, dict[str, int]], docs: dict[str, str],
                   candidates: Callable[[str], list[str]], negatives_per_query: int = 4
                   ) -> tuple[list[tuple[str, str]], list[float]]:
    """(query, passage) pairs for the re-ranker: every relevant passage, plus hard negatives
    (the best-ranked non-relevant candidates of ``candidates(query_text)``).

    >>> p, y = training_pairs({"q": "x"}, {"q": {"a": 1}}, {"a": "A", "b": "B"}, lambda q: ["b", "a"])
    >>> p, y
    ([('x', 'A'), ('x', 'B')], [1.0, 0.0])
    """
    pairs, labels = [], []
    for qid, rel in qrels.items():
        q = queries[qid]
        for did, g in rel.items():
            if g > 0:
                pairs.append((q, docs[did]))
                labels.append(1.0)
        negs = [d for d in candidates(q) if rel.get(d, 0) <= 0][:negatives_per_query]
        for did in negs:
            pairs.append((q, docs[did]))
            labels.append(0.0)
    return pairs, labels
