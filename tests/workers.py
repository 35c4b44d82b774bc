"""The suite on several processes: pytest-xdist with ``--dist loadgroup`` (``make test``).

Tests go to the workers one at a time, except those that share an expensive build: each
worker process would make its own, doubling its CPU time. Such tests get an ``xdist_group``
mark, and loadgroup runs a group on one worker, so each build is made once:

- the session's sample pack (``sample_pack`` in conftest: one ``evaluation report`` with
  its PDF), used by two modules, is one group;
- a module whose tests share a module-scoped fixture (a notebook run, a Chromium page, the
  full pipeline) is one group of its own.

xdist schedules the largest groups first, then the single tests, which fill the gaps at the
end. Without xdist (plain ``pytest``) the marks change nothing.

pytest-xdist 3.8 hands a test's group to its scheduler as a ``@group`` suffix of the node id,
written to ``item._nodeid``; pytest 9.2 keeps the id in ``item._id`` instead, so the suffix is
lost and every test is scheduled alone (pytest-xdist issue 1386). On a loadgroup worker the
suffix is therefore set here, the same way.
"""

from __future__ import annotations

import pytest

#: Session-scoped fixtures made once per process that the tests using them share.
SHARED_SESSION_BUILDS = ("sample_pack",)


def shared_build(item: pytest.Item) -> str | None:
    """The group of ``item``: the shared build it uses, else None (it runs anywhere)."""
    used = getattr(item, "fixturenames", ())
    for name in SHARED_SESSION_BUILDS:
        if name in used:  # fixturenames holds the fixtures a test uses through others too
            return name
    info = getattr(item, "_fixtureinfo", None)
    defs = info.name2fixturedefs.values() if info is not None else ()
    if any(d and d[-1].scope in ("module", "class") for d in defs):
        return item.nodeid.split("::", 1)[0]  # the module's path
    return None


def group_shared_builds(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that uses a shared build with ``xdist_group`` (unless marked) and,
    on a loadgroup worker, give it the ``@group`` node id suffix xdist schedules by."""
    on_loadgroup_worker = getattr(config.option, "loadgroup", False)
    for item in items:
        mark = item.get_closest_marker("xdist_group")
        if mark is None:
            group = shared_build(item)
            if group is None:
                continue
            item.add_marker(pytest.mark.xdist_group(group))
        else:
            group = str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        if on_loadgroup_worker and hasattr(item, "_id") and "@" not in item.nodeid:
            from _pytest.nodeid import NodeId

            item._id = NodeId.parse(f"{item.nodeid}@{group}")
