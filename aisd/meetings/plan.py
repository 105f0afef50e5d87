"""The meeting assistant's requirements, design and cost per meeting hour, as data the notebook reads.

>>> REQUIREMENTS["live_caption_delay_p95_s"], REQUIREMENTS["max_caption_rtf"]
(30.0, 0.6)
>>> sorted(DESIGN.of_kind("model"))
['asr', 'voices']
>>> round(hosted_cost_per_hour(asr_usd_per_minute=0.006, llm_in_per_1m=0.15, llm_out_per_1m=0.6), 3)
0.366
"""
from __future__ import annotations

from ..design import Design

# What the interviewer answered (assumptions written down; the notebook measures against them).
REQUIREMENTS = {
    "meeting_hours_per_day": 1_000,          # a 2,000-person company: ~1,500 meetings a day, 40 min on average
    "notes_ready_within_min": 10,            # batch: notes in the attendees' inbox 10 minutes after the end
    "live_caption_delay_p95_s": 30.0,        # optional live transcript in the meeting's side panel: within 30 s (p95)
    "max_caption_rtf": 0.6,                  # its compute: at most 0.6 s per audio second on the caption server
    "max_clean_wer": 0.25,                   # usable transcripts on clean audio
    "action_item_recall_min": 0.8,           # a missed action item is the costly error (owners review the list)
    "personal_data_leaving_machine": 0,      # emails and phone numbers sent to a hosted model: none
    "retention_days": 90,                    # recordings deleted after 90 days; notes kept
    "cost_per_meeting_hour_usd_max": 0.50,
}

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
