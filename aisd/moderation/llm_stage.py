"""Stage 3 of the cascade: an LLM reads only the posts the classifier is unsure about.

It answers in structured output, a JSON object valid against :data:`SCHEMA` every time (the local server
generates under a grammar of the schema): a ``verdict`` (``ok``, or the policy the post violates, so that a label
and a policy can never contradict each other) and a short ``rationale`` a reviewer or an appeal can read. Answers are stored (``datasets/tweeteval/llm_answers.jsonl``,
keyed by the exact request, see :mod:`aisd.toolkit.answer_store`) so the notebook reads them within its time
budget; a request not in the store goes to the model live.

>>> messages("you are an idiot")[1]["content"]
'Post: you are an idiot'
>>> parse('{"verdict": "insult", "rationale": "calls someone an idiot"}')
{'label': 'violating', 'policy': 'insult', 'rationale': 'calls someone an idiot'}
>>> parse("not json")["label"]
'invalid'
"""
from __future__ import annotations

import json

import numpy as np

from aisd.toolkit import answer_store
from aisd.moderation.data import FOLDER

STORE = FOLDER / "llm_answers.jsonl"
MAX_TOKENS = 120     # room for the verdict and a rationale of up to 100 characters (never cut off)
MAX_LIVE = 40        # live calls the notebook may make for band posts not stored (its time budget)
POLICIES = ("insult", "profanity", "hate", "threat", "harassment")
# One field decides: the verdict is "ok" or the policy the post violates, so a label and a policy can never
# contradict each other (the grammar generated from this enum allows nothing else); ``parse`` derives both.
SCHEMA = {
    "type": "object",
    "properties": {"verdict": {"enum": ["ok", *POLICIES]}, "rationale": {"type": "string", "maxLength": 100}},
    "required": ["verdict", "rationale"],
    "additionalProperties": False,
}
SYSTEM_PROMPT = (
    "You moderate posts on a social platform. A post is violating if it insults or threatens a person, "
    "uses profanity or attacks a group (hate). Otherwise it is ok: opinions, criticism and sarcasm are ok. "
    'Answer in JSON: {"verdict": "ok", or the policy the post violates: insult, profanity, hate, threat or '
    'harassment, "rationale": a few words}.'
)


# A second wording of the same policy: the tiny model is asked both ways, and an answer that changes with the
# wording is a low-confidence one (the router sends it on to the small model; :mod:`aisd.moderation.router`).
SECOND_PROMPT = (
    "Decide whether this social media post breaks the rules. The rules forbid insults or threats against a person, "
    "profanity and attacks on a group (hate); opinions, criticism and sarcasm are allowed. Reply in JSON: "
    '{"verdict": "ok" if it breaks no rule, else the rule it breaks: insult, profanity, hate, threat or harassment, '
    '"rationale": a few words}.'
)
PROMPTS = (SYSTEM_PROMPT, SECOND_PROMPT)


def messages(post: str, system: str = SYSTEM_PROMPT) -> list[dict]:
    """The chat request for one post (``system``: the policy as worded in :data:`PROMPTS`)."""
    return [{"role": "system", "content": system}, {"role": "user", "content": f"Post: {post}"}]


def parse(text: str) -> dict:
    """The model's JSON answer as ``label`` (``"violating"`` or ``"ok"``), ``policy`` (``"none"`` when ok) and
    ``rationale``; ``label`` ``"invalid"`` when it is not the JSON asked for."""
    try:
        answer = json.loads(text)
        verdict = answer.get("verdict")
        if verdict == "ok" or verdict in POLICIES:
            return {"label": "ok" if verdict == "ok" else "violating", "policy": "none" if verdict == "ok" else verdict,
                    "rationale": str(answer.get("rationale", ""))}
    except (json.JSONDecodeError, AttributeError):
        pass
    return {"label": "invalid", "policy": "none", "rationale": ""}


