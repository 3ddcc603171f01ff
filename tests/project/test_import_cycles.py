"""No import circle between the project's modules (imports inside functions included), and the
finder of tests/project/import_cycles.py really finds circles."""

from tests.project.import_cycles import circles, import_graph, report, shortest_loop


def test_circles_are_found():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert circles(edges) == [["a", "b", "c"]]
    assert shortest_loop(edges, ["a", "b", "c"]) == ["a", "b", "c", "a"]


def test_no_import_circle_between_project_modules():
    edges = import_graph()
    assert len(edges) > 100, "the graph misses the project's modules"
    assert not circles(edges), "import circles:\n" + report(edges)
