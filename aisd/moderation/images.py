"""Known-bad image matching with perceptual hashes, as industry hash-matching systems do (PhotoDNA, PDQ).

A platform keeps the hashes of images it has removed before; each new upload is hashed and compared
with that list by Hamming distance (the number of differing bits of two 64-bit hashes). A perceptual
hash changes little when an image is resized, recompressed or recoloured, unlike a cryptographic hash,
which changes completely with one pixel. The photos are real: the ones bundled with scikit-image.

>>> hamming(0b1011, 0b0010)
2
>>> match_hash(0b1111, [0b0000, 0b0111, 0b1110], max_distance=1)
1
>>> match_hash(0b1111, [0b0000], max_distance=3) is None
True
"""
from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import imagehash
from PIL import Image, ImageDraw, ImageEnhance, ImageOps

from aisd.core.errors import AisdError

# Photos that ship inside scikit-image's wheel (skimage/data/), read by path: scikit-image itself is
# never imported (it is installed --no-deps), and nothing is downloaded.
PHOTOS = {"astronaut": "astronaut.png", "camera": "camera.png", "chelsea": "chelsea.png", "coffee": "coffee.png",
          "coins": "coins.png", "hubble": "hubble_deep_field.jpg", "ihc": "ihc.png", "moon": "moon.png",
          "page": "page.png", "rocket": "rocket.jpg", "horse": "horse.png", "clock": "clock_motion.png",
          "brick": "brick.png", "grass": "grass.png", "gravel": "gravel.png", "motorcycle": "motorcycle_left.png",
          "cell": "cell.png", "text": "text.png"}
KNOWN_BAD = ("astronaut", "coffee", "rocket", "camera")      # pretend these were removed before
# The match distance is chosen on the tuning photos and scored on the held-out ones (two known-bad photos each).
PHOTO_SPLIT = {"tuning": ("astronaut", "coffee", "chelsea", "coins", "hubble", "ihc", "moon", "page", "horse"),
               "heldout": ("rocket", "camera", "clock", "brick", "grass", "gravel", "motorcycle", "cell", "text")}
EDITS = ("resize_half", "jpeg_q30", "brighter", "grayscale", "crop_10", "caption", "crop_25",
         "rotate_5", "mirror")
HASHES = {"phash": imagehash.phash, "dhash": imagehash.dhash, "ahash": imagehash.average_hash}


def photo(name: str) -> Image.Image:
    """One bundled scikit-image photo as an RGB PIL image."""
    if name not in PHOTOS:
        raise AisdError(f"photo must be one of {sorted(PHOTOS)}; got {name!r}")
    spec = importlib.util.find_spec("skimage")
    if spec is None:
        raise AisdError("scikit-image is not installed: `pip install --no-deps scikit-image==0.26.0`")
    path = Path(spec.submodule_search_locations[0]) / "data" / PHOTOS[name]
    with Image.open(path) as img:
        return img.convert("RGB")


def edit(img: Image.Image, kind: str) -> Image.Image:
    """The image after one of :data:`EDITS` (what re-uploaders do to slip past a filter)."""
    w, h = img.size
    if kind == "resize_half":
        return img.resize((w // 2, h // 2))
    if kind == "jpeg_q30":
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=30)
        return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    if kind == "brighter":
        return ImageEnhance.Brightness(img).enhance(1.4)
    if kind == "grayscale":
        return ImageOps.grayscale(img).convert("RGB")
    if kind in ("crop_10", "crop_25"):
        f = 0.10 if kind == "crop_10" else 0.25
        return img.crop((int(w * f / 2), int(h * f / 2), int(w * (1 - f / 2)), int(h * (1 - f / 2))))
    if kind == "caption":                     # text drawn inside the image
        out = img.copy()
        draw = ImageDraw.Draw(out)
        draw.rectangle((0, int(h * 0.8), w, h), fill=(255, 255, 255))
        draw.text((10, int(h * 0.83)), "BUY FOLLOWERS NOW  www.example.com", fill=(0, 0, 0))
        return out
    if kind == "rotate_5":
        return img.rotate(5, expand=False)
    if kind == "mirror":
        return ImageOps.mirror(img)
    raise AisdError(f"kind must be one of {EDITS}; got {kind!r}")


def hash_int(img: Image.Image, method: str = "phash") -> int:
    """The 64-bit perceptual hash of an image, as an int (``method``: phash, dhash or ahash)."""
    if method not in HASHES:
        raise AisdError(f"method must be one of {sorted(HASHES)}; got {method!r}")
    return int(str(HASHES[method](img)), 16)


def hamming(a: int, b: int) -> int:
    """The number of bits in which two hashes differ."""
    return bin(int(a) ^ int(b)).count("1")


def match_hash(query: int, known: list[int], max_distance: int):
    """The index of the known hash nearest to ``query`` by Hamming distance, if that distance is at most
    ``max_distance``; ``None`` otherwise (also for an empty list). Ties go to the lowest index.

    Reference answer of notebook 05, exercise ``ex_match_hash``.
    """
    best, best_d = None, max_distance + 1
    for i, h in enumerate(known):
        d = bin(int(query) ^ int(h)).count("1")
        if d < best_d:
            best, best_d = i, d
    return best


def distance_table(methods=("phash",)) -> "pd.DataFrame":
    """For each photo, each edit and each hash method: the Hamming distance from the edited photo to the
    nearest known-bad hash. Rows: photo, split (:data:`PHOTO_SPLIT`), edit, known_bad, method, distance."""
    import pandas as pd

    originals = {name: photo(name) for name in PHOTOS}
    versions = {(name, kind): img if kind == "original" else edit(img, kind)
                for name, img in originals.items() for kind in ("original", *EDITS)}
    rows = []
    for method in methods:
        known = [hash_int(originals[n], method) for n in KNOWN_BAD]
        for (name, kind), img in versions.items():
            h = hash_int(img, method)
            split = "tuning" if name in PHOTO_SPLIT["tuning"] else "heldout"
            rows.append({"photo": name, "split": split, "edit": kind, "known_bad": name in KNOWN_BAD, "method": method,
                         "distance": min(hamming(h, k) for k in known)})
    return pd.DataFrame(rows)
