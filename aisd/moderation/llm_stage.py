"""Stage 3 of the cascade: an LLM reads only the posts the classifier is unsure about.

It answers in structured output, a JSON object valid against :data:`SCHEMA` every time (the local server
generates under a grammar of the schema): a ``label``, the ``policy`` it applies and a short
``rationale`` a reviewer or an appeal can read. Answers are stored (``datasets/tweeteval/llm_answers.jsonl``,
keyed by the exact request, see :mod:`aisd.answer_store`) so the notebook reads them within its time
budget; a request not in the store goes to the model live.

>>> messages("you are an idiot")[1]["content"]
'Post: you are an idiot'
>>> parse('{"label": "violating", "policy": "insult", "rationale": "calls someone an idiot"}')["label"]
'violating'
>>> parse("not json")["label"]
'invalid'
"""
from __future__ import annotations

import json
import time

from .. import answer_store
from .data import FOLDER

STORE = FOLDER / "llm_answers.jsonl"
MAX_TOKENS = 80
SAMPLE = 40          # band posts the notebook sends to the LLM (its run-time budget); the rest go to people
POLICIES = ("insult", "profanity", "hate", "threat", "harassment", "none")
SCHEMA = {
    "type": "object",
    "properties": {
        "label": {"type": "string", "enum": ["violating", "ok"]},
        "policy": {"type": "string", "enum": list(POLICIES)},
        "rationale": {"type": "string", "maxLength": 100},
    },
    "required": ["label", "policy", "rationale"],
}
SYSTEM_PROMPT = (
    "You moderate posts on a social platform. A post is violating if it insults or threatens a person, "
    "uses profanity or attacks a group (hate). Otherwise it is ok: opinions, criticism and sarcasm are ok. "
    'Answer in JSON: {"label": "violating" or "ok", "policy": one of insult, profanity, hate, threat, '
    'harassment, none, "rationale": a few words}.'
)


def messages(post: str) -> list[dict]:
    """The chat request for one post."""
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": f"Post: {post}"}]


def parse(text: str) -> dict:
    """The model's JSON answer as a dict; ``label`` ``"invalid"`` when it is not the JSON asked for."""
    try:
        answer = json.loads(text)
        if answer.get("label") in ("violating", "ok"):
            return answer
    except (json.JSONDecodeError, AttributeError):
        pass
    return {"label": "invalid", "policy": "none", "rationale": ""}


def _key(model: str, post: str) -> str:
    return answer_store.request_key(model, messages(post) + [{"role": "schema", "content": json.dumps(SCHEMA)}],
                                    MAX_TOKENS)


def judge(posts, client, model: str, store: dict | None = None) -> list[dict]:
    """The LLM's answer for each post: the stored one if there is one, else a live call (added to ``store``).
    Each record: ``label``, ``policy``, ``rationale``, ``prompt_tokens``, ``completion_tokens``,
    ``seconds`` (as measured when generated) and ``stored``."""
    store = answer_store.load(STORE) if store is None else store
    out = []
    for post in posts:
        key = _key(model, post)
        if key in store:
            out.append({**store[key], **parse(store[key]["text"]), "stored": True})
            continue
        t = time.perf_counter()
        reply = client.chat.completions.create(model=model, messages=messages(post), max_tokens=MAX_TOKENS,
                                               temperature=0,
                                               response_format={"type": "json_object", "schema": SCHEMA})
        record = {"key": key, "model": model, "post": post, "text": reply.choices[0].message.content or "",
                  "prompt_tokens": reply.usage.prompt_tokens, "completion_tokens": reply.usage.completion_tokens,
                  "seconds": round(time.perf_counter() - t, 3)}
        store[key] = record
        out.append({**record, **parse(record["text"]), "stored": False})
    return out


def band_posts() -> list[str]:
    """The posts the notebook sends to the LLM: the first :data:`SAMPLE` held-out offensive tweets in the
    review band of the reference policy (TF-IDF scores, thresholds chosen on val under the requirements)."""
    from . import classify, data, policy
    from .requirements import REQUIREMENTS as R

    train, val, test = (data.load("offensive", s) for s in data.SPLITS)
    model = classify.train_tfidf(train.text, train.label)
    remove_at, review_at = policy.choose_thresholds(model.predict_proba(val.text)[:, 1], val.label,
                                                    R.remove_precision_floor, R.review_share)
    s = model.predict_proba(test.text)[:, 1]
    return test.text[(s >= review_at) & (s < remove_at)].tolist()[:SAMPLE]


def store_answers() -> None:
    """Ask the local LLM about :func:`band_posts` and rewrite the store with exactly those answers
    (saved every 10 posts, so a stopped run keeps what it asked)."""
    from ..runtime import llm

    client, model = llm.client(), llm.model_name()
    store = answer_store.load(STORE)
    posts = band_posts()
    asked = 0
    for start in range(0, len(posts), 10):
        records = judge(posts[start:start + 10], client, model, store)
        asked += sum(not r["stored"] for r in records)
        keys = list(dict.fromkeys(_key(model, p) for p in posts[:start + 10]))
        answer_store.save([store[k] for k in keys], STORE)
        print(f"  {start + len(records)} of {len(posts)} posts", flush=True)
    print(f"{len(posts)} posts, {asked} asked live; wrote {STORE}")
