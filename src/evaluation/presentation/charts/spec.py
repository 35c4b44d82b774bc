"""Figures described as plain data first, made plotly figures only when someone asks.

plotly's figure objects check every property as it is set, and copy the whole figure with
its template each time it is turned into a dict or JSON: for the report's charts that is
most of the time a notebook takes. The chart builders therefore describe each figure as a
:class:`FigureSpec` (its traces and layout as the dicts plotly's own ``to_dict`` gives,
built with the same calls: ``update_layout``, ``update_xaxes``, …) and the report draws it
from that. :func:`figure_builder` turns such a builder into the public function returning
a ``plotly.graph_objects.Figure`` (made from the same dicts, checked by plotly), with the
fast variant as its ``.spec``.

The tests check, for every chart of a report, that plotly's figure made from the spec gives
back the same dicts (:meth:`FigureSpec.to_dict`), so what the report draws is what plotly
would have drawn.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

#: The layout keys whose value is a list of objects (plotly merges an update into such a
#: list element by element, then appends what is longer).
_OBJECT_ARRAYS = ("annotations", "shapes", "images", "sliders", "updatemenus", "selections")


def _clean(value: Any) -> Any:
    """``value`` with None removed from every dict in it (plotly leaves such a property
    unset); lists keep their None items (a missing data point)."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _merge(target: dict, update: dict) -> None:
    """Apply ``update`` to ``target`` as plotly's ``update`` does: nested dicts merge, None
    unsets (an object set before becomes empty), a list of objects given where some are set
    merges into them (see below), any other value replaces."""
    for key, value in update.items():
        if value is None:
            if isinstance(target.get(key), dict):
                target[key] = {}
            else:
                target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        elif key in _OBJECT_ARRAYS and target.get(key) and isinstance(value, list | tuple):
            old = target[key]
            if len(value) > len(old):  # plotly keeps the objects it has, appends the rest
                old.extend(_clean(item) for item in value[len(old) :])
            elif value:  # and merges a list as long or shorter into them, cycling it
                for i, item in enumerate(old):
                    _merge(item, value[i % len(value)])
        else:
            target[key] = _clean(value)


def trace(kind: str, **props: Any) -> dict:
    """A trace of type ``kind`` (``"bar"``, ``"scatter"``) with ``props`` (None unset)."""
    return {**_clean(props), "type": kind}


class FigureSpec:
    """A figure as data: ``data`` (trace dicts) and ``layout``, updated as plotly does."""

    def __init__(self, data: list[dict] | dict | None = None):
        if isinstance(data, dict):
            data = [data]
        self.data: list[dict] = list(data or [])
        self.layout: dict = {}

    def add_trace(self, trace: dict) -> FigureSpec:
        self.data.append(trace)
        return self

    def update_layout(self, **props: Any) -> FigureSpec:
        _merge(self.layout, props)
        return self

    def update_xaxes(self, **props: Any) -> FigureSpec:
        _merge(self.layout, {"xaxis": props})
        return self

    def update_yaxes(self, **props: Any) -> FigureSpec:
        _merge(self.layout, {"yaxis": props})
        return self

    def to_dict(self, template: bool = True) -> dict:
        """``{"data": …, "layout": …}`` as plotly's ``Figure.to_dict`` gives it (with the
        default template in the layout unless ``template`` is False); not a copy."""
        layout = self.layout
        if template:
            tpl = default_template()
            if tpl is not None and "template" not in layout:
                layout = {"template": tpl, **layout}
        return {"data": self.data, "layout": layout}

    def figure(self):
        """The plotly figure of this spec (checked by plotly, default template applied)."""
        import plotly.graph_objects as go

        return go.Figure({"data": self.data, "layout": self.layout})


@functools.lru_cache(maxsize=4)
def _template_of(name: str) -> dict | None:
    import plotly.graph_objects as go

    return go.Figure().to_dict()["layout"].get("template")


def default_template() -> dict | None:
    """plotly's default template (``plotly.io.templates.default``) as the dict a figure's
    ``to_dict`` holds; made once per template name. Do not modify it."""
    import plotly.io as pio

    name = pio.templates.default
    if not isinstance(name, str):  # a template object: as plotly would apply it
        import plotly.graph_objects as go

        return go.Figure().to_dict()["layout"].get("template")
    return _template_of(name)


def figure_builder(build: Callable[..., FigureSpec]):
    """The public builder of ``build``: the same arguments, a plotly ``Figure``; ``build``
    itself (a :class:`FigureSpec`) is its ``.spec``."""

    @functools.wraps(build)
    def public(*args: Any, **kwargs: Any):
        return build(*args, **kwargs).figure()

    public.spec = build
    public.__annotations__ = {**build.__annotations__, "return": "go.Figure"}
    return public


__all__ = ["FigureSpec", "default_template", "figure_builder", "trace"]