def label_posts(posts, store: answer_store.Store | None = None, max_live: int | None = None,
                system: str = SYSTEM_PROMPT) -> list[dict]:
    """The LLM's answer for each post (stored, or live for a request not stored: see
    :class:`aisd.toolkit.answer_store.Store`). Each record: ``label``, ``policy``, ``rationale``, ``model``,
    ``prompt_tokens``, ``completion_tokens``, ``seconds`` (as measured when generated) and ``stored``.

    ``max_live`` bounds the live calls (a notebook's time budget): a post beyond it that is not stored gets the
    label ``"not asked"`` and goes to people, as a cascade whose LLM is out of capacity would send it."""
    store = answer_store.Store(STORE) if store is None else store
    out, live = [], 0
    for post in posts:
        request = store.request(messages(post, system), MAX_TOKENS, SCHEMA)
        if max_live is not None and live >= max_live and not request.stored:
            out.append({"label": "not asked", "policy": "none", "rationale": "", "stored": False, "model": None,
                        "prompt_tokens": 0, "completion_tokens": 0, "seconds": 0.0, "post": post})
            continue
        record = store.answer(request, label="band", post=post)
        live += not record["stored"]
        out.append({**record, **parse(record["text"])})
    return out


def band_bounds(tuning_scores, tuning_labels, precision_floor: float, review_share: float) -> tuple[float, float]:
    """The score range whose posts get stored LLM answers: from the lower edge of the band that fills the daily
    review capacity (the widest band the notebook considers) up to the lowest threshold whose removals keep the
    precision floor with a margin (the Wilson interval's lower end on tuning at or above the floor: the highest
    ``remove_at`` the notebook considers). Any band chosen between those is stored."""
    from aisd.toolkit import stats

    s, y = np.asarray(tuning_scores, dtype=float), np.asarray(tuning_labels, dtype=int)
    values = np.unique(s)
    exact = next((float(t) for t in values if y[s >= t].mean() >= precision_floor), float("inf"))
    high = next((float(t) for t in values if stats.wilson(int(y[s >= t].sum()), int((s >= t).sum())).low
                 >= precision_floor), float("inf"))
    low = next((float(t) for t in values[values < exact]
                if np.sum((s >= t) & (s < exact)) <= review_share * len(s)), exact)
    return low, high


def band_posts(split: str = "heldout", reference: bool = False) -> list[str]:
    """The uncertain posts whose LLM answers are stored (TF-IDF scores in :func:`band_bounds`, chosen on the tuning
    split under the requirements): of the held-out split (what the notebook measures on) or of the tuning split.
    ``reference=True``: only those in the band of the reference thresholds
    (:func:`aisd.moderation.decisions.choose_thresholds`), the ones the notebook's tier comparison reads."""
    from aisd.moderation import classify, data, decisions
    from aisd.moderation.system import REQUIREMENTS as R

    train, tuning, heldout = (data.load("offensive", s) for s in data.SPLITS)
    model = classify.train_tfidf(train.text, train.label)
    tuning_scores = model.predict_proba(tuning.text)[:, 1]
    low, high = band_bounds(tuning_scores, tuning.label, R.remove_precision_floor, R.review_share)
    if reference:
        high, low = decisions.choose_thresholds(tuning_scores, tuning.label, R)
    posts = {"heldout": heldout, "tuning": tuning}[split].text
    s = model.predict_proba(posts)[:, 1]
    return posts[(s >= low) & (s < high)].tolist()


def store_answers() -> None:
    """Store the answers to every band post (:func:`band_posts`): the small model's, and the tiny model's in both
    wordings of :data:`PROMPTS` (the router's confidence check), held-out posts first (for the tiny model, those of
    the reference band first). Each answer is appended as it
    is made (a stopped run continues); at the end the file keeps exactly these answers."""
    from aisd.toolkit.progress import progress

    heldout, tuning = band_posts("heldout"), band_posts("tuning")
    first = band_posts("heldout", reference=True)         # the tier comparison's posts: the tiny model's first
    heldout_tiny = first + [p for p in heldout if p not in set(first)]
    plan = [("small", heldout, (SYSTEM_PROMPT,)), ("tiny", heldout_tiny, PROMPTS), ("tiny", tuning, PROMPTS),
            ("small", tuning, (SYSTEM_PROMPT,))]
    keys = []
    for tier, posts, prompts in plan:
        store = answer_store.Store(STORE, tier=tier, write=True)
        for post in progress(posts, f"05 band posts ({tier})"):
            for system in prompts:
                label_posts([post], store, system=system)
        keys += [store.key(messages(p, system), MAX_TOKENS, SCHEMA) for p in posts for system in prompts]
    store.keep_only(keys)
    print(f"{len(heldout)} held-out and {len(tuning)} tuning posts; wrote {STORE}")
