"""CRM sync: MongoDB repository, outbox worker, pre-call context, lead priority and rollups.

`ui_hooks(settings)` gives the desktop UI its (preview, approve) callables; everything heavy
(pymongo) is imported lazily inside the functions.
"""

from __future__ import annotations

from typing import Any


def ui_hooks(settings: Any, **kwargs: Any):
    from salesmind_desktop.crm.hooks import ui_hooks as _hooks

    return _hooks(settings, **kwargs)
