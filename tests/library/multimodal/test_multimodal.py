"""The multimodal teaching package (notebook 08): scenes, encoders' committed outputs, loss, metrics, decisions."""
import json

import numpy as np
import pytest
import torch

from aisd.core.errors import AisdError
from aisd.multimodal import data, decisions, dedup, dual_encoder, evaluate, features, hybrid, index, photos, scenes, system, tagger


# ---------------------------------------------------------------- scenes
def test_generate_is_deterministic_and_keeps_novel_pairs_out_of_training():
    a, b = scenes.generate(500, seed=3), scenes.generate(500, seed=3)
    assert a == b
    assert not any(s["novel"] for s in a if s["split"] == "train")
    novel_splits = {s["split"] for s in a if s["novel"]}
    assert novel_splits == {"tuning", "heldout"}
    seen_pairs = {(o["colour"], o["shape"]) for s in a if s["split"] == "train" for o in s["objects"]}
    assert not seen_pairs & scenes.HELD_OUT_PAIRS


def test_captions_and_queries_use_different_templates_but_the_same_objects():
    for s in scenes.generate(200, seed=1):
        assert s["caption"] != s["query"]
        for o in s["objects"]:
            assert scenes.phrase(o) in s["caption"] and scenes.phrase(o) in s["query"]
        assert all(o["shape"] in s["title"] for o in s["objects"])
        assert not any(size in s["title"] for size in scenes.SIZES)


def test_render_draws_the_objects_colour_where_it_is():
    s = {"objects": [{"shape": "square", "colour": "red", "size": "large", "x": 0.5, "y": 0.5}],
         "background": [240, 240, 240], "rotation": 0.0}
    img = scenes.render(s, size=64)
    assert img.getpixel((32, 32)) == scenes.COLOURS["red"]
    assert img.getpixel((1, 1)) == (240, 240, 240)


def test_generate_rejects_an_empty_collection():
    with pytest.raises(AisdError, match="n >= 1"):
        scenes.generate(0)


# ---------------------------------------------------------------- the InfoNCE loss and training
def _manual_info_nce(a, b, t):
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    logits = a @ b.T / t

    def ce(m):
        m = m - m.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(m).sum(axis=1)) - np.diag(m)))
    return (ce(logits) + ce(logits.T)) / 2


def test_info_nce_matches_a_numpy_computation_and_is_symmetric():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(8, 5)), rng.normal(size=(8, 5))
    got = float(dual_encoder.info_nce(torch.tensor(a), torch.tensor(b), 0.2))
    assert got == pytest.approx(_manual_info_nce(a, b, 0.2), rel=1e-4)
    assert got == pytest.approx(float(dual_encoder.info_nce(torch.tensor(b), torch.tensor(a), 0.2)), rel=1e-5)


def test_training_separates_aligned_pairs():
    rng = np.random.default_rng(1)
    latent = rng.normal(size=(200, 8))
    images = latent @ rng.normal(size=(8, 40)) + 0.05 * rng.normal(size=(200, 40))
    texts = latent @ rng.normal(size=(8, 20))
    model, history = dual_encoder.train(images, texts, steps=150, batch_size=64, dim=16, hidden=32, seed=0)
    assert history[-1]["loss"] < history[0]["loss"] / 2
    sim = dual_encoder.encode_texts(model, texts) @ dual_encoder.encode_images(model, images).T
    assert evaluate.hits_at_k(sim, np.eye(200, dtype=bool), 5).mean() > 0.5


def test_training_rejects_misaligned_pairs():
    with pytest.raises(AisdError, match="aligned"):
        dual_encoder.train(np.zeros((5, 3)), np.zeros((4, 3)), steps=1)


# ---------------------------------------------------------------- metrics
def test_hits_at_k_counts_a_query_once_and_can_exclude_itself():
    sim = np.array([[1.0, 0.9, 0.1], [0.9, 1.0, 0.2], [0.1, 0.2, 1.0]])
    rel = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1]], dtype=bool)
    assert evaluate.hits_at_k(sim, rel, 1).tolist() == [1.0, 1.0, 1.0]
    assert evaluate.hits_at_k(sim, rel, 1, exclude_self=True).tolist() == [1.0, 1.0, 0.0]
    rows = evaluate.recall_table(sim, rel, ks=(1,), exclude_self=True)
    assert rows[0]["n"] == 2 and rows[0]["recall@1"] == 1.0      # query 2 has no other relevant item
    with pytest.raises(AisdError):
        evaluate.hits_at_k(sim, rel[:2], 1)


