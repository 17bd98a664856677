"""Behaviour alone tells strong ties from weak ones apart (docs/scoring.md, "How well the
score separates"): a thousand labelled ties that behave noisily, no CSM rating, trust or
respect, scored by the default model."""

from relationships.scoring.model import ScoringConfig, score_stakeholder, signals_from_events
from tests.relationships.scoring.ties import AS_OF, best_cut_accuracy, labelled_ties, naive_sum

CONFIG = ScoringConfig()


def test_the_score_separates_strong_from_weak_ties_better_than_a_naive_sum():
    ties = labelled_ties(1000, seed=1)
    strong = [is_strong for is_strong, _ in ties]
    scores = [
        score_stakeholder(
            signals_from_events(as_of=AS_OF, config=CONFIG, interactions=events), CONFIG
        ).value
        for _, events in ties
    ]
    model = best_cut_accuracy(scores, strong)
    naive = best_cut_accuracy([naive_sum(events) for _, events in ties], strong)
    assert model >= 0.93
    assert model > naive


def test_best_cut_accuracy_counts_the_best_threshold():
    assert best_cut_accuracy([1, 2, 3, 4], [False, False, True, True]) == 1.0
    assert best_cut_accuracy([1, 2, 3, 4], [True, True, False, False]) == 0.5
    assert best_cut_accuracy([1, 1, 2, 2], [False, True, False, True]) == 0.5
