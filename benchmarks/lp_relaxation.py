"""Solve the LP relaxation of a model written by benchmarks/matching.py, with HiGHS (highspy).

Runs in its own process: highspy and ortools ship clashing builds of the HiGHS library, so
they cannot be loaded into one interpreter.

    python benchmarks/lp_relaxation.py model.json   # prints {"status": ..., "objective": ...}
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import highspy
import numpy as np


def solve(path: Path) -> dict[str, object]:
    """Load the LP and solve it; the objective is the relaxation's optimum."""
    lp = json.loads(path.read_text())
    inf = highspy.kHighsInf

    def bound(value: float | None) -> float:
        return float(value) if value is not None else inf

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    lower = np.array([-bound(None) if v is None else v for v in lp["lower"]], dtype=np.double)
    upper = np.array([bound(v) for v in lp["upper"]], dtype=np.double)
    h.addVars(len(lower), lower, upper)
    if lp["cost_index"]:
        h.changeColsCost(
            len(lp["cost_index"]),
            np.array(lp["cost_index"], dtype=np.int32),
            np.array(lp["cost_value"], dtype=np.double),
        )
    for row in lp["rows"]:
        h.addRow(
            -inf if row["lo"] is None else row["lo"],
            inf if row["hi"] is None else row["hi"],
            len(row["index"]),
            np.array(row["index"], dtype=np.int32),
            np.array(row["value"], dtype=np.double),
        )
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    value = h.getInfo().objective_function_value + lp["offset"]
    return {"status": status, "objective": value}


if __name__ == "__main__":
    print(json.dumps(solve(Path(sys.argv[1]))))
