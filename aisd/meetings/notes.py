"""Meeting notes from a transcript with the LLM: a summary (one pass, or map-reduce when the meeting is
longer than the context), action items as JSON under a schema, and their scores against the references.

Every request goes through a store keyed by the exact request (model, messages, max_tokens, schema),
``datasets/meetings/llm_answers.jsonl``: the notebook reads the model's answers from it when its
requests are unchanged, and asks the model live otherwise (an edited prompt is never served a stale
answer). Regenerate it after a change to the prompts, the transcripts or the model::

    AISD_HOME=... python -m aisd.meetings.notes

What the model sees is redacted first (:func:`aisd.meetings.redact.redact`): the contacts and names of
outsiders that its rules recognise are replaced before any request is made, whichever provider serves
the model (a contact the recogniser mangled beyond the rules' patterns is not: the notebook shows one).

>>> round(rouge_l("Launch moves to March 16.", "The launch moves to March 16 because of review."), 2)
0.71
>>> decisions_covered(["The Atlas launch moves to March 16."], "They agreed to move Atlas launch to March 16.")
1.0
"""
from __future__ import annotations

import json
import re
import sys
import time

from .. import answer_store
from ..runtime import tokens
from . import actions, chunking, data, evaluate, redact, turns

STORE = data.FOLDER / "llm_answers.jsonl"
CONTEXT = 2048                  # the local model's context, prompt and answer together
CHUNK_BUDGET = 700              # transcript tokens per map chunk (room for instructions and the answer)
MAX_TOKENS = 120
SUMMARY_PROMPT = ("You write meeting notes. Summarise the meeting transcript below in 3 short sentences: "
                  "what was decided, and who will do what by when. Use only facts from the transcript.")
REDUCE_PROMPT = ("Below are notes on consecutive parts of one meeting. Merge them into one summary of "
                 "at most 5 sentences: the decisions, and who will do what by when.")
ITEMS_PROMPT = ("List the action items of this meeting as JSON: for each, the owner (an attendee), the task "
                "as a short imperative, the due date as YYYY-MM-DD (the meeting was on {date}), and "
                "source_time, the seconds into the meeting where it was said (from the [mm:ss] stamps).")
ITEMS_SCHEMA = {"type": "object", "required": ["items"], "additionalProperties": False,
                "properties": {"items": {"type": "array", "maxItems": 8, "items": {
                    "type": "object", "required": ["owner", "task", "due", "source_time"], "additionalProperties": False,
                    "properties": {"owner": {"type": "string", "maxLength": 20}, "task": {"type": "string", "maxLength": 80},
                                   "due": {"type": "string", "maxLength": 10},
                                   "source_time": {"type": "number"}}}}}}


def transcript_turns(meeting_id: str) -> list[dict]:
    """The speaker-attributed ASR transcript of a meeting (saved ASR words joined to diarization with
    the number of speakers known; clusters named as a person would name them), each turn redacted."""
    m = data.load(meeting_id)
    said = evaluate.attribution(meeting_id, len(m.speakers))["turns"]
    return [{**t, "text": redact.redact(t["text"], m.speakers, m.glossary).text} for t in said]


def _ask(client, model, system, user, store, label, schema=None):
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    keyed = messages + ([{"role": "schema", "content": json.dumps(schema, sort_keys=True)}] if schema else [])
    key = answer_store.request_key(model, keyed, MAX_TOKENS)
    if key in store:
        return {**store[key], "stored": True}
    extra = {"response_format": {"type": "json_object", "schema": schema}} if schema else {}
    t = time.perf_counter()
    reply = client.chat.completions.create(model=model, messages=messages, max_tokens=MAX_TOKENS, temperature=0,
                                           **extra)
    record = {"key": key, "label": label, "model": model, "text": reply.choices[0].message.content or "",
              "prompt_tokens": reply.usage.prompt_tokens, "completion_tokens": reply.usage.completion_tokens,
              "seconds": round(time.perf_counter() - t, 3)}
    store[key] = record
    return {**record, "stored": False}


def summarise(turn_list: list[dict], client, model: str, store: dict, label: str = "") -> dict:
    """``{"summary", "mode", "calls"}``: one pass when the transcript fits :data:`CHUNK_BUDGET`,
    else map (a summary per chunk, :func:`aisd.meetings.chunking.chunk_turns`) then reduce."""
    text = turns.format_transcript(turn_list)
    if tokens.count(text) <= CHUNK_BUDGET:
        r = _ask(client, model, SUMMARY_PROMPT, text, store, f"{label} single")
        return {"summary": r["text"].strip(), "mode": "single pass", "calls": [r]}
    chunks = chunking.chunk_turns(turn_list, CHUNK_BUDGET, overlap=1)
    calls = [_ask(client, model, SUMMARY_PROMPT, c, store, f"{label} map {i}") for i, c in enumerate(chunks)]
    notes = "\n".join(f"Part {i + 1}: {c['text'].strip()}" for i, c in enumerate(calls))
    final = _ask(client, model, REDUCE_PROMPT, notes, store, f"{label} reduce")
    return {"summary": final["text"].strip(), "mode": f"map-reduce ({len(chunks)} chunks)", "calls": calls + [final]}


