"""The offline switches, set in one place: model libraries never wait for a hub they cannot reach.

Without them a failed Hugging Face hub lookup takes ~75 s before it errors. Importing ``aisd`` sets
them in this process (unless already set: a learner opts into the network explicitly), and the
course tools pass them on to every kernel they start (:func:`offline_env`).

>>> offline_env()["HF_HUB_OFFLINE"]
'1'
"""
from __future__ import annotations

import os

OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
           "TOKENIZERS_PARALLELISM": "false"}


def offline_env() -> dict[str, str]:
    """The switches as they stand in this process (a value the user set wins over the default)."""
    return {name: os.environ.get(name, value) for name, value in OFFLINE.items()}


def apply() -> None:
    """Set every switch the user has not set in this process's environment."""
    for name, value in OFFLINE.items():
        os.environ.setdefault(name, value)
