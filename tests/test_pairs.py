from reconciler.pairs import PairList, PairTotals, pack, unpack

TOP = 2**31 - 1   # the largest claim id an Integer column holds


def test_pack_keeps_both_ids_apart():
    assert pack(1, 2) == 4294967298   # 1 * 2**32 + 2
    for a, b in ((0, 0), (1, TOP), (TOP, 1), (TOP, TOP), (7, 0)):
        assert unpack(pack(a, b)) == (a, b)
    assert pack(1, 2) != pack(2, 1)


def test_pair_totals_read_and_write_like_a_dict_of_tuples():
    totals = PairTotals()
    totals[(3, 9)] = 5.5
    totals[(1, TOP)] = 3.5
    totals[(3, 9)] = 6.0   # written again: the last total
    assert len(totals) == 2
    assert totals[(3, 9)] == 6.0 and totals.get((1, TOP)) == 3.5
    assert totals.get((9, 3)) is None and totals.get((9, 3), 0.0) == 0.0   # (a, b) is not (b, a)
    assert (3, 9) in totals and (9, 3) not in totals and "3,9" not in totals
    assert list(totals.items()) == [((3, 9), 6.0), ((1, TOP), 3.5)]   # in the order first written
    assert list(totals) == [(3, 9), (1, TOP)]
    assert totals == {(3, 9): 6.0, (1, TOP): 3.5} and totals == PairTotals({(1, TOP): 3.5, (3, 9): 6.0})
    assert totals != {(3, 9): 6.0}


def test_pair_list_keeps_pairs_in_the_order_added():
    pairs = PairList([(2, 8)])
    pairs.add(TOP - 1, TOP)
    pairs.add(2, 8)   # a pair added twice is there twice
    assert list(pairs) == [(2, 8), (TOP - 1, TOP), (2, 8)] and len(pairs) == 3