def test_chance_recall_agrees_with_random_rankings():
    rng = np.random.default_rng(0)
    rel = rng.random((30, 50)) < 0.04
    rel[:, 0] = True
    sims = [evaluate.hits_at_k(rng.random((30, 50)), rel, 5).mean() for _ in range(400)]
    assert np.mean(sims) == pytest.approx(evaluate.chance_recall(rel, 5), abs=0.02)


def test_tagger_ranks_the_scene_with_the_querys_tags_first():
    rng = np.random.default_rng(0)
    rows = scenes.generate(300, seed=4)
    colour = {c: rng.normal(size=16) for c in scenes.COLOURS}
    shape = {s: rng.normal(size=16) for s in scenes.SHAPES}
    size = {s: rng.normal(size=16) for s in scenes.SIZES}
    feats = np.array([sum(colour[o["colour"]] + shape[o["shape"]] + size[o["size"]] for o in r["objects"]) for r in rows])
    models = tagger.fit(feats, rows)
    one = [i for i, r in enumerate(rows) if len(r["objects"]) == 1]
    sim = tagger.scores(models, feats[one], [rows[i]["query"] for i in one])
    rel = np.array([[rows[i]["key"] == rows[j]["key"] for j in one] for i in one])
    assert evaluate.hits_at_k(sim, rel, 1).mean() > 0.9


# ---------------------------------------------------------------- hybrid search
def test_choose_fusion_weight_breaks_ties_by_order_and_uses_k():
    t = np.array([[0.9, 0.8, 0.0]])
    i = np.array([[0.5, 0.0, 0.9]])
    rel = np.array([[False, True, False]])
    assert decisions.choose_fusion_weight(t, i, rel, [0.0, 1.0], k=2) == 1.0
    assert decisions.choose_fusion_weight(t, i, rel, [1.0, 0.0], k=3) == 1.0     # every weight ties at k=3
    with pytest.raises(AisdError):
        hybrid.fuse(t, i, 1.5)


def test_post_filter_loses_results_that_pre_filter_keeps():
    sim = np.linspace(1, 0, 100)
    allowed = np.zeros(100, dtype=bool)
    allowed[[50, 70, 90]] = True
    assert hybrid.filtered_top_k(sim, allowed, 3, "pre").tolist() == [50, 70, 90]
    assert hybrid.filtered_top_k(sim, allowed, 3, "post", fetch=60).tolist() == [50]
    with pytest.raises(AisdError):
        hybrid.filtered_top_k(sim, allowed, 3, "sideways")


# ---------------------------------------------------------------- near-duplicates
def test_choose_dedup_threshold_looks_past_the_first_breach():
    d = [1, 2, 3, 4, 5, 6, 7]
    dup = [True, False, True, True, True, True, False]
    assert decisions.choose_dedup_threshold(d, dup, 0.2) == 6.0       # at 2 the rate is 0.5, at 6 it is 1/6
    assert decisions.choose_dedup_threshold(d, dup, 0.0) == 1.0
    out = dedup.merge_outcomes(d, dup, 6)
    assert out["false_merge_rate"] <= 0.2 and out["recall"] == 1.0


def test_phash_finds_an_edited_photo_closer_than_another_photo():
    rows = photos.load()
    a, b = photos.image(rows[0]), photos.image(rows[4])
    bits = dedup.phash_bits([a, dedup.variants(a)["resize"], b])
    near = dedup.phash_distances(bits[:1], bits[1:2])[0]
    far = dedup.phash_distances(bits[:1], bits[2:3])[0]
    assert near < 8 < far


# ---------------------------------------------------------------- the index table
def test_ann_table_reports_exact_recall_for_flat_and_smaller_codes_for_pq():
    rows = {r["index"]: r for r in index.ann_table(n=3000, dim=32, queries=40, nlist=32, pq_m=8, pq_bits=4)}
    assert rows["flat"]["recall@10"] == 1.0
    assert rows["ivf-pq"]["bytes/vector"] < rows["flat"]["bytes/vector"]
    assert 0.3 < rows["ivf"]["recall@10"] <= 1.0


