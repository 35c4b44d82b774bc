"""Check that committed notebooks hold no outputs and keep their ``parameters`` cell.

``python -m evaluation.authoring.notebook_hygiene notebooks`` exits 1 listing offending notebooks
(used by ``make lint`` and the tests; nbstripout in pre-commit keeps them clean).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat


def problems(path: Path) -> list[str]:
    """Problems of one notebook: outputs, execution counts, missing ``parameters`` tag."""
    nb = nbformat.read(path, as_version=4)
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            out.append(
                f"{path.name}: cell {i} holds outputs (run nbstripout or 'Clear All Outputs')"
            )
        if cell.get("execution_count") is not None:
            out.append(f"{path.name}: cell {i} holds an execution count")
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        out.append(f"{path.name}: needs exactly one cell tagged 'parameters' (found {len(tagged)})")
    return out


def main(argv: list[str] | None = None) -> int:
    folder = Path((argv or sys.argv[1:] or ["notebooks"])[0])
    found = [p for nb in sorted(folder.glob("*.ipynb")) for p in problems(nb)]
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
