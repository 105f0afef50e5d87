"""A CLIP-style dual encoder on frozen features: two small projection heads trained with InfoNCE.

The image side reads EfficientNet-Lite0 features (1280-d), the text side MiniLM sentence embeddings
(384-d); both encoders stay frozen, and each head maps its side into one shared space of ``dim``
dimensions where a caption and its image have a high cosine. The loss is CLIP's symmetric
contrastive loss (InfoNCE): in a batch of n pairs, each image must pick its own caption out of n,
and each caption its own image, at a learned temperature.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> images, texts = rng.normal(size=(64, 1280)), rng.normal(size=(64, 384))
>>> model, history = train(images, texts, steps=5, batch_size=16, seed=0)
>>> len(history), encode_images(model, images[:3]).shape
(5, (3, 64))
"""
from __future__ import annotations

import math
import time

import numpy as np

from aisd.core.errors import AisdError


def info_nce(image_emb, text_emb, temperature: float):
    """Symmetric InfoNCE (CLIP) loss of a batch of matching (image, text) pairs, row i with row i.

    Normalise each row to unit length, compute the n x n cosine matrix divided by ``temperature``,
    and average the cross-entropy of picking the right text for each image (rows) and the right
    image for each text (columns).

    Reference answer of notebook 08, exercise ``ex_info_nce``.

    >>> import torch
    >>> e = torch.eye(3)
    >>> round(float(info_nce(e, e, temperature=0.1)), 4)          # perfect pairs: loss near 0
    0.0001
    >>> round(float(info_nce(e, e.flip(0), temperature=1.0)), 3)    # scrambled pairs: high loss
    1.218
    """
    import torch
    import torch.nn.functional as F

    image_emb, text_emb = torch.as_tensor(image_emb, dtype=torch.float32), torch.as_tensor(text_emb, dtype=torch.float32)
    logits = F.normalize(image_emb, dim=1) @ F.normalize(text_emb, dim=1).T / temperature
    target = torch.arange(len(logits))
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2


def _heads(image_dim: int, text_dim: int, dim: int, hidden: int):
    import torch
    from torch import nn

    model = nn.ModuleDict({
        "image": nn.Sequential(nn.Linear(image_dim, hidden), nn.ReLU(), nn.Linear(hidden, dim)),
        "text": nn.Sequential(nn.Linear(text_dim, hidden), nn.ReLU(), nn.Linear(hidden, dim)),
    })
    model.log_inv_temperature = nn.Parameter(torch.tensor(math.log(1 / 0.07)))   # CLIP's starting value
    return model


def train(image_feats, text_feats, steps: int = 400, batch_size: int = 128, dim: int = 64, hidden: int = 256,
          lr: float = 1e-3, seed: int = 0, loss_fn=None, temperature: float | None = None):
    """Train both heads on row-aligned features; returns ``(model, history)``.

    ``history`` holds one dict per step: ``step``, ``loss``, ``temperature``, ``seconds``. The
    temperature is learned (as CLIP does) unless ``temperature`` fixes it. ``loss_fn(image_emb,
    text_emb, temperature)`` defaults to :func:`info_nce`.
    """
    import torch

    image_feats, text_feats = np.asarray(image_feats, dtype=np.float32), np.asarray(text_feats, dtype=np.float32)
    if len(image_feats) != len(text_feats):
        raise AisdError(f"{len(image_feats)} images but {len(text_feats)} captions: rows must be aligned pairs")
    if len(image_feats) < 2:
        raise AisdError("contrastive training needs at least 2 pairs")
    loss_fn = loss_fn or info_nce
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = _heads(image_feats.shape[1], text_feats.shape[1], dim, hidden)
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-4)
    images, texts = torch.from_numpy(image_feats), torch.from_numpy(text_feats)
    batch_size = min(batch_size, len(images))
    history, start = [], time.perf_counter()
    for step in range(steps):
        rows = torch.from_numpy(rng.choice(len(images), batch_size, replace=False))
        tau = temperature if temperature is not None else 1 / model.log_inv_temperature.exp()
        loss = loss_fn(model["image"](images[rows]), model["text"](texts[rows]), tau)
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            model.log_inv_temperature.clamp_(0, math.log(100))           # CLIP caps 1/T at 100
        history.append({"step": step, "loss": loss.item(), "seconds": time.perf_counter() - start,
                        "temperature": float(tau.detach()) if hasattr(tau, "detach") else float(tau)})
    return model.eval(), history


def _encode(head, feats) -> np.ndarray:
    import torch
    import torch.nn.functional as F

    with torch.no_grad():
        return F.normalize(head(torch.as_tensor(np.asarray(feats, dtype=np.float32))), dim=1).numpy()


def encode_images(model, image_feats) -> np.ndarray:
    """Image features mapped into the shared space, unit length (one row per image)."""
    return _encode(model["image"], image_feats)


def encode_texts(model, text_feats) -> np.ndarray:
    """Text embeddings mapped into the shared space, unit length (one row per text)."""
    return _encode(model["text"], text_feats)
