"""The labelled tweets of TweetEval (Barbieri et al., 2020): ``offensive`` (OffensEval 2019) and
``hate`` (HatEval 2019), each with the official split, named as everywhere in the course: ``train`` (TweetEval's
train), ``tuning`` (its val: every choice is made there) and ``heldout`` (its test: scored once).

Warning: the texts are real tweets and contain offensive language, slurs and hate speech.

>>> df = load("offensive", "heldout")
>>> len(df), sorted(df.columns), int(df.label.sum())
(860, ['label', 'text'], 240)
>>> mentions_identity("the women at work"), mentions_identity("the weather at work")
(True, False)
"""
from __future__ import annotations

import re

import pandas as pd

from aisd.core import paths
from aisd.core.errors import AisdError

FOLDER = paths.DATASETS / "tweeteval"
TASKS = ("offensive", "hate")
SPLITS = ("train", "tuning", "heldout")
SOURCE_SPLIT = {"train": "train", "tuning": "val", "heldout": "test"}     # the course's name -> TweetEval's file name

# Words that name an identity group (gender, religion, ethnicity, origin, sexuality, disability).
# A crude word-list split, as a first fairness check uses: it finds posts *about* a group, not their authors.
IDENTITY_TERMS = (
    "woman", "women", "girl", "girls", "female", "females", "feminist", "feminists", "lady", "ladies",
    "muslim", "muslims", "islam", "islamic", "jew", "jews", "jewish", "christian", "christians",
    "black", "blacks", "white", "whites", "african", "asian", "asians", "latino", "latinos", "mexican",
    "mexicans", "arab", "arabs", "immigrant", "immigrants", "migrant", "migrants", "refugee", "refugees",
    "gay", "gays", "lesbian", "trans", "transgender", "lgbt", "lgbtq", "queer", "disabled", "autistic",
)
_WORD = re.compile(r"[a-z]+")


def load(task: str, split: str) -> pd.DataFrame:
    """The tweets of one task and split: columns ``text`` (str) and ``label`` (1 = offensive / hate)."""
    if task not in TASKS:
        raise AisdError(f"task must be one of {TASKS}; got {task!r}")
    if split not in SPLITS:
        raise AisdError(f"split must be one of {SPLITS}; got {split!r}")
    folder = FOLDER / task
    if not folder.is_dir():
        raise AisdError(f"{folder} is missing: the TweetEval data ship with the repository (datasets/tweeteval)")
    source = SOURCE_SPLIT[split]
    texts = (folder / f"{source}_text.txt").read_text(encoding="utf-8").splitlines()
    labels = [int(x) for x in (folder / f"{source}_labels.txt").read_text(encoding="utf-8").split()]
    if len(texts) != len(labels):
        raise AisdError(f"{folder}: {len(texts)} texts but {len(labels)} labels in split {split}")
    return pd.DataFrame({"text": [t.strip() for t in texts], "label": labels})


def mentions_identity(text: str) -> bool:
    """Does the text name an identity group (a word of :data:`IDENTITY_TERMS`)?"""
    return any(w in IDENTITY_TERMS for w in _WORD.findall(text.lower()))
