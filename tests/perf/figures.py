"""A table of benchmark figures: each benchmark adds its rows, tests/perf/conftest.py prints them at the end of
the run. Wall-clock and CPU time stand side by side because the machine is shared and wall-clock wanders with
whatever else runs on it. Nothing here asserts a time."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Row:
    figure: str
    wall: str
    cpu: str = ""
    target: str = ""
    verdict: str = ""


@dataclass
class Figures:
    rows: list[Row] = field(default_factory=list)

    def add(self, figure: str, wall: str, cpu: str = "", target: str = "", verdict: str = "") -> None:
        self.rows.append(Row(figure, wall, cpu, target, verdict))

    def section(self, title: str) -> None:
        self.rows.append(Row(title, "", ""))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def sec(seconds: float) -> str:
    return f"{seconds:.2f} s"


def verdict(met: bool, cpu_met: bool | None = None) -> str:
    """Judged on wall-clock; when only CPU time meets the target, the machine was busy: said so."""
    if met:
        return "met"
    return "met in CPU time, not in wall-clock" if cpu_met else "not met"
