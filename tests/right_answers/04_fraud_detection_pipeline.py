"""Right answers to the exercises of 04_fraud_detection_pipeline written another valid way: each set must earn every
point (the mirror of tests/wrong_answers). Two methods per decision: a grid and a different search or rule."""

RIGHT_ANSWERS = [{
    "ex_threshold_for_alert_budget": '''
def threshold_for_alert_budget(scores, days, alerts_per_day):
    # distinct scores from the top, with how many payments each would flag
    values, counts = np.unique(np.asarray(scores, dtype=float), return_counts=True)
    flagged = np.cumsum(counts[::-1])
    fits = flagged <= alerts_per_day * len(set(np.asarray(days).tolist()))
    return float(values[::-1][fits][-1]) if fits.any() else math.inf
''',
    "ex_alert_budget": '''
# a coarse grid of staffing levels, priced on the tuning week with my own threshold rule
_s = scores["gradient boosting"]["tuning"]
_price = {b: DE.budget_cost(y[TUNE], _s, day[TUNE], amount[TUNE], threshold_for_alert_budget(_s, day[TUNE], b), b, COSTS)
          for b in range(25, 401, 25)}
alert_budget = {"alerts_per_day": int(min(_price, key=_price.get)),
                "why": f"cheapest of 16 staffing levels on the tuning week, EUR {min(_price.values()):,.0f} a day in all"}
''',
    "ex_choose_bands": '''
def choose_bands(y_true, scores, amounts, costs):
    # a grid of cuts at the scores' quantiles; payments binned between cuts, every pair priced from the bins' sums
    s = np.asarray(scores, dtype=float)
    cuts = np.r_[np.unique(np.quantile(s, np.linspace(0.0, 1.0, 301))), math.inf]
    bins = np.searchsorted(cuts, s, side="right")          # payments in bin k lie in [cuts[k-1], cuts[k])
    per = {act: np.bincount(bins, weights=DE.action_costs(y_true, amounts, np.full(len(s), act), costs),
                            minlength=len(cuts) + 1) for act in ("allow", "step-up", "decline")}
    below = {act: np.r_[0.0, np.cumsum(v)] for act, v in per.items()}   # below[act][k]: bins < k
    best = (math.inf, None)
    for i in range(len(cuts)):                              # step up from cuts[i]: bins > i
        for j in range(i, len(cuts)):                       # decline from cuts[j]: bins > j
            total = (below["allow"][i + 1] + below["step-up"][j + 1] - below["step-up"][i + 1]
                     + below["decline"][-1] - below["decline"][j + 1])
            if total < best[0]:
                best = (total, (float(cuts[i]), float(cuts[j])))
    return best[1]
''',
    "ex_quiz_fraud": '''
def quiz_fraud():
    return {"q1": " A", "q2": "C", "q3": "b ", "q4": "C"}
''',
}, {
    "ex_alert_budget": '''
# the marginal rule: staff while one more alert, worked from the top score down, catches more than an analyst costs
_s = scores["gradient boosting"]["tuning"]
_order = np.argsort(-_s)
_gain = np.cumsum((y[TUNE] * amount[TUNE])[_order] - COSTS.review)
_k = int(np.argmax(_gain)) + 1
alert_budget = dict(alerts_per_day=int(round(_k / 7)),
                    why=f"the {_k}th best alert of the tuning week is the last whose expected catch beats EUR 5 of analyst time")
''',
    "ex_choose_bands": '''
def choose_bands(y_true, scores, amounts, costs):
    # one cut at a time: the best step-up cut with nothing declined, then the best decline cut above it, and again
    s = np.asarray(scores, dtype=float)
    cand = np.r_[np.unique(np.quantile(s, 1 - np.geomspace(1.0, 1e-4, 120))), math.inf]
    cost = lambda su, de: DE.action_costs(y_true, amounts, DE.bands(s, su, de), costs).sum()
    su, de = math.inf, math.inf
    for _ in range(3):
        su = min((c for c in cand if c <= de), key=lambda c: cost(c, de))
        de = min((c for c in cand if c >= su), key=lambda c: cost(su, c))
    return float(su), float(de)
''',
    "ex_quiz_fraud": '''
def quiz_fraud():
    return dict(q1="a", q2="c", q3="B", q4="c")
''',
}]
