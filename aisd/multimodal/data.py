"""Notebook 08's data: the generated scenes, the frozen encoders' committed outputs, the near-duplicate set.

The scenes carry their split (``train``, ``tuning``, ``heldout``) from generation (:mod:`aisd.multimodal.scenes`);
the near-duplicate set alternates its sources between ``tuning`` and ``heldout``. Everything slow to compute is
made by :mod:`aisd.multimodal.precompute` and committed under ``datasets/multimodal/``.

>>> feats = load_features()
>>> feats["scene_image"].shape[1], feats["scene_caption"].shape[1], len(load_scenes()) == len(feats["scene_image"])
(1280, 384, True)
>>> sorted(split_indices(load_scenes()))
['heldout', 'train', 'tuning']
"""
from __future__ import annotations

import json

import numpy as np

from aisd.core import paths
from aisd.core.errors import AisdError
from aisd.multimodal import dedup, photos, scenes

FOLDER = paths.DATASETS / "multimodal"
N_SCENES, SEED, SCENE_PIXELS = 1500, 0, 128
DEDUP_SCENES, DEDUP_PIXELS = 40, 160
SPLITS = ("train", "tuning", "heldout")


def dedup_sources() -> list[tuple[str, object]]:
    """(source id, PIL image) of every original in the near-duplicate set: all photos, then the first scenes."""
    out = [(row["id"], photos.image(row)) for row in photos.load()]
    out += [(s["id"], scenes.render(s, SCENE_PIXELS)) for s in load_scenes()[:DEDUP_SCENES]]
    return out


def dedup_images() -> tuple[list[dict], list]:
    """Rows (``source``, ``edit``: "original" or an edit name) and the images, in ``dedup_image`` order."""
    rows, images = [], []
    for source, image in dedup_sources():
        for edit, img in {"original": image, **dedup.variants(image)}.items():
            rows.append({"source": source, "edit": edit})
            images.append(img)
    return rows, images


def load_scenes() -> list[dict]:
    """The committed scene descriptions (one dict per line of ``scenes.jsonl``)."""
    path = FOLDER / "scenes.jsonl"
    if not path.exists():
        raise AisdError(f"{path} is missing: run python -m aisd.multimodal.precompute")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_features() -> dict[str, np.ndarray]:
    """The committed features as float32 arrays, by name."""
    path = FOLDER / "features.npz"
    if not path.exists():
        raise AisdError(f"{path} is missing: run python -m aisd.multimodal.precompute")
    with np.load(path) as npz:
        return {name: npz[name].astype(np.float32) for name in npz.files}


def split_indices(scene_rows: list[dict]) -> dict[str, np.ndarray]:
    """The indices of the scenes of each split, ``train``, ``tuning`` and ``heldout``.

    >>> split_indices([{"split": "train"}, {"split": "heldout"}, {"split": "train"}])["train"].tolist()
    [0, 2]
    """
    names = np.array([s["split"] for s in scene_rows])
    unknown = set(names) - set(SPLITS)
    if unknown:
        raise AisdError(f"unknown split names {sorted(unknown)}: expected {SPLITS}")
    return {name: np.where(names == name)[0] for name in SPLITS}


def dedup_halves(rows: list[dict]) -> dict[str, str]:
    """Each near-duplicate source's split: the sources alternate between ``tuning`` and ``heldout``.

    >>> dedup_halves([{"source": "a"}, {"source": "a"}, {"source": "b"}])
    {'a': 'tuning', 'b': 'heldout'}
    """
    sources = list(dict.fromkeys(r["source"] for r in rows))
    return {s: ("tuning" if n % 2 == 0 else "heldout") for n, s in enumerate(sources)}


def load_video() -> dict[str, np.ndarray]:
    """The committed frames of the video clips: ``frame_image`` (clips x frames x 1280, float32) and
    ``scene_index`` (the held-out scene each clip shows), made by ``aisd precompute 08 video``."""
    path = FOLDER / "video.npz"
    if not path.exists():
        raise AisdError(f"{path} is missing: run aisd precompute 08 video")
    with np.load(path) as npz:
        return {"frame_image": npz["frame_image"].astype(np.float32), "scene_index": npz["scene_index"]}
