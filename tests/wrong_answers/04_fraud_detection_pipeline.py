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


_BANDS = '''
def choose_bands(y_true, scores, amounts, costs):
    {prelude}
    y, s, a = np.asarray(y_true), np.asarray(scores, dtype=float), np.asarray(amounts, dtype=float)
    order = np.argsort(-s, kind="stable")
    s, y, a = s[order], y[order], a[order]
    cuts = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1] + 1
    price = {{act: np.r_[0.0, np.cumsum(DE.action_costs(y, a, np.full(len(y), act), costs))[cuts - 1]]
             for act in ("allow", "step-up", "decline")}}
    thresholds = np.r_[math.inf, s[cuts - 1]]
    head = price["decline"] - price["step-up"]
    best_i = np.zeros(len(head), dtype=int)
    for j in range(1, len(head)):
        best_i[j] = j if head[j] < head[best_i[j - 1]] else best_i[j - 1]
    total = head[best_i] + price["step-up"] + price["allow"][-1] - price["allow"]
    j = int(np.argmin(total))
    return {result}
'''


def _bands(prelude="pass", result="float(thresholds[j]), float(thresholds[best_i[j]])"):
    return _BANDS.format(prelude=prelude, result=result)


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
    "alert_budget": {
        "escape route: the package's own staffing decision, computed in the answer cell": '''
alert_budget = DE.alert_budget(y[TUNE], scores["gradient boosting"]["tuning"], day[TUNE], amount[TUNE], COSTS)
''',
        "today's 1.3 % (about 50 a day) copied, not decided": '''
alert_budget = {"alerts_per_day": 50, "why": "today's team reviews 1.3 % of payments, about 50 alerts a day"}
''',
        "every alert the scores could raise (400 a day): analysts paid to idle": '''
alert_budget = {"alerts_per_day": 400, "why": "review 400 alerts a day so that no fraud is ever missed by the team"}
''',
        "a share of payments instead of a number of alerts": '''
alert_budget = {"alerts_per_day": 0.013, "why": "analysts review 1.3 % of payments, as today, with 5 EUR an alert"}
''',
        "no reason given": '''
alert_budget = {"alerts_per_day": 90, "why": ""}
''',
    },
    "choose_bands": {
        "one threshold: the cheapest single action for everything above it": '''
def choose_bands(y_true, scores, amounts, costs):
    action, t = DE.choose_single_threshold(y_true, scores, amounts, costs)
    return DE.single_threshold_bands(action, t)
''',
        "the old rule: step up at the cost threshold (EUR 10 charged on every flag), decline at the budget threshold": '''
def choose_bands(y_true, scores, amounts, costs):
    y, s = np.asarray(y_true), np.asarray(scores, dtype=float)
    loss = y * np.asarray(amounts, dtype=float)
    order = np.argsort(-s, kind="stable")
    s, y, loss = s[order], y[order], loss[order]
    last = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    flagged = last + 1
    cost = loss.sum() - np.cumsum(loss)[last] + flagged * costs.review + (flagged - np.cumsum(y)[last]) * 10.0
    cost_t = float(np.r_[math.inf, s[last]][np.argmin(np.r_[loss.sum(), cost])])
    budget_t = float(s[min(len(s), 50 * 7) - 1])
    return cost_t, max(cost_t, budget_t)
''',
        "step-up treated as free (the friction left out)": _bands(
            prelude="costs = DE.ActionCosts(costs.review, 0.0, costs.step_up_stops, costs.false_decline)"),
        "the two cuts swapped (decline below step-up)": _bands(
            result="float(thresholds[best_i[j]]), float(thresholds[j])"),
        "fixed bands from a blog post (step up at 0.5, decline at 0.9)": '''
def choose_bands(y_true, scores, amounts, costs):
    return 0.5, 0.9
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
    return {"q1": "b", "q2": "c", "q3": "b", "q4": "c"}
''',
        "recall measured on the labelled payments": '''
def quiz_fraud():
    return {"q1": "a", "q2": "c", "q3": "b", "q4": "a"}
''',
        "the common b-c-a-b key of the other notebooks": '''
def quiz_fraud():
    return {"q1": "b", "q2": "c", "q3": "a", "q4": "b"}
''',
    },
}
