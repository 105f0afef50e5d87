"""Real photos for a demonstration beyond the toy domain: the images scikit-image ships, with our captions.

The images are read from the installed ``scikit-image`` wheel (nothing copied into the project, nothing
downloaded; ``skimage`` itself is never imported). The captions, search queries and tags were written
for this course (``datasets/multimodal/photos.json``).

>>> rows = load()
>>> len(rows) >= 15, sorted(rows[0]) == ["caption", "file", "id", "query", "tags"]
(True, True)
>>> image(rows[0]).mode
'RGB'
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from PIL import Image

from aisd.core import paths
from aisd.core.errors import AisdError

CAPTIONS = paths.DATASETS / "multimodal" / "photos.json"


def folder() -> Path:
    """Where scikit-image keeps its sample images (``skimage/data``), found without importing it."""
    spec = importlib.util.find_spec("skimage")
    if spec is None or not spec.submodule_search_locations:
        raise AisdError("scikit-image is not installed: pip install --no-deps scikit-image==0.26.0 "
                        "(see binder/requirements-nodeps.txt)")
    return Path(spec.submodule_search_locations[0]) / "data"


def load() -> list[dict]:
    """The captioned photos: ``id``, ``file``, ``caption``, ``query`` (another wording), ``tags``."""
    return json.loads(CAPTIONS.read_text(encoding="utf-8"))


def image(row: dict) -> Image.Image:
    """One photo as RGB (grey-level and RGBA images converted; transparency on white)."""
    path = folder() / row["file"]
    if not path.exists():
        raise AisdError(f"{path} is missing: reinstall scikit-image==0.26.0")
    img = Image.open(path)
    if img.mode == "RGBA":
        background = Image.new("RGB", img.size, (255, 255, 255))
        background.paste(img, mask=img.split()[3])
        return background
    return img.convert("RGB")
