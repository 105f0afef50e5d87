"""Video, the third modality of the prompt: clips of the same scenes, frames sampled and pooled.

A product video is a sequence of frames. The cheap, standard recipe encodes a few **sampled frames** with the
image encoder and **pools** them (the mean of the frames' vectors in the shared space, made unit length) into
one vector per video, searched like an image; the per-frame vectors stay for finding the moment. The generated
clips here are short camera moves over a scene of :mod:`aisd.multimodal.scenes` (a pan and a slow turn of the
shapes), so a query for the scene is relevant to its clip; the frame rate is the cost knob.

>>> frames = clip({"objects": [{"shape": "circle", "colour": "red", "size": "small", "x": 0.5, "y": 0.5}],
...                "background": [240, 240, 240], "rotation": 0.0}, n_frames=4, size=32)
>>> len(frames), frames[0].size
(4, (32, 32))
>>> [[round(float(x), 3) for x in row] for row in pool(np.ones((2, 4, 3)), every=2)]
[[0.577, 0.577, 0.577], [0.577, 0.577, 0.577]]
>>> round(core_hours_per_video_hour(ms_per_frame=60, frames_per_second=2), 3)   # 7,200 frames an hour
0.12
"""
from __future__ import annotations

import copy
import math

import numpy as np

from aisd.core.errors import AisdError
from aisd.multimodal import scenes

FRAMES, SECONDS = 8, 4.0          # each clip: 8 frames over 4 seconds, i.e. sampled at 2 frames a second


def clip(scene: dict, n_frames: int = FRAMES, size: int = 128) -> list:
    """``n_frames`` frames of a short camera move over ``scene``: a pan of up to 8 % of the width, a drift of
    5 % of the height and a turn of the shapes, so no two frames are the same picture."""
    if n_frames < 1:
        raise AisdError(f"a clip has at least one frame; got {n_frames}")
    frames = []
    for t in range(n_frames):
        phase = 2 * math.pi * t / n_frames
        moved = copy.deepcopy(scene)
        for o in moved["objects"]:
            o["x"] = o["x"] + 0.08 * math.sin(phase)
            o["y"] = o["y"] + 0.05 * math.cos(phase)
        moved["rotation"] = scene.get("rotation", 0.0) + 40.0 * t / n_frames
        frames.append(scenes.render(moved, size))
    return frames


def pool(frame_vectors, every: int = 1) -> np.ndarray:
    """One unit-length vector per clip: the mean of every ``every``-th frame's vector (clips x frames x d in,
    clips x d out). ``every=4`` on 8 frames over 4 seconds keeps 2 frames: half a frame a second."""
    v = np.asarray(frame_vectors, dtype=np.float32)
    if v.ndim != 3 or every < 1:
        raise AisdError(f"need clips x frames x dims vectors and every >= 1; got shape {v.shape}, every={every}")
    mean = v[:, ::every].mean(axis=1)
    return mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)


def core_hours_per_video_hour(ms_per_frame: float, frames_per_second: float) -> float:
    """CPU core-hours to encode one hour of video at ``frames_per_second`` sampled frames, at ``ms_per_frame``
    of one core per frame (the image encoder's measured cost)."""
    if ms_per_frame <= 0 or frames_per_second <= 0:
        raise AisdError("ms_per_frame and frames_per_second must be positive")
    return 3600 * frames_per_second * ms_per_frame / 1000 / 3600
