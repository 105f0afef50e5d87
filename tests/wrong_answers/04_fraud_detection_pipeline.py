"""Plausible wrong answers to the exercises of 04_fraud_detection_pipeline: each must lose points."""

_RISK = '''
def terminal_risk(tx, window_days):
    out = pd.Series(0.0, index=tx.index)
    for _, group in tx.groupby("terminal_id"):
        order = np.argsort(group[{event}].to_numpy(), kind="stable")
        times = group[{event}].to_numpy()[order]
        frauds = np.r_[0, np.cumsum(group["is_fraud"].to_numpy()[order])]
        t = group["time"].to_numpy()
        hi = np.searchsorted(times, t, side="{side}")
        lo = {lo}
        known = hi - lo
        out.loc[group.index] = np.where(known > 0, (frauds[hi] - frauds[lo]) / {denominator}, 0.0)
    return out
'''


def _risk(event='"label_time"', side="left", lo='np.searchsorted(times, t - window_days * DAY, side="left")',
          denominator="np.maximum(known, 1)"):
    return _RISK.format(event=event, side=side, lo=lo, denominator=denominator)


_COST = '''
def choose_cost_threshold(y_true, scores, amounts, costs):
    y, s = np.asarray(y_true), np.asarray(scores, dtype=float)
    loss = y * np.asarray(amounts, dtype=float)
    order = np.argsort(-s, kind="stable")
    s, y, loss = s[order], y[order], loss[order]
    last = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    flagged = last + 1
    genuine_flagged = flagged - np.cumsum(y)[last]
    cost = {cost}
    candidates, totals = np.r_[math.inf, s[last]], np.r_[loss.sum(), cost]
    return float(candidates[np.argmin(totals)])
'''
_COST_RIGHT = "loss.sum() - np.cumsum(loss)[last] + flagged * costs.per_alert + genuine_flagged * costs.per_false_decline"

