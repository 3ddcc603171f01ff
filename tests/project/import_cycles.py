"""Every import circle between project modules (the test: test_import_cycles.py).

A circle (module a imports b, b imports ... a) makes import order matter and hides which layer is
which; an import deferred into a function still closes one, so every import counts, wherever it
is. The graph is grimp's (it ships with import-linter), built from the source without importing
anything; migrations are left out. Run it alone to list every circle:

    .venv/bin/python -m tests.project.import_cycles
"""

import sys
from pathlib import Path

import grimp

PACKAGES = ("campaigns", "creators", "matchmaker", "scoring", "tenancy")
ROOT = Path(__file__).resolve().parents[2]


def import_graph() -> dict[str, set[str]]:
    """module -> the project modules it imports, migrations left out."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    modules = {m for m in graph.modules if ".migrations" not in m}
    return {m: graph.find_modules_directly_imported_by(m) & modules for m in modules}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module, each sorted, largest first:
    every module in one reaches every other through imports (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found, key=lambda c: (-len(c), c))


def shortest_loop(edges: dict[str, set[str]], component: list[str]) -> list[str]:
    """One shortest import path from the component's first module back to itself."""
    inside = set(component)
    start = component[0]
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(edges[node] & inside):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    return [start]


def report(edges: dict[str, set[str]]) -> str:
    lines = []
    for component in circles(edges):
        lines.append(f"{len(component)} modules: {', '.join(component)}")
        lines.append(f"  e.g. {' -> '.join(shortest_loop(edges, component))}")
    return "\n".join(lines)


if __name__ == "__main__":
    found = report(import_graph())
    print(found or "No import circle between project modules.")
    sys.exit(1 if found else 0)
