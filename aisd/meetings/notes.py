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

from aisd.toolkit import answer_store
from aisd.runtime import tokens
from aisd.meetings import actions, chunking, data, evaluate, redact, turns

STORE = data.FOLDER / "llm_answers.jsonl"
SUMMARY_TOKENS = 200            # room for a summary of 3-5 sentences
ITEMS_TOKENS = 400              # room for up to 8 action items as JSON
PROMPT_ROOM = 250               # the instructions and chat template around the transcript
MAP_BUDGET = 700                # transcript tokens per map chunk when map-reduce is asked for explicitly
TOKEN_MARGIN = 0.85             # tokens are counted with the tiny model's tokenizer; the small model's differs
SUMMARY_PROMPT = ("You write meeting notes. Summarise the meeting transcript below in 3 short sentences: "
                  "what was decided, and who will do what by when. Use only facts from the transcript.")
REDUCE_PROMPT = ("Below are notes on consecutive parts of one meeting. Merge them into one summary of "
                 "at most 5 sentences: the decisions, and who will do what by when.")
# Two ways to ask where an item was said. "seconds": the model converts the [mm:ss] stamp into seconds itself
# (arithmetic, which small models get wrong: the small model read [00:08] as 480 s). "stamp": the model copies the
# stamp as written and the code converts it (:func:`stamp_seconds`). The notebook compares the two.
ITEMS_PROMPTS = {
    "seconds": ("List the action items of this meeting as JSON: for each, the owner (an attendee), the task "
                "as a short imperative, the due date as YYYY-MM-DD (the meeting was on {date}), and "
                "source_time, the seconds into the meeting where it was said (from the [mm:ss] stamps)."),
    "stamp": ("List the action items of this meeting as JSON: for each, the owner (an attendee), the task "
              "as a short imperative, the due date as YYYY-MM-DD (the meeting was on {date}), and "
              "source_stamp, the [mm:ss] stamp of the line where it was said, copied exactly as written."),
}
_ITEM = {"owner": {"type": "string", "maxLength": 20}, "task": {"type": "string", "maxLength": 80},
         "due": {"type": "string", "maxLength": 10}}
ITEMS_SCHEMAS = {
    variant: {"type": "object", "required": ["items"], "additionalProperties": False,
              "properties": {"items": {"type": "array", "maxItems": 8, "items": {
                  "type": "object", "required": ["owner", "task", "due", where], "additionalProperties": False,
                  "properties": {**_ITEM, where: kind}}}}}
    for variant, where, kind in (("seconds", "source_time", {"type": "number"}),
                                 ("stamp", "source_stamp", {"type": "string", "maxLength": 7}))}
ITEMS_VARIANT = "stamp"


def stamp_seconds(stamp) -> float | None:
    """Seconds into the meeting of a ``mm:ss`` stamp as the transcript writes it (brackets allowed); None if it
    is not one.

    >>> stamp_seconds("01:20"), stamp_seconds("[00:08]"), stamp_seconds("8 minutes")
    (80.0, 8.0, None)
    """
    match = re.fullmatch(r"\[?(\d{1,2}):(\d{2})\]?", str(stamp).strip())
    return None if match is None else 60.0 * int(match.group(1)) + int(match.group(2))


def transcript_budget(tier: str, answer_tokens: int = ITEMS_TOKENS) -> int:
    """Transcript tokens one call of ``tier``'s model can take: its served context less the answer and the
    prompt, with a margin for the tokenizer difference (counted with the tiny model's tokenizer).

    >>> transcript_budget("tiny"), transcript_budget("small")
    (1188, 2929)
    """
    from aisd.runtime.models import tier_of

    return int((tier_of(tier).n_ctx - answer_tokens - PROMPT_ROOM) * TOKEN_MARGIN)


def transcript_turns(meeting_id: str) -> list[dict]:
    """The speaker-attributed ASR transcript of a meeting (saved ASR words joined to diarization with
    the number of speakers known; clusters named as a person would name them), each turn redacted."""
    m = data.load(meeting_id)
    said = evaluate.attribution(meeting_id, len(m.speakers))["turns"]
    return [{**t, "text": redact.redact(t["text"], m.speakers, m.glossary).text} for t in said]