WRONG_ANSWERS = {
    "terminal_risk": {
        "goes round the guard through the online store's window query (MemoryStore.history)": '''
from aisd.fraud import store as ST


def terminal_risk(tx, window_days):
    store = ST.MemoryStore()
    for terminal, label_time, fraud in zip(tx["terminal_id"], tx["label_time"], tx["is_fraud"]):
        store.record_label(int(terminal), int(label_time), int(fraud))
    out = []
    for terminal, t in zip(tx["terminal_id"], tx["time"]):
        _, frauds = store.history("terminal_label", int(terminal), since=int(t) - window_days * DAY, until=int(t))
        out.append(float(np.mean(frauds)) if len(frauds) else 0.0)
    return pd.Series(out, index=tx.index)
''',
        "goes round the guard through the package's online replay (ST.replay)": '''
from aisd.fraud import store as ST


def terminal_risk(tx, window_days):
    filled = tx.assign(**{c: tx[c] if c in tx else 0 for c in ("customer_id", "amount")})
    features, _ = ST.replay(filled, ST.MemoryStore(), windows=(int(window_days),))
    return features[f"terminal_risk_{int(window_days)}d"].astype(float)
''',
        "goes round the guard through the package's window counter (F.window_stats)": '''
from aisd.fraud import features as F


def terminal_risk(tx, window_days):
    out = pd.Series(0.0, index=tx.index)
    for _, group in tx.groupby("terminal_id"):
        order = np.argsort(group["label_time"].to_numpy(), kind="stable")
        n, frauds = F.window_stats(group["label_time"].to_numpy()[order], group["is_fraud"].to_numpy()[order],
                                   group["time"].to_numpy(), window_days * DAY)
        out.loc[group.index] = np.where(n > 0, frauds / np.maximum(n, 1), 0.0)
    return out
''',
        "counts labels at the payment's time (they are not known yet: leaks)": _risk(event='"time"'),
        "counts a label that arrives at the very second of the payment": _risk(side="right"),
        "the number of known frauds instead of the rate": _risk(denominator="1"),
        "ignores the window (every label known so far)": _risk(lo="np.zeros_like(hi)"),
        "the terminal's fraud rate over the whole data set (target encoding)": '''
def terminal_risk(tx, window_days):
    return tx.groupby("terminal_id")["is_fraud"].transform("mean").astype(float)
''',
    },
    "threshold_for_alert_budget": {
        "the budget for the whole window instead of per day": '''
def threshold_for_alert_budget(scores, days, alerts_per_day):
    s = np.sort(np.asarray(scores, dtype=float))[::-1]
    k = int(alerts_per_day)
    return float(s[k - 1]) if 0 < k <= len(s) else math.inf
''',
        "the k-th highest score of each day, averaged": '''
def threshold_for_alert_budget(scores, days, alerts_per_day):
    s, d = np.asarray(scores, dtype=float), np.asarray(days)
    k = int(alerts_per_day)
    tops = [np.sort(s[d == day])[::-1][min(k, (d == day).sum()) - 1] for day in np.unique(d)]
    return float(np.mean(tops))
''',
        "counts alerts with > instead of >= (one alert too many)": '''
def threshold_for_alert_budget(scores, days, alerts_per_day):
    s = np.asarray(scores, dtype=float)
    allowed = alerts_per_day * len(np.unique(days))
    best = math.inf
    for t in np.unique(s)[::-1]:
        if (s > t).sum() <= allowed:
            best = float(t)
        else:
            break
    return best
''',
        "a quantile of the scores": '''
def threshold_for_alert_budget(scores, days, alerts_per_day):
    s = np.asarray(scores, dtype=float)
    share = alerts_per_day * len(np.unique(days)) / len(s)
    return float(np.quantile(s, max(0.0, 1 - share)))
''',
    },
    "choose_cost_threshold": {
        "goes round the guard by pricing every threshold with C.expected_cost": '''
from aisd.toolkit import classification as C


def choose_cost_threshold(y_true, scores, amounts, costs):
    candidates = [math.inf] + sorted(set(np.asarray(scores, dtype=float).tolist()), reverse=True)
    total = [C.expected_cost(y_true, scores, t, costs, amounts) for t in candidates]
    return float(candidates[int(np.argmin(total))])
''',
        "a missed fraud costs costs.fraud_loss (0 here), not its amount": _COST.replace(
            "loss = y * np.asarray(amounts, dtype=float)", "loss = y * float(costs.fraud_loss)").format(cost=_COST_RIGHT),
        "forgets the false-decline cost": _COST.format(
            cost="loss.sum() - np.cumsum(loss)[last] + flagged * costs.per_alert"),
        "charges the alert cost only on genuine payments": _COST.format(
            cost="loss.sum() - np.cumsum(loss)[last] + genuine_flagged * (costs.per_alert + costs.per_false_decline)"),
        "the lowest threshold among equally cheap ones": _COST.replace(
            "return float(candidates[np.argmin(totals)])",
            "return float(candidates[len(totals) - 1 - np.argmin(totals[::-1])])").format(cost=_COST_RIGHT),
        "maximises F1 instead of minimising cost": '''
def choose_cost_threshold(y_true, scores, amounts, costs):
    y, s = np.asarray(y_true), np.asarray(scores, dtype=float)
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    last = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    tp = np.cumsum(y)[last]
    f1 = 2 * tp / (last + 1 + y.sum())
    return float(s[last][np.argmax(f1)])
''',
        "the default threshold 0.5": '''
def choose_cost_threshold(y_true, scores, amounts, costs):
    return 0.5
''',
    },
    "psi": {
        "equal-width bins instead of quantiles of expected": '''
def psi(expected, actual, n_bins=10, floor=1e-4):
    e, a = np.asarray(expected, dtype=float), np.asarray(actual, dtype=float)
    edges = np.linspace(e.min(), e.max(), n_bins + 1)[1:-1]
    e_share = np.bincount(np.searchsorted(edges, e, side="right"), minlength=n_bins) / len(e)
    a_share = np.bincount(np.searchsorted(edges, a, side="right"), minlength=n_bins) / len(a)
    e_share, a_share = np.maximum(e_share, floor), np.maximum(a_share, floor)
    return float(np.sum((a_share - e_share) * np.log(a_share / e_share)))
''',
        "KL divergence a * ln(a / e) instead of (a - e) * ln(a / e)": '''
def psi(expected, actual, n_bins=10, floor=1e-4):
    e, a = np.asarray(expected, dtype=float), np.asarray(actual, dtype=float)
    edges = np.unique(np.quantile(e, np.linspace(0, 1, n_bins + 1)[1:-1]))
    e_share = np.bincount(np.searchsorted(edges, e, side="right"), minlength=len(edges) + 1) / len(e)
    a_share = np.bincount(np.searchsorted(edges, a, side="right"), minlength=len(edges) + 1) / len(a)
    e_share, a_share = np.maximum(e_share, floor), np.maximum(a_share, floor)
    return float(np.sum(a_share * np.log(a_share / e_share)))
''',
        "no floor (an empty bin gives infinity or NaN)": '''
def psi(expected, actual, n_bins=10, floor=1e-4):
    e, a = np.asarray(expected, dtype=float), np.asarray(actual, dtype=float)
    edges = np.unique(np.quantile(e, np.linspace(0, 1, n_bins + 1)[1:-1]))
    e_share = np.bincount(np.searchsorted(edges, e, side="right"), minlength=len(edges) + 1) / len(e)
    a_share = np.bincount(np.searchsorted(edges, a, side="right"), minlength=len(edges) + 1) / len(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum((a_share - e_share) * np.log(a_share / e_share)))
''',
        "bins at the quantiles of actual": '''
def psi(expected, actual, n_bins=10, floor=1e-4):
    e, a = np.asarray(expected, dtype=float), np.asarray(actual, dtype=float)
    edges = np.unique(np.quantile(a, np.linspace(0, 1, n_bins + 1)[1:-1]))
    e_share = np.bincount(np.searchsorted(edges, e, side="right"), minlength=len(edges) + 1) / len(e)
    a_share = np.bincount(np.searchsorted(edges, a, side="right"), minlength=len(edges) + 1) / len(a)
    e_share, a_share = np.maximum(e_share, floor), np.maximum(a_share, floor)
    return float(np.sum((a_share - e_share) * np.log(a_share / e_share)))
''',
        "ties go to the lower bin (side='left')": '''
def psi(expected, actual, n_bins=10, floor=1e-4):
    e, a = np.asarray(expected, dtype=float), np.asarray(actual, dtype=float)
    edges = np.unique(np.quantile(e, np.linspace(0, 1, n_bins + 1)[1:-1]))
    e_share = np.bincount(np.searchsorted(edges, e, side="left"), minlength=len(edges) + 1) / len(e)
    a_share = np.bincount(np.searchsorted(edges, a, side="left"), minlength=len(edges) + 1) / len(a)
    e_share, a_share = np.maximum(e_share, floor), np.maximum(a_share, floor)
    return float(np.sum((a_share - e_share) * np.log(a_share / e_share)))
''',
    },
    "quiz_fraud": {
        "accuracy is a fine metric": '''
def quiz_fraud():
    return {"q1": "a", "q2": "c", "q3": "a", "q4": "b"}
''',
        "PSI shows a new fraud pattern first": '''
def quiz_fraud():
    return {"q1": "b", "q2": "c", "q3": "a", "q4": "a"}
''',
    },
}
