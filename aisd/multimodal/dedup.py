"""Near-duplicate images: edited copies, perceptual hashes, and a merge threshold under a false-merge budget.

A re-upload is rarely byte-identical: it is cropped, resized, recoloured, re-compressed or mirrored.
:func:`variants` makes those edits of an image; :func:`phash_distances` compares 64-bit perceptual
hashes (``imagehash.phash``) by Hamming distance; embedding distance is ``1 - cosine`` of CNN
features. A pair is *merged* when its distance is at most the threshold.

>>> from PIL import Image
>>> img = Image.new("RGB", (64, 64), (10, 120, 200))
>>> sorted(variants(img))
['crop', 'flip', 'jpeg', 'recolour', 'resize']
>>> merge_outcomes([0, 3, 9, 20], [True, True, False, False], threshold=9)
{'merged': 3, 'precision': 0.667, 'recall': 1.0, 'false_merge_rate': 0.333}
"""
from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

from aisd.core.errors import AisdError

EDITS = ("crop", "resize", "recolour", "jpeg", "flip")


def variants(image: Image.Image) -> dict[str, Image.Image]:
    """Five edited copies of ``image``: the near-duplicates a catalogue receives."""
    image = image.convert("RGB")
    w, h = image.size
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=25)
    recoloured = ImageEnhance.Color(ImageEnhance.Brightness(image).enhance(1.25)).enhance(0.6)
    return {
        "crop": image.crop((int(0.1 * w), int(0.1 * h), int(0.9 * w), int(0.9 * h))),
        "resize": image.resize((max(1, w // 3), max(1, h // 3))),
        "recolour": recoloured,
        "jpeg": Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"),
        "flip": ImageOps.mirror(image),
    }


def phash_bits(images) -> np.ndarray:
    """The 64-bit perceptual hash of each image as a (n, 64) boolean array.

    >>> from PIL import Image
    >>> phash_bits([Image.new("RGB", (32, 32))]).shape
    (1, 64)
    """
    import imagehash

    return np.array([imagehash.phash(image).hash.flatten() for image in images], dtype=bool)


def phash_distances(bits_a, bits_b) -> np.ndarray:
    """Hamming distance between row i of ``bits_a`` and row i of ``bits_b``.

    >>> phash_distances([[True, False, True]], [[True, True, False]]).tolist()
    [2]
    """
    a, b = np.asarray(bits_a, dtype=bool), np.asarray(bits_b, dtype=bool)
    if a.shape != b.shape:
        raise AisdError(f"hash arrays differ in shape: {a.shape} vs {b.shape}")
    return (a != b).sum(axis=1)


def merge_outcomes(distances, is_duplicate, threshold: float) -> dict:
    """What merging every pair at distance <= ``threshold`` does: precision, recall, false-merge rate.

    It measures what :func:`aisd.multimodal.decisions.choose_dedup_threshold` constrains and maximises, so it is off while a notebook
    grades that exercise (reading every threshold's rate off it would be a way round writing it).

    Part of the reference answer of notebook 08, exercise ``ex_choose_dedup_threshold``.
    """
    d, dup = np.asarray(distances, dtype=float), np.asarray(is_duplicate, dtype=bool)
    if d.shape != dup.shape:
        raise AisdError(f"{d.size} distances but {dup.size} labels")
    merged = d <= threshold
    n = int(merged.sum())
    precision = float(dup[merged].mean()) if n else 1.0
    recall = float(merged[dup].mean()) if dup.any() else float("nan")
    return {"merged": n, "precision": round(precision, 3), "recall": round(recall, 3),
            "false_merge_rate": round(1 - precision, 3)}