def _messages(system: str, user: str) -> list[dict]:
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def request_for(store: answer_store.Store, system: str, user: str, max_tokens: int, schema=None,
                probe: answer_store.Request | None = None) -> answer_store.Request:
    """The store's request for one prompt, keyed once; ``probe`` (the request :func:`serving_tier` looked at) is
    reused when it is this very request."""
    messages = _messages(system, user)
    if probe is not None and (probe.messages, probe.max_tokens, probe.schema) == (messages, max_tokens, schema):
        return probe
    return store.request(messages, max_tokens, schema)


def _ask(store: answer_store.Store, system: str, user: str, max_tokens: int, label: str, schema=None,
         probe: answer_store.Request | None = None) -> dict:
    return store.answer(request_for(store, system, user, max_tokens, schema, probe), label=label)


def serving_tier(store: answer_store.Store, request: answer_store.Request) -> str:
    """The tier that will answer ``request`` (:func:`request_for`): the store's (``small``) when it holds the answer
    or regenerates, else the tier that serves live calls here (``tiny`` by default). Chunks are sized from its
    context, so a live call never asks the tiny model for more than its 2,048 tokens."""
    from aisd.runtime import llm

    if store.write or request.stored:
        return store.tier
    return llm.live_tier()


def summarise(turn_list: list[dict], store: answer_store.Store, label: str = "", budget: int | None = None) -> dict:
    """``{"summary", "mode", "calls"}``: one pass when the transcript fits ``budget`` (default: what the store's
    model can take, :func:`transcript_budget`), else map (a summary per chunk,
    :func:`aisd.meetings.chunking.chunk_turns`) then :func:`reduce_notes`."""
    text = turns.format_transcript(turn_list)
    tier, probe = store.tier, None
    if budget is None:
        budget = transcript_budget(tier, SUMMARY_TOKENS)
        first = text if tokens.count(text) <= budget else chunking.chunk_turns(turn_list, budget, overlap=1)[0]
        probe = request_for(store, SUMMARY_PROMPT, first, SUMMARY_TOKENS)
        tier = serving_tier(store, probe)
        budget = transcript_budget(tier, SUMMARY_TOKENS)
    if tokens.count(text) <= budget:
        r = _ask(store, SUMMARY_PROMPT, text, SUMMARY_TOKENS, f"{label} single", probe=probe)
        return {"summary": r["text"].strip(), "mode": "single pass", "calls": [r]}
    chunks = chunking.chunk_turns(turn_list, budget, overlap=1)
    calls = [_ask(store, SUMMARY_PROMPT, c, SUMMARY_TOKENS, f"{label} map {i}", probe=probe)
             for i, c in enumerate(chunks)]
    summary, reduce_calls, levels = reduce_notes([c["text"].strip() for c in calls], store, label,
                                                 transcript_budget(tier, SUMMARY_TOKENS))
    return {"summary": summary, "mode": f"map-reduce ({len(chunks)} chunks, {levels} reduce levels)",
            "calls": calls + reduce_calls}


def reduce_notes(notes: list[str], store: answer_store.Store, label: str, budget: int) -> tuple[str, list, int]:
    """Merge part notes into one summary, hierarchically: while the notes do not fit ``budget`` tokens in one
    call, merge consecutive groups that do fit; then one last merge. Returns (summary, calls, levels)."""
    calls, level = [], 0
    while True:
        level += 1
        joined = "\n".join(f"Part {i + 1}: {n}" for i, n in enumerate(notes))
        if tokens.count(joined) <= budget or len(notes) == 1:
            final = _ask(store, REDUCE_PROMPT, joined, SUMMARY_TOKENS, f"{label} reduce {level}")
            return final["text"].strip(), calls + [final], level
        groups, current = [], []
        for note in notes:
            if current and tokens.count("\n".join(current + [note])) + 10 * (len(current) + 1) > budget:
                groups.append(current)
                current = []
            current.append(note)
        groups.append(current)
        if len(groups) == len(notes) and len(notes) > 1:   # no two notes fit together: pair them anyway
            groups = [notes[i:i + 2] for i in range(0, len(notes), 2)]
        merged = []
        for g, group in enumerate(groups):
            text = "\n".join(f"Part {i + 1}: {n}" for i, n in enumerate(group))
            r = _ask(store, REDUCE_PROMPT, text, SUMMARY_TOKENS, f"{label} reduce {level}.{g}")
            calls.append(r)
            merged.append(r["text"].strip())
        notes = merged


