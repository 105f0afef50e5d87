"""A captioned image collection the course generates: coloured shapes drawn with PIL, captions from a grammar.

Each scene holds one object or two side by side ("a small red circle left of a large blue square").
Four colour-shape pairs (``HELD_OUT_PAIRS``) never appear in the training split: a scene that holds one
of them is *novel* and lands in the tuning or held-out split only, so the held-out numbers on novel
scenes measure compositional generalisation (a model must combine "red" and "triangle" it only saw apart).
Training captions and search queries come from different templates (queries are unseen wordings).

>>> scenes = generate(40, seed=1)
>>> scenes[0].keys() >= {"id", "objects", "split", "caption", "query", "novel"}
True
>>> img = render(scenes[0], size=64)
>>> img.size, img.mode
((64, 64), 'RGB')
>>> any(s["novel"] and s["split"] == "train" for s in generate(300, seed=2))
False
"""
from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

from aisd.core.errors import AisdError

SHAPES = ("circle", "square", "triangle", "star")
COLOURS = {"red": (214, 40, 40), "green": (40, 160, 60), "blue": (40, 80, 215),
           "yellow": (235, 195, 25), "purple": (130, 55, 175)}
SIZES = {"small": 0.17, "large": 0.32}              # object radius as a share of the image side
HELD_OUT_PAIRS = frozenset({("red", "triangle"), ("blue", "circle"), ("green", "star"), ("yellow", "square")})

TRAIN_ONE = ("{o}", "an image of {o}", "a picture showing {o}", "{o} on a plain background")
QUERY_ONE = ("find {o}", "{o}, nothing else in the frame")
TRAIN_TWO = ("{a} left of {b}", "{b} right of {a}", "{a} to the left of {b}", "a picture of {a} beside {b}, {a} on the left")
QUERY_TWO = ("{a} on the left and {b} on the right", "{b}, with {a} to its left")


def phrase(obj: dict) -> str:
    """The words for one object.

    >>> phrase({"size": "small", "colour": "red", "shape": "circle"})
    'a small red circle'
    """
    return f"a {obj['size']} {obj['colour']} {obj['shape']}"


def is_novel(objects: list[dict]) -> bool:
    """Whether a scene holds a colour-shape pair that training never sees.

    >>> is_novel([{"size": "small", "colour": "red", "shape": "triangle"}])
    True
    """
    return any((o["colour"], o["shape"]) in HELD_OUT_PAIRS for o in objects)


def describe(objects: list[dict], template: str) -> str:
    """A caption: ``template`` filled with the objects' phrases (left to right).

    >>> o = [{"size": "small", "colour": "red", "shape": "circle"}, {"size": "large", "colour": "blue", "shape": "star"}]
    >>> describe(o, "{b} right of {a}")
    'a large blue star right of a small red circle'
    """
    if len(objects) == 1:
        return template.format(o=phrase(objects[0]))
    return template.format(a=phrase(objects[0]), b=phrase(objects[1]))


def spec_key(objects: list[dict]) -> str:
    """A canonical key of what a scene shows (left to right); two scenes with the same key match a query.

    >>> spec_key([{"size": "small", "colour": "red", "shape": "circle"}])
    'small red circle'
    """
    return " | ".join(f"{o['size']} {o['colour']} {o['shape']}" for o in objects)


def title(objects: list[dict], rng: random.Random) -> str:
    """A seller's title for a scene: the shapes always, each colour only half the time, never the size.

    >>> title([{"size": "small", "colour": "red", "shape": "circle"}], random.Random(0))
    'circle'
    """
    return " and ".join((f"{o['colour']} " if rng.random() < 0.5 else "") + o["shape"] for o in objects)


def generate(n: int, seed: int = 0, two_object_share: float = 0.4) -> list[dict]:
    """``n`` scene descriptions with positions, captions and a split (train / tuning / heldout).

    Scenes without a held-out pair: 70 % train, 15 % tuning, 15 % heldout; novel scenes: half tuning,
    half heldout. Everything is drawn from ``random.Random(seed)``: the same seed gives the same collection.
    """
    if n < 1:
        raise AisdError(f"generate needs n >= 1 scenes, got {n}")
    rng = random.Random(seed)
    scenes = []
    for i in range(n):
        count = 2 if rng.random() < two_object_share else 1
        objects = [{"shape": rng.choice(SHAPES), "colour": rng.choice(list(COLOURS)),
                    "size": rng.choice(list(SIZES))} for _ in range(count)]
        if count == 1:
            objects[0]["x"], objects[0]["y"] = rng.uniform(0.35, 0.65), rng.uniform(0.35, 0.65)
        else:
            objects[0]["x"], objects[1]["x"] = rng.uniform(0.22, 0.3), rng.uniform(0.7, 0.78)
            for o in objects:
                o["y"] = rng.uniform(0.35, 0.65)
        novel = is_novel(objects)
        r = rng.random()
        split = ("tuning" if r < 0.5 else "heldout") if novel else (
            "train" if r < 0.7 else "tuning" if r < 0.85 else "heldout")
        train_t = rng.choice(TRAIN_ONE if count == 1 else TRAIN_TWO)
        query_t = rng.choice(QUERY_ONE if count == 1 else QUERY_TWO)
        scenes.append({"id": f"s{i:04d}", "objects": objects, "split": split, "novel": novel,
                       "background": [rng.randint(225, 250) for _ in range(3)],
                       "rotation": rng.uniform(0, 360), "key": spec_key(objects),
                       "caption": describe(objects, train_t), "query": describe(objects, query_t),
                       "title": title(objects, rng)})
    return scenes


def _polygon(cx: float, cy: float, r: float, shape: str, rotation: float) -> list[tuple[float, float]]:
    if shape == "square":
        corners, radius = 4, [r * 1.2] * 4
    elif shape == "triangle":
        corners, radius = 3, [r * 1.25] * 3
    else:                                               # star: 5 points, alternating radii
        corners, radius = 10, [r * 1.2 if k % 2 == 0 else r * 0.5 for k in range(10)]
    turn = math.radians(rotation if shape == "square" else rotation % 20 - 10 - 90)
    return [(cx + radius[k] * math.cos(turn + 2 * math.pi * k / corners),
             cy + radius[k] * math.sin(turn + 2 * math.pi * k / corners)) for k in range(corners)]


def render(scene: dict, size: int = 128) -> Image.Image:
    """The scene drawn as an RGB image of ``size`` x ``size`` pixels."""
    image = Image.new("RGB", (size, size), tuple(scene.get("background", (240, 240, 240))))
    draw = ImageDraw.Draw(image)
    for o in scene["objects"]:
        cx, cy, r = o["x"] * size, o["y"] * size, SIZES[o["size"]] * size * (0.75 if len(scene["objects"]) == 2 else 1)
        colour = COLOURS[o["colour"]]
        if o["shape"] == "circle":
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
        else:
            draw.polygon(_polygon(cx, cy, r, o["shape"], scene.get("rotation", 0.0)), fill=colour)
    return image
