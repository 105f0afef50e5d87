"""A small model registry on disk: versioned model files, each with a card (metrics, the data window it was
trained on, its features, a checksum), and one *champion* per model name.

What MLflow's registry does, in a folder a learner can open: ``ROOT/NAME/v1/model.pkl`` and
``ROOT/NAME/v1/card.json``, plus ``ROOT/NAME/champion`` holding the serving version. A model file whose
checksum no longer matches its card is refused (pickles run code when loaded: load only your own).

>>> import tempfile
>>> reg = Registry(tempfile.mkdtemp())
>>> reg.register("fraud", {"weights": [1, 2]}, metrics={"pr_auc": 0.7}, data_window=(7, 35), features=["amount"])
1
>>> reg.promote("fraud", 1)
>>> reg.champion("fraud")[1]["metrics"]
{'pr_auc': 0.7}
"""
from __future__ import annotations

import hashlib
import json
import pickle
import time
from pathlib import Path

import pandas as pd

from aisd.core.errors import AisdError


class Registry:
    """Versioned models under ``root`` (created if missing)."""

    def __init__(self, root) -> None:
        self.root = Path(root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AisdError(f"cannot create the model registry at {self.root}: {exc}") from None

    def _versions(self, name: str) -> list[int]:
        folder = self.root / name
        return sorted(int(p.name[1:]) for p in folder.glob("v*") if p.name[1:].isdigit()) if folder.is_dir() else []

    def register(self, name: str, model, metrics: dict, data_window, features) -> int:
        """Store ``model`` as the next version of ``name``; return that version number."""
        if not name or not name.replace("-", "").replace("_", "").isalnum():
            raise AisdError(f"a model name is letters, digits, - and _; got {name!r}")
        version = (self._versions(name) or [0])[-1] + 1
        folder = self.root / name / f"v{version}"
        folder.mkdir(parents=True)
        blob = pickle.dumps(model)
        (folder / "model.pkl").write_bytes(blob)
        card = {"name": name, "version": version, "registered": time.strftime("%Y-%m-%d %H:%M:%S"),
                "metrics": {k: float(v) for k, v in metrics.items()}, "data_window": list(data_window),
                "features": list(features), "sha256": hashlib.sha256(blob).hexdigest(), "bytes": len(blob)}
        (folder / "card.json").write_text(json.dumps(card, indent=1))
        return version

    def card(self, name: str, version: int) -> dict:
        """The card of one version."""
        path = self.root / name / f"v{version}" / "card.json"
        if not path.is_file():
            raise AisdError(f"no version {version} of model {name!r} in {self.root} (versions: {self._versions(name)})")
        return json.loads(path.read_text())

    def load(self, name: str, version: int):
        """``(model, card)`` of one version, after checking the file against the card's checksum."""
        card = self.card(name, version)
        blob = (self.root / name / f"v{version}" / "model.pkl").read_bytes()
        if hashlib.sha256(blob).hexdigest() != card["sha256"]:
            raise AisdError(f"{name} v{version}: the model file changed since it was registered; refusing to load it")
        return pickle.loads(blob), card                      # noqa: S301 - our own file, checksum verified

    def promote(self, name: str, version: int) -> None:
        """Make ``version`` the champion: the one serving traffic."""
        self.card(name, version)
        (self.root / name / "champion").write_text(str(version))

    def champion(self, name: str):
        """``(model, card)`` of the champion."""
        path = self.root / name / "champion"
        if not path.is_file():
            raise AisdError(f"model {name!r} has no champion yet: promote a version first")
        return self.load(name, int(path.read_text()))

    def table(self, name: str) -> pd.DataFrame:
        """Every version of ``name`` with its metrics and data window; the champion marked.

        >>> import tempfile; Registry(tempfile.mkdtemp()).table("none").empty
        True
        """
        path = self.root / name / "champion"
        champion = int(path.read_text()) if path.is_file() else None
        rows = []
        for v in self._versions(name):
            c = self.card(name, v)
            rows.append({"version": v, "champion": v == champion, "data_window": c["data_window"],
                         **c["metrics"], "bytes": c["bytes"]})
        return pd.DataFrame(rows)
