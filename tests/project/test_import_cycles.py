"""The import-circle finder of tests/project/import_cycles.py finds circles."""

from tests.project.import_cycles import circles, shortest_loop


def test_circles_are_found():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert circles(edges) == [["a", "b", "c"]]
    assert shortest_loop(edges, ["a", "b", "c"]) == ["a", "b", "c", "a"]
