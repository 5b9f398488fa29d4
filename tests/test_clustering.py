"""Average linkage with constraints: no chaining, no forbidden merges, order-independent."""

from reconciler.clustering import Problem, average_linkage


def problem(nodes, scores, cannot=(), must=(), contradicted=()):
    return Problem(nodes=list(nodes), order={n: f"fp{n:03d}" for n in nodes}, scores=dict(scores),
                   cannot=set(cannot), must=set(must), contradicted=set(contradicted))


def test_average_linkage_does_not_chain_weak_links():
    # A~B strong, B~C strong, A~C never proposed (counts -10): average of {A,B} with C is
    # (8 + -10) / 2 = -1 < 5, so C stays apart although connected components would join it.
    clusters = average_linkage(problem([1, 2, 3], {(1, 2): 9.0, (2, 3): 8.0}), threshold=5.0)
    assert clusters == [[1, 2], [3]]


def test_average_linkage_joins_a_group_whose_average_is_high():
    scores = {(1, 2): 9.0, (2, 3): 8.0, (1, 3): 6.0}
    assert average_linkage(problem([1, 2, 3], scores), threshold=5.0) == [[1, 2, 3]]


def test_average_linkage_respects_cannot_link():
    scores = {(1, 2): 9.0, (2, 3): 8.0, (1, 3): 6.0}
    clusters = average_linkage(problem([1, 2, 3], scores, cannot=[(1, 3)]), threshold=5.0)
    assert clusters == [[1, 2], [3]]


def test_average_linkage_applies_must_link_first():
    clusters = average_linkage(problem([1, 2, 3], {}, must=[(1, 3)]), threshold=5.0)
    assert clusters == [[1, 3], [2]]


def test_average_linkage_same_result_whatever_the_node_order():
    scores = {(1, 2): 7.0, (2, 3): 7.0, (3, 4): 9.0, (1, 4): 2.0, (1, 3): 5.5}
    forward = average_linkage(problem([1, 2, 3, 4], scores), threshold=5.0)
    backward = average_linkage(problem([4, 3, 2, 1], scores), threshold=5.0)
    assert forward == backward
    # 3~4 (9) merge first; then {3,4} vs 2: (7 + -10)/2 < 5; 1~2 (7) merge; {1,2} vs {3,4}:
    # (5.5 + 2 + 7 - 10) / 4 = 1.125 < 5: two events.
    assert forward == [[1, 2], [3, 4]]


def test_two_groups_with_a_contradiction_need_the_merge_threshold_a_single_claim_only_the_link_threshold():
    # {1,2} and {3,4} hold together (9 each); across them 6, 6, 5, 5: average 5.5. The pair
    # 2~4 holds a contradiction (say one origin's report of another occasion).
    scores = {(1, 2): 9.0, (3, 4): 9.0, (1, 3): 6.0, (2, 3): 6.0, (1, 4): 5.0, (2, 4): 5.0}
    contradicted = problem([1, 2, 3, 4], scores, contradicted=[(2, 4)])
    assert average_linkage(contradicted, 5.0, merge_threshold=6.0) == [[1, 2], [3, 4]]
    assert average_linkage(contradicted, 5.0) == [[1, 2, 3, 4]]
    # Without a contradiction between them, two groups merge at the link threshold like any claim.
    assert average_linkage(problem([1, 2, 3, 4], scores), 5.0, merge_threshold=6.0) == [[1, 2, 3, 4]]
    # A single claim averaging 5.5 with a group joins it at the link threshold: (6 + 5) / 2,
    # a contradiction or not.
    single = {(1, 2): 9.0, (1, 3): 6.0, (2, 3): 5.0}
    assert average_linkage(problem([1, 2, 3], single, contradicted=[(2, 3)]), 5.0, merge_threshold=6.0) == [[1, 2, 3]]
    # A contradiction inside a group (1~2) is not between the two groups: {1,2} and {3,4} merge.
    inside = problem([1, 2, 3, 4], scores, contradicted=[(1, 2)])
    assert average_linkage(inside, 5.0, merge_threshold=6.0) == [[1, 2, 3, 4]]


def test_a_group_formed_by_a_persons_link_counts_as_single_claims_for_the_merge_threshold():
    # p~q 9 form a group; x and y each join it at (6 + 5) / 2 = 5.5 as single claims. The pairs
    # 2~3 and 2~4 hold a contradiction.
    scores = {(1, 2): 9.0, (1, 3): 6.0, (2, 3): 5.0, (1, 4): 6.0, (2, 4): 5.0, (3, 4): 4.0}
    against = [(2, 3), (2, 4)]
    assert average_linkage(problem([1, 2, 3, 4], scores, contradicted=against), 5.0,
                           merge_threshold=6.0) == [[1, 2, 3, 4]]
    # A person links x and y: {x, y} against {p, q} also averages 5.5, below 6, with a
    # contradiction between them, but a link must not split what the evidence alone kept
    # together: a group people's links formed is no group of evidence, and joins at the link
    # threshold. Either side of the merge may be it.
    linked = problem([1, 2, 3, 4], scores, must=[(3, 4)], contradicted=against)
    assert average_linkage(linked, 5.0, merge_threshold=6.0) == [[1, 2, 3, 4]]
    flipped = problem([1, 2, 3, 4], {(3, 4): 9.0, (1, 3): 6.0, (1, 4): 5.0, (2, 3): 6.0, (2, 4): 5.0, (1, 2): 4.0},
                      must=[(1, 2)], contradicted=[(1, 4), (2, 4)])
    assert average_linkage(flipped, 5.0, merge_threshold=6.0) == [[1, 2, 3, 4]]
    # Once a linked pair has grown by evidence, it is a group like any other: {3,4,5} against
    # {1,2} averages (6 + 5 + 6 + 5 + 5.5 + 5.5) / 6 = 5.5 with contradictions, below 6.
    grown = problem([1, 2, 3, 4, 5], scores | {(1, 5): 5.5, (2, 5): 5.5, (3, 5): 9.0, (4, 5): 9.0},
                    must=[(3, 4)], contradicted=against)
    assert average_linkage(grown, 5.0, merge_threshold=6.0) == [[1, 2], [3, 4, 5]]
