"""dbt's ready nodes taken up longest chain first (erp/warehouse/scheduling.py)."""

from __future__ import annotations

import networkx as nx
from dbt.graph.queue import GraphQueue

from erp.warehouse import scheduling


class _Manifest:
    """What dbt's queue asks of a manifest when it hands out a node."""

    def expect(self, unique_id: str) -> str:
        return unique_id


def _graph() -> nx.DiGraph:
    # alphabetically first: two one-node branches; last: the head of a chain of four
    graph = nx.DiGraph()
    graph.add_edges_from([("z_staging", "z_fact"), ("z_fact", "z_plan"), ("z_plan", "z_alerts")])
    graph.add_edges_from([("b_previous", "z_alerts")])
    graph.add_node("a_leaf")
    return graph


def test_longest_chains_count_the_nodes_to_the_end_of_the_graph() -> None:
    assert scheduling.longest_chains(_graph()) == {
        "z_staging": 4,
        "z_fact": 3,
        "z_plan": 2,
        "b_previous": 2,
        "z_alerts": 1,
        "a_leaf": 1,
    }


def test_dbt_queue_hands_out_the_head_of_the_longest_chain_first() -> None:
    scheduling.install()
    graph = _graph()
    queue = GraphQueue(graph, _Manifest(), set(graph.nodes))  # type: ignore[arg-type]
    taken = [queue.get(block=False) for _ in range(3)]
    assert taken == ["z_staging", "b_previous", "a_leaf"]  # dbt's own order: a_leaf, b_previous, z_staging
    for node in taken:
        queue.mark_done(node)
    assert queue.get(block=False) == "z_fact"
