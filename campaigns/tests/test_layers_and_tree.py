"""The layer order and the criteria tree: pure, without a database."""

from decimal import Decimal
from types import SimpleNamespace

from campaigns import layers
from campaigns.scoring import CriteriaTree, CriterionSpec

D = Decimal


def test_the_latest_layer_present_wins_up_to_the_one_asked():
    line = SimpleNamespace(
        self_points=D("9"), review_points=D("8"), agreed_points=None, board_points=D("7")
    )
    assert layers.value_of(line) == D("7")
    assert layers.value_of(line, upto=layers.AGREED) == D("8")
    assert layers.value_of(line, upto=layers.SELF) == D("9")
    empty = SimpleNamespace(self_points=None, review_points=None, agreed_points=None)
    assert layers.value_of(empty, upto=layers.AGREED) is None
    assert layers.differs(layers.of(line))
    assert not layers.differs({"self": D("1"), "review": D("1.00")})


def spec(id, parent, kind="scored", order=0, max_points="10"):
    return CriterionSpec(id=id, parent_id=parent, kind=kind, max_points=D(max_points), order=order)


def test_the_tree_orders_rows_depth_first_by_their_order():
    tree = CriteriaTree(
        [
            spec(5, None, "penalty", order=90),
            spec(1, None, "group", order=10),
            spec(3, 2, order=40),
            spec(2, 1, "group", order=30),
            spec(4, 1, order=20),
        ]
    )
    assert [(n.id, n.depth) for n in tree.nodes] == [(1, 0), (4, 1), (2, 1), (3, 2), (5, 0)]
    assert tree.ancestors(3) == (2, 1)
    assert tree.leaves_under(1) == [4, 3]
    assert tree.group_max == {1: D("20"), 2: D("10")}
    assert tree.first_group_id == 1


def test_rows_under_a_loop_of_parents_are_found_and_orphans_kept_at_the_top():
    tree = CriteriaTree([spec(1, 2, "group"), spec(2, 1, "group"), spec(3, 1), spec(4, 99)])
    assert tree.in_loop == {1, 2, 3}
    assert [n.id for n in tree.nodes] == [4]