# ---------------------------------------------------------------- the committed precomputed data
@pytest.fixture(scope="module")
def committed():
    return data.load_scenes(), data.load_features()


def test_committed_scenes_are_the_generator_output(committed):
    rows, _ = committed
    assert rows == json.loads(json.dumps(scenes.generate(data.N_SCENES, seed=data.SEED)))


def test_committed_features_have_one_row_per_item(committed):
    rows, feats = committed
    n = len(rows)
    for name, dim in [("scene_image", 1280), ("scene_caption", 384), ("scene_query", 384), ("scene_title", 384)]:
        assert feats[name].shape == (n, dim), name
    assert feats["photo_image"].shape == (len(photos.load()), 1280)
    dedup_rows, _ = data.dedup_images()
    assert feats["dedup_image"].shape == (len(dedup_rows), 1280)
    assert np.allclose(np.linalg.norm(feats["scene_image"], axis=1), 1, atol=1e-2)


def test_committed_image_features_match_the_encoder(committed):
    rows, feats = committed
    live = features.image_features([scenes.render(r, data.SCENE_PIXELS) for r in rows[:3]])
    assert np.allclose(live, feats["scene_image"][:3], atol=5e-3)


def test_wrong_merges_a_day_are_priced_per_pair_compared_with_a_wilson_bound():
    none = evaluate.false_merges_per_day(0, 2_610, comparisons_per_day=2_000_000)
    assert none.estimate == 0 and none.low == 0 and 1_000 < none.high < 3_000, "0 of n is a bound, not a rate of 0"
    some = evaluate.false_merges_per_day(3, 3_000, comparisons_per_day=1_000)
    assert some.low < 1 < some.high
    with pytest.raises(AisdError):
        evaluate.false_merges_per_day(0, 0, 1_000)


def test_the_requirements_the_design_and_the_split_names():
    req = system.REQUIREMENTS
    assert req.dedup_comparisons_per_day == req.uploads_per_day * req.dedup_neighbours
    assert req.replace(uploads_per_day=400_000).dedup_comparisons_per_day == 2 * req.dedup_comparisons_per_day
    from aisd.toolkit.design import review
    assert review(system.DESIGN) == []
    assert sorted(data.split_indices([{"split": "heldout"}, {"split": "train"}])) == ["heldout", "train", "tuning"]
    with pytest.raises(AisdError, match="split"):
        data.split_indices([{"split": "test"}])
    assert data.dedup_halves([{"source": "x"}, {"source": "y"}, {"source": "z"}]) == {"x": "tuning", "y": "heldout", "z": "tuning"}


def test_video_clips_move_pool_and_cost():
    from aisd.multimodal import video

    scene = data.load_scenes()[0]
    frames = video.clip(scene, n_frames=4, size=64)
    arrays = [np.asarray(f) for f in frames]
    assert len(frames) == 4 and not np.array_equal(arrays[0], arrays[1]), "the frames of a clip differ"
    vectors = np.random.default_rng(0).normal(size=(3, 8, 5))
    pooled = video.pool(vectors, every=4)
    assert pooled.shape == (3, 5) and np.allclose(np.linalg.norm(pooled, axis=1), 1)
    expected = vectors[:, ::4].mean(axis=1)
    assert np.allclose(pooled, expected / np.linalg.norm(expected, axis=1, keepdims=True), atol=1e-6)
    assert video.core_hours_per_video_hour(100, 1.0) == pytest.approx(0.1)
    with pytest.raises(AisdError):
        video.pool(vectors[0], every=1)
    with pytest.raises(AisdError):
        video.core_hours_per_video_hour(0, 1.0)


def test_the_committed_video_frames():
    from aisd.multimodal import precompute, video

    vid = data.load_video()
    assert vid["frame_image"].shape == (precompute.VIDEO_CLIPS, video.FRAMES, 1280)
    assert vid["scene_index"].tolist() == precompute.video_scene_indices()
    assert all(data.load_scenes()[i]["split"] == "heldout" for i in vid["scene_index"])
