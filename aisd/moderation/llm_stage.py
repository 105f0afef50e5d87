"""Stage 3 of the cascade: an LLM reads only the posts the classifier is unsure about.

It answers in structured output, a JSON object valid against :data:`SCHEMA` every time (the local server
generates under a grammar of the schema): a ``verdict`` (``ok``, or the policy the post violates, so that a label
and a policy can never contradict each other) and a short ``rationale`` a reviewer or an appeal can read. Answers are stored (``datasets/tweeteval/llm_answers.jsonl``,
keyed by the exact request, see :mod:`aisd.answer_store`) so the notebook reads them within its time
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

from .. import answer_store
from .data import FOLDER

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


def messages(post: str) -> list[dict]:
    """The chat request for one post."""
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": f"Post: {post}"}]


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


def judge(posts, store: answer_store.Store | None = None, max_live: int | None = None) -> list[dict]:
    """The LLM's answer for each post (stored, or live for a request not stored: see
    :class:`aisd.answer_store.Store`). Each record: ``label``, ``policy``, ``rationale``, ``model``,
    ``prompt_tokens``, ``completion_tokens``, ``seconds`` (as measured when generated) and ``stored``.

    ``max_live`` bounds the live calls (a notebook's time budget): a post beyond it that is not stored gets the
    label ``"not asked"`` and goes to people, as a cascade whose LLM is out of capacity would send it."""
    store = answer_store.Store(STORE) if store is None else store
    out, live = [], 0
    for post in posts:
        if max_live is not None and live >= max_live and not store.has(messages(post), MAX_TOKENS, SCHEMA):
            out.append({"label": "not asked", "policy": "none", "rationale": "", "stored": False, "model": None,
                        "prompt_tokens": 0, "completion_tokens": 0, "seconds": 0.0, "post": post})
            continue
        record = store.ask(messages(post), MAX_TOKENS, schema=SCHEMA, label="band", post=post)
        live += not record["stored"]
        out.append({**record, **parse(record["text"])})
    return out


def band_posts(split: str = "heldout") -> list[str]:
    """The posts in the review band of the reference policy (TF-IDF scores, thresholds chosen on val under the
    requirements): of the held-out split (``test``, what the notebook measures on) or of the tuning split
    (``val``, where a rule about the LLM may be chosen)."""
    from . import classify, data, policy
    from .requirements import REQUIREMENTS as R

    train, val, test = (data.load("offensive", s) for s in data.SPLITS)
    model = classify.train_tfidf(train.text, train.label)
    remove_at, review_at = policy.choose_thresholds(model.predict_proba(val.text)[:, 1], val.label,
                                                    R.remove_precision_floor, R.review_share)
    posts = {"heldout": test, "tuning": val}[split].text
    s = model.predict_proba(posts)[:, 1]
    return posts[(s >= review_at) & (s < remove_at)].tolist()


def store_answers() -> None:
    """Ask the small model about every band post of the held-out and the tuning split (:func:`band_posts`, 240
    posts; each answer appended as it is made: a stopped run continues), then keep exactly those answers."""
    from ..precompute import progress

    store = answer_store.Store(STORE, write=True)
    posts = band_posts("heldout") + band_posts("tuning")
    for post in progress(posts, "05 band posts"):
        judge([post], store)
    store.keep_only(store.key(messages(p), MAX_TOKENS, SCHEMA) for p in posts)
    print(f"{len(posts)} posts, {store.live} asked live; wrote {STORE}")
