"""The benchmarks' figures, gathered from every benchmark of the run and printed in one table at its end."""

from __future__ import annotations

import pytest

from tests.perf.figures import Figures, Row

_FIGURES = pytest.StashKey[Figures]()


def pytest_addoption(parser) -> None:
    parser.addoption("--quick", action="store_true", default=False,
                     help="a short run for CI: the benchmarks that take long (the writers in parallel) run smaller")
    parser.addoption("--gunicorn-threads", type=int, default=1,
                     help="threads per gunicorn worker in the writers' benchmark (default 1: sync workers)")
    parser.addoption("--scale-requests", type=int, default=0,
                     help="requests per page in the benchmark at scale (default 20; 5 in a quick run)")


@pytest.fixture
def quick(request) -> bool:
    """`make bench PYTEST_ARGS=--quick`: the same checks, on fewer writers for fewer seconds."""
    return bool(request.config.getoption("--quick"))


@pytest.fixture
def figures(request) -> Figures:
    return request.config.stash.setdefault(_FIGURES, Figures())


def pytest_terminal_summary(terminalreporter, config) -> None:
    table = config.stash.get(_FIGURES, None)
    if table is None or not table.rows:
        return
    headers = Row("figure", "wall-clock", "CPU", "target", "")
    rows = [headers, *table.rows]
    widths = [max(len(getattr(r, name)) for r in rows) for name in ("figure", "wall", "cpu", "target")]

    def line(row: Row) -> str:
        cells = [row.figure.ljust(widths[0]), row.wall.rjust(widths[1]), row.cpu.rjust(widths[2]),
                 row.target.ljust(widths[3]), row.verdict]
        return "  ".join(cells).rstrip()

    terminalreporter.write_sep("=", "benchmark figures (printed; no time is asserted)")
    terminalreporter.write_line(line(headers))
    terminalreporter.write_line("-" * len(line(headers)))
    for row in table.rows:
        if not row.wall and not row.cpu:  # a section title
            terminalreporter.write_line(row.figure)
        else:
            terminalreporter.write_line(line(row))
