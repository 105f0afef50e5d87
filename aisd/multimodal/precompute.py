"""The slow part of notebook 08, run once and committed: every frozen-encoder output it needs.

EfficientNet-Lite0 on CPU takes tens of milliseconds per small image and MiniLM a few milliseconds
per caption: for the 1,500 scenes, their 4,500 texts, the 20 photos and the near-duplicate set that
is a few minutes on 2 cores, more than a notebook may spend. The notebook trains the projection heads
and evaluates live (seconds); it times the encoders live on a few images only.

Saved under ``datasets/multimodal/``:

- ``scenes.jsonl``: the generated scene descriptions (``scenes.generate(N_SCENES, SEED)``);
- ``features.npz`` (float16): ``scene_image`` (1280-d, images drawn at ``SCENE_PIXELS``),
  ``scene_caption`` / ``scene_query`` / ``scene_title`` (384-d MiniLM), ``photo_image``,
  ``photo_caption``, ``photo_query``, and ``dedup_image`` for the near-duplicate set (the originals
  and :func:`dedup.variants` of ``DEDUP_PHOTOS`` photos and ``DEDUP_SCENES`` scenes at ``DEDUP_PIXELS``);
- ``precompute.json``: how long each step took, on which machine, at what load.

    python -m aisd.multimodal.precompute          # ~3-6 minutes on 2 cores (or: aisd precompute 08 features)

The loaders are in :mod:`aisd.multimodal.data`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import time

import numpy as np

from aisd.multimodal import features, photos, scenes
from aisd.multimodal.data import DEDUP_PIXELS, FOLDER, N_SCENES, SCENE_PIXELS, SEED, dedup_images, load_scenes


def main(argv=None) -> int:
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args(argv)
    from aisd.runtime import embeddings

    FOLDER.mkdir(parents=True, exist_ok=True)
    log = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "cpu": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
           "load_average": round(os.getloadavg()[0], 2), "steps": {}}
    rows = scenes.generate(N_SCENES, seed=SEED)
    (FOLDER / "scenes.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = {}

    def timed(name, count, fn):
        start = time.perf_counter()
        out[name] = fn().astype(np.float16)
        seconds = time.perf_counter() - start
        log["steps"][name] = {"items": count, "seconds": round(seconds, 1), "ms_per_item": round(1000 * seconds / count, 1)}
        print(f"{name}: {count} items in {seconds:.1f} s", flush=True)

    features.model()
    timed("scene_image", len(rows), lambda: features.image_features([scenes.render(r, SCENE_PIXELS) for r in rows]))
    for field in ("caption", "query", "title"):
        timed(f"scene_{field}", len(rows), lambda f=field: embeddings.embed([r[f] for r in rows]))
    photo_rows = photos.load()
    timed("photo_image", len(photo_rows), lambda: features.image_features([photos.image(r) for r in photo_rows], size=224))
    timed("photo_caption", len(photo_rows), lambda: embeddings.embed([r["caption"] for r in photo_rows]))
    timed("photo_query", len(photo_rows), lambda: embeddings.embed([r["query"] for r in photo_rows]))
    _, images = dedup_images()
    timed("dedup_image", len(images), lambda: features.image_features(images, size=DEDUP_PIXELS))
    np.savez_compressed(FOLDER / "features.npz", **out)
    (FOLDER / "precompute.json").write_text(json.dumps(log, indent=1) + "\n", encoding="utf-8")
    print("saved", FOLDER / "features.npz")
    return 0


VIDEO_CLIPS = 120          # the first held-out scenes, one clip each


def video_scene_indices() -> list[int]:
    """The scenes that get a clip: the first ``VIDEO_CLIPS`` held-out scenes (never trained on)."""
    return [i for i, s in enumerate(load_scenes()) if s["split"] == "heldout"][:VIDEO_CLIPS]


def main_video(argv=None) -> int:
    """Encode every frame of the generated clips (``video.npz``: ``frame_image`` clips x frames x 1280, float16,
    and ``scene_index``) and log the time per frame in ``video.json``.

        aisd precompute 08 video          # ~1-3 minutes on 2 cores
    """
    from aisd.multimodal import video

    argparse.ArgumentParser(description="encode the frames of notebook 08's video clips").parse_args(argv)
    index = video_scene_indices()
    rows = load_scenes()
    frames = [f for i in index for f in video.clip(rows[i], video.FRAMES, SCENE_PIXELS)]
    features.model()
    start = time.perf_counter()
    vectors = features.image_features(frames).astype(np.float16).reshape(len(index), video.FRAMES, -1)
    seconds = time.perf_counter() - start
    np.savez_compressed(FOLDER / "video.npz", frame_image=vectors, scene_index=np.array(index))
    log = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "cpus": os.cpu_count(),
           "load_average": round(os.getloadavg()[0], 2), "clips": len(index), "frames": len(frames),
           "seconds": round(seconds, 1), "ms_per_frame": round(1000 * seconds / len(frames), 1)}
    (FOLDER / "video.json").write_text(json.dumps(log, indent=1) + "\n", encoding="utf-8")
    print(f"video: {len(frames)} frames of {len(index)} clips in {seconds:.1f} s; saved", FOLDER / "video.npz")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
