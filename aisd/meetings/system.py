"""The meeting assistant's requirements and design as data, and its cost per meeting hour.

>>> REQUIREMENTS.live_caption_delay_p95_s, REQUIREMENTS.max_caption_rtf
(3.0, 0.6)
>>> REQUIREMENTS.meetings_per_day
1500
>>> sorted(DESIGN.of_kind("model"))
['asr', 'voices']
>>> round(hosted_cost_per_hour(asr_usd_per_minute=0.006, llm_in_per_1m=0.15, llm_out_per_1m=0.6), 3)
0.366
"""
from __future__ import annotations

from aisd.toolkit.design import Design
from aisd.toolkit.requirements import Requirements

# What the interviewer answered (assumptions written down; the notebook measures against them).
REQUIREMENTS = Requirements(
    prompt=("Our company wants meeting notes written for it: a transcript with who said what, a short summary, "
            "the decisions, and the action items with owners and dates. Design it."),
    functional=["a transcript with who said what", "a short summary and the decisions",
                "action items with owner, task, due date and where they were said", "live captions (optional)"],
    meeting_hours_per_day=(1_000, "meeting hours/day", "2,000 people: ~1,500 meetings a day of 40 minutes"),
    notes_ready_within_min=(10, "min after the meeting ends", "notes in the inbox before people move on"),
    live_caption_delay_p95_s=(3.0, "s from a word to its caption (p95)",
                              "later than a few seconds, a caption trails the conversation and cannot be read along"),
    max_caption_rtf=(0.6, "CPU s per audio s (one core per live meeting)",
                     "a core keeps up with one meeting, with headroom for a slow call"),
    max_clean_wer=(0.25, "word error rate on clean audio", "a transcript people can read and search"),
    action_item_recall_min=(0.8, "share of agreed action items found", "a missed item is the costly error"),
    personal_data_leaving_machine=(0, "contacts sent to a hosted model", "privacy: customers' contacts stay in"),
    retention_days=(90, "days audio is kept", "delete recordings; keep the notes"),
    cost_per_meeting_hour_usd_max=(0.50, "USD/meeting hour", "the budget the company set"),
    derived={"meetings_per_day": (lambda r: round(r.meeting_hours_per_day * 60 / 40), "meetings/day")},
)

# Dated list prices of hosted speech-to-text, USD per audio minute (written down offline from each
# provider's pricing page; check before quoting). Same date as aisd/data/prices.json.
ASR_PRICES = {"as_of": "2025-11-25", "usd_per_minute": {
    "openai whisper-1": 0.006, "openai gpt-4o-transcribe": 0.006, "openai gpt-4o-mini-transcribe": 0.003,
    "aws transcribe (standard, first tier)": 0.024}}
# A cloud CPU for the local pipeline: USD per vCPU-hour (on-demand compute-optimised, about 2025).
VCPU_HOUR_USD = 0.045
# Tokens an hour of meeting sends to and gets from the LLM (measured in the notebook on the long meeting:
# ~13,300 transcript tokens an hour; map-reduce reads it about twice, chunks and notes, plus instructions).
LLM_TOKENS_PER_HOUR = {"input": 30_000, "output": 2_000}
DESIGN = Design(
    nodes={"app": ("client", "meeting app: audio + consent banner"),
           "vad": ("service", "voice activity + chunker"),
           "asr": ("model", "ASR: whisper tiny.en (words + times)"),
           "voices": ("model", "speaker embeddings (Resemblyzer)"),
           "diar": ("service", "diarization: cluster voices, align words"),
           "redact": ("service", "redaction: emails, phones, outside names"),
           "llm": ("llm", "LLM: summary (map-reduce) + action items JSON"),
           "check": ("service", "schema + attendee + date validation"),
           "store": ("storage", "transcripts and notes (90-day audio retention)"),
           "owner": ("human", "owners confirm action items"),
           "metrics": ("monitoring", "metrics: RTF, caption delay p95, cost per hour"),
           "evals": ("evaluation", "labelled meetings: WER, DER, ROUGE, item P/R")},
    edges=[("app", "vad", "audio"), ("vad", "asr", "chunks"), ("vad", "voices", "segments"),
           ("voices", "diar", "embeddings"), ("asr", "diar", "timed words"), ("diar", "redact", "speaker turns"),
           ("redact", "llm", "redacted transcript"), ("llm", "check", "JSON"), ("check", "store", "notes"),
           ("store", "owner", "items to confirm"), ("store", "app", "notes + transcript"), ("owner", "evals", "corrections"),
           ("asr", "metrics"), ("llm", "metrics"), ("store", "evals"), ("evals", "asr", "model choice")])


def hosted_cost_per_hour(asr_usd_per_minute: float, llm_in_per_1m: float, llm_out_per_1m: float,
                         llm_tokens: dict = LLM_TOKENS_PER_HOUR) -> float:
    """USD per meeting hour on a hosted ASR and a hosted LLM at the given list prices."""
    return 60 * asr_usd_per_minute + (llm_tokens["input"] * llm_in_per_1m + llm_tokens["output"] * llm_out_per_1m) / 1e6


def local_cost_per_hour(cpu_seconds_per_audio_second: float, vcpus: int = 2, vcpu_hour_usd: float = VCPU_HOUR_USD) -> float:
    """USD per meeting hour of the local pipeline: its measured compute (wall seconds per audio second,
    on ``vcpus`` cores) priced as cloud CPU time.

    >>> round(local_cost_per_hour(0.25), 4)
    0.0225
    """
    return cpu_seconds_per_audio_second * 3600 * vcpus * vcpu_hour_usd / 3600