def extract_items(turn_list: list[dict], meeting: data.Meeting, store: answer_store.Store,
                  variant: str = ITEMS_VARIANT) -> dict:
    """``{"items", "valid", "problems", "calls"}``: the action items the model returns under the schema of
    ``variant`` (:data:`ITEMS_SCHEMAS`; one call per chunk for a meeting longer than the model's context), and
    which pass :func:`actions.validate`. With ``"stamp"`` the copied stamp becomes ``source_time`` in code."""
    prompt, schema = ITEMS_PROMPTS[variant].format(date=meeting.date), ITEMS_SCHEMAS[variant]
    chunks = chunking.chunk_turns(turn_list, transcript_budget(store.tier), overlap=0)
    probe = request_for(store, prompt, chunks[0] if chunks else "", ITEMS_TOKENS, schema)
    tier = serving_tier(store, probe)
    if tier != store.tier:
        chunks = chunking.chunk_turns(turn_list, transcript_budget(tier), overlap=0)
    items, calls = [], []
    for i, chunk in enumerate(chunks):
        label = f"{meeting.id} items {i}" + ("" if variant == ITEMS_VARIANT else f" ({variant})")
        r = _ask(store, prompt, chunk, ITEMS_TOKENS, label, schema=schema, probe=probe)
        calls.append(r)
        try:
            found = actions.parse_items(r["text"])
        except actions.ActionItemError:
            continue
        for item in found:
            if isinstance(item, dict) and "source_stamp" in item:
                stamp = item.pop("source_stamp")
                item["source_time"] = stamp_seconds(stamp) if stamp_seconds(stamp) is not None else stamp
        items += found
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


# Every meeting's notes and action items are stored (the small model's); the long one also as a map-reduce summary
# of MAP_BUDGET-token chunks beside its single pass, to compare the two.
LLM_MEETINGS = tuple(data.meeting_ids())
LONG_MEETING = "m10_quarterly_roadmap"


def run_all(store: answer_store.Store, on_meeting=None, meeting_ids=LLM_MEETINGS) -> list[dict]:
    """Summary and action items of each meeting, scored: one row per meeting (``on_meeting(row)`` is called
    after each)."""
    rows = []
    for m in map(data.load, meeting_ids):
        t = transcript_turns(m.id)
        s = summarise(t, store, m.id)
        it = extract_items(t, m, store)
        score = actions.match_items(it["valid"], m.action_items)
        rows.append({"id": m.id, "kind": m.kind, "split": m.split, "mode": s["mode"], "summary": s["summary"],
                     "rouge_l": rouge_l(m.summary, s["summary"]),
                     "decisions_covered": decisions_covered(m.decisions, s["summary"]),
                     "items": len(it["items"]), "valid": len(it["valid"]), "reference_items": len(m.action_items),
                     "matched": len(score["pairs"]),
                     "precision": score["precision"], "recall": score["recall"],
                     "llm_seconds": sum(c["seconds"] for c in s["calls"] + it["calls"]),
                     "model": s["calls"][0]["model"],
                     "stored": all(c["stored"] for c in s["calls"] + it["calls"])})
        if on_meeting:
            on_meeting(rows[-1])
    return rows


def map_reduce_long(store: answer_store.Store) -> dict:
    """The long meeting summarised in :data:`MAP_BUDGET`-token chunks then reduced (beside its single pass)."""
    return summarise(transcript_turns(LONG_MEETING), store, f"{LONG_MEETING} mr", budget=MAP_BUDGET)


def main(argv: list[str] | None = None) -> int:
    """Store the small model's notes and items for every meeting (each answer appended as it is made)."""
    from aisd.toolkit.progress import progress

    store = answer_store.Store(STORE, write=True)
    t = time.perf_counter()
    rows = []
    for mid in progress(LLM_MEETINGS, "10 meetings"):
        rows += run_all(store, meeting_ids=[mid])
        print(json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in rows[-1].items()
                          if k != "summary"}), flush=True)
    long = map_reduce_long(store)
    print(f"{LONG_MEETING} map-reduce: {long['mode']}", flush=True)
    for mid in progress(LLM_MEETINGS, "10 items, source time in seconds by the model"):
        extract_items(transcript_turns(mid), data.load(mid), store, variant="seconds")
    store.keep_only(store.asked)
    print(f"{len(set(store.asked))} answers stored, {store.live} live, {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
