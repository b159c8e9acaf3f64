"""ipywidgets controls built from a sketch's declared parameters, and the seed box.

One control per parameter, as on the live page: float and int sliders with
the declared step, a dropdown for a choice, a checkbox for a bool, a colour
picker for a colour. A parameter that varies across an edition also gets a
lock: unlocked, its value is drawn from the seed's hash (the control shows
the drawn value); locked, the control's value is pinned and every seed keeps
it. Moving such a control locks it. Controls carry the CSS class
``gencraft-param`` (locks ``gencraft-lock``) so a saved notebook's widget
state says which models they are.
"""
from __future__ import annotations

import math
from typing import Any

from gencraft.errors import UserError
from gencraft.live.variants import step_seed  # noqa: F401  (one seed-stepping rule for the live page and notebooks)

PARAM_CLASS = "gencraft-param"
LOCK_CLASS = "gencraft-lock"
LABEL_WIDTH = "104px"


def require_ipywidgets():
    """The ipywidgets module, or a one-line error naming the extra to install."""
    try:
        import ipywidgets
    except ImportError:
        raise UserError("gencraft.interact needs the notebook extra: pip install 'gencraft[notebook]'") from None
    return ipywidgets


def decimals(step: float) -> int:
    """Digits after the point that show a value on a slider of `step`."""
    if not step or step >= 1:
        return 0
    return min(8, max(1, math.ceil(-math.log10(step) - 1e-9)))


def option_label(option: Any) -> str:
    return "yes" if option is True else "no" if option is False else str(option)


def control_for(d: dict):
    """The widget for one parameter, from its description (:meth:`gencraft.params.Param.describe`)."""
    w = require_ipywidgets()
    common = dict(description=d["name"], tooltip=d.get("help") or d["name"],
                  style={"description_width": LABEL_WIDTH}, layout=w.Layout(width="330px"))
    kind = d["kind"]
    if kind == "float":
        control = w.FloatSlider(value=d["default"], min=d["min"], max=d["max"], step=d["step"],
                                readout_format=f".{decimals(d['step'])}f", continuous_update=True, **common)
    elif kind == "int":
        control = w.IntSlider(value=d["default"], min=d["min"], max=d["max"], step=d["step"],
                              continuous_update=True, **common)
    elif kind == "bool":
        control = w.Checkbox(value=bool(d["default"]), indent=True, **common)
    elif kind == "choice":
        control = w.Dropdown(options=[(option_label(o), o) for o in d["options"]], value=d["default"], **common)
    elif kind == "colour":
        control = w.ColorPicker(value=str(d["default"])[:7], concise=False, **common)
    else:  # a parameter kind this module does not know yet: edit it as text
        control = w.Text(value=str(d["default"]), **common)
    control.add_class(PARAM_CLASS)
    return control


def widget_value(d: dict, value: Any) -> Any:
    """A parameter's value as its control holds it."""
    if d["kind"] == "colour":
        return str(value)[:7]  # the picker has no alpha
    if d["kind"] == "float":
        return float(value)
    return value


def lock_for(d: dict):
    """A lock toggle for a varying parameter (None for a fixed one)."""
    if not d.get("varies"):
        return None
    w = require_ipywidgets()
    lock = w.ToggleButton(value=False, icon="unlock", tooltip=UNLOCKED_TIP, layout=w.Layout(width="38px"))
    lock.add_class(LOCK_CLASS)
    return lock


UNLOCKED_TIP = "drawn from the seed's hash: click to lock this value for every seed"
LOCKED_TIP = "locked: every seed keeps this value; click to draw it from the hash again"


def show_lock(lock, locked: bool) -> None:
    lock.value = locked
    lock.icon = "lock" if locked else "unlock"
    lock.tooltip = LOCKED_TIP if locked else UNLOCKED_TIP
    lock.button_style = "warning" if locked else ""


def random_seed() -> str:
    """A fresh seed for the dice button (from the OS, never the global random state)."""
    import secrets

    return str(secrets.randbelow(1_000_000))


def seed_controls(seed: str):
    """(text box, previous, next, random buttons) for the seed."""
    w = require_ipywidgets()
    text = w.Text(value=seed, description="seed", continuous_update=False,
                  style={"description_width": LABEL_WIDTH}, layout=w.Layout(width="220px"))
    buttons = [w.Button(icon=icon, tooltip=tip, layout=w.Layout(width="38px"))
               for icon, tip in (("chevron-left", "previous seed"), ("chevron-right", "next seed"),
                                 ("random", "a random seed"))]
    return (text, *buttons)