def extract_items(turn_list: list[dict], meeting: data.Meeting, client, model: str, store: dict) -> dict:
    """``{"items", "valid", "problems", "calls"}``: the action items the model returns under
    :data:`ITEMS_SCHEMA` (one call per chunk for a long meeting), and which pass :func:`actions.validate`."""
    chunks = chunking.chunk_turns(turn_list, CHUNK_BUDGET, overlap=0)
    items, calls = [], []
    for i, chunk in enumerate(chunks):
        r = _ask(client, model, ITEMS_PROMPT.format(date=meeting.date), chunk, store, f"{meeting.id} items {i}",
                 schema=ITEMS_SCHEMA)
        calls.append(r)
        try:
            items += actions.parse_items(r["text"])
        except actions.ActionItemError:
            continue
    for item in items:
        if isinstance(item, dict) and item.get("due") in ("", "none", "null"):
            item["due"] = None
    problems = [actions.validate(i, meeting.speakers, meeting.duration) for i in items]
    valid = [i for i, p in zip(items, problems) if not p]
    return {"items": items, "valid": valid, "problems": problems, "calls": calls}


def rouge_l(reference: str, summary: str) -> float:
    """ROUGE-L F1 of ``summary`` against ``reference`` (``rouge-score``, stemmed)."""
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True).score(reference, summary)["rougeL"].fmeasure


def decisions_covered(decisions: list[str], summary: str, min_share: float = 0.6) -> float:
    """Share of ``decisions`` whose content words (numbers included) appear in ``summary``, at least
    ``min_share`` of them each: a crude but checkable "is every decision in the notes?"."""
    said = set(re.findall(r"[a-z0-9]+", summary.lower()))
    hits = 0
    for d in decisions:
        words = [w for w in re.findall(r"[a-z0-9]+", d.lower()) if w not in actions._STOP]
        hits += bool(words) and sum(w in said for w in words) / len(words) >= min_share
    return hits / len(decisions) if decisions else 1.0


# The meetings the notebook sends to the LLM (the local model takes minutes per meeting on a busy CPU):
# two tuning and two held-out short ones, clean and noisy, for summaries and action items, and the long
# one for the map-reduce summary (its action items are a further exercise).
LLM_MEETINGS = ("m01_launch_date", "m04_budget", "m08_vendor_contract", "m09_offsite", "m10_quarterly_roadmap")
SUMMARY_ONLY = ("m10_quarterly_roadmap",)


def run_all(client, model: str, store: dict, on_meeting=None, meeting_ids=LLM_MEETINGS) -> list[dict]:
    """Summary and action items of each meeting (summary only for :data:`SUMMARY_ONLY`), scored: one row
    per meeting (``on_meeting(row)`` is called after each, e.g. to save the store as it grows)."""
    rows = []
    for m in map(data.load, meeting_ids):
        t = transcript_turns(m.id)
        s = summarise(t, client, model, store, m.id)
        it = (extract_items(t, m, client, model, store) if m.id not in SUMMARY_ONLY
              else {"items": [], "valid": [], "calls": []})
        score = actions.match_items(it["valid"], m.action_items) if it["calls"] else {"precision": None, "recall": None}
        rows.append({"id": m.id, "kind": m.kind, "split": m.split, "mode": s["mode"], "summary": s["summary"],
                     "rouge_l": rouge_l(m.summary, s["summary"]),
                     "decisions_covered": decisions_covered(m.decisions, s["summary"]),
                     "items": len(it["items"]), "valid": len(it["valid"]),
                     "precision": score["precision"], "recall": score["recall"],
                     "llm_seconds": sum(c["seconds"] for c in s["calls"] + it["calls"]),
                     "stored": all(c["stored"] for c in s["calls"] + it["calls"])})
        if on_meeting:
            on_meeting(rows[-1])
    return rows


def main(argv: list[str] | None = None) -> int:
    import argparse

    from ..runtime import llm

    parser = argparse.ArgumentParser(prog="python -m aisd.meetings.notes", description="store the LLM's notes")
    parser.add_argument("--only", action="append", help="meeting id (repeatable); default: LLM_MEETINGS")
    parser.add_argument("--store", default=str(STORE), help="the JSONL store to read and extend")
    args = parser.parse_args(argv)
    client, model = llm.client(local=True, timeout=1800), llm.model_name(local=True)
    store = answer_store.load(args.store)
    t = time.perf_counter()

    def saved(row):
        answer_store.save(list(store.values()), args.store)
        print(json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items() if k != "summary"}),
              f"{time.perf_counter() - t:.0f} s", flush=True)

    run_all(client, model, store, on_meeting=saved, meeting_ids=args.only or LLM_MEETINGS)
    print(f"{len(store)} answers stored, {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
