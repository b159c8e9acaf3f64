"""Live reload: edit a sketch, see it re-render in the browser, tune it with sliders.

The pieces, each with one job:

* :mod:`.worker`    renders in a separate (spawned) process that can be killed;
* :mod:`.scheduler` feeds it the newest request only (latest wins, per lane);
* :mod:`.watcher`   notices when the sketch file is saved (watchfiles);
* :mod:`.variants`  neighbouring seeds / random parameters for the variant grid;
* :mod:`.outputs`   Save and Like: numbered PNG + params JSON, written atomically;
* :mod:`.scorer`    optional CLIP scores and learned taste (imported only with ``--prompt``/``--taste``);
* :mod:`.session`   the state behind the page (overrides, seed, renders, grid);
* :mod:`.server`    the Starlette app, SSE push, and the uvicorn runner;
* :mod:`.cli`       the ``gencraft live`` command.
"""
from __future__ import annotations

__all__ = ["LiveSession", "RunningServer", "create_app", "serve"]


def __getattr__(name):  # keep `import gencraft.live` light
    if name in __all__:
        from gencraft.live import server

        return getattr(server, name)
    raise AttributeError(name)
