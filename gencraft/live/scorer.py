"""CLIP scores and learned taste for live renders: imported only with ``--prompt`` or ``--taste``.

The model (the bundled tiny CLIP by default) loads once, in a thread, so the
page is up before torch has finished importing; scores arrive when ready.
Everything here runs in the server process: the render worker never imports
torch.

:class:`TasteScorer` is the variant grid's "order by taste": a logistic
regression on CLIP image embeddings of the likes folder's likes against its
skips (:func:`gencraft.ml.search.taste.fit_taste`), refitted whenever the
folder changes (the page's Like and Skip, or ``gencraft like``); each
thumbnail's score is the predicted probability of a like.
"""
from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

from gencraft.errors import UserError


def check_ml_available(option: str = "--prompt") -> None:
    """Fail early, in one line, when --prompt (or --taste) cannot work on this install."""
    needs = [("torch", "torch"), ("gencraft.ml", "gencraft's ml package"),
             ("gencraft.ml.clip.model", "gencraft.ml.clip.model")]
    purpose = "CLIP scoring"
    if option == "--taste":
        needs += [("open_clip", "open_clip"), ("sklearn", "scikit-learn")]
        purpose = "CLIP embeddings and scikit-learn"
    for module, what in needs:
        try:  # a module set to None in sys.modules (hidden on purpose) is not found either
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise UserError(f"{option} needs {purpose}, but {what} is not available; "
                            f"install the ml extra (pip install 'gencraft[ml]') or leave out {option}")


class ClipScorer:
    """Scores PNG bytes against one prompt; thread-safe, model loaded lazily."""

    def __init__(self, prompt: str, model: str = "tiny"):
        self.prompt = prompt
        self.model_name = model
        self._model = None
        self._error: str | None = None
        self._lock = threading.Lock()

    def load(self):
        with self._lock:
            if self._model is None and self._error is None:
                try:
                    from gencraft.ml.clip.model import load_clip

                    self._model = load_clip(self.model_name)
                except UserError as exc:
                    self._error = str(exc)
                except Exception as exc:  # noqa: BLE001 - shown on the page, server keeps going
                    self._error = f"cannot load CLIP model {self.model_name!r}: {type(exc).__name__}: {exc}"
            if self._error is not None:
                raise UserError(self._error)
            return self._model

    def score(self, image) -> float:
        """CLIP score of one frame (raw RGBA array or PNG bytes) against the prompt."""
        import numpy as np

        from gencraft.live.outputs import as_rgba

        model = self.load()
        rgba = as_rgba(image)
        with self._lock:
            scores = model.score([rgba], self.prompt)
        return float(np.asarray(scores).reshape(-1)[0])


class TasteScorer:
    """Predicted taste of live renders: P(like) from a head fitted on a likes folder.

    The head needs at least one like and one skip (``FOLDER/skipped/``); until
    then :attr:`head` is None, :meth:`score` returns None and :attr:`status`
    says what is missing. :meth:`refresh` refits only when the folder's files
    changed (names, sizes, times); embeddings of files already seen are kept,
    so a refit after one more like embeds one image and fits a logistic
    regression: cheap enough to run after every click.
    """

    def __init__(self, folder: str | Path, sketch_name: str | None = None, model: str = "tiny"):
        self.folder = Path(folder)
        self.sketch_name = sketch_name
        self.model_name = model
        self.head = None
        self.version = 0            # bumped whenever the head (or its absence) changes
        self.status = f"taste: reading {self.folder}"
        self._clip = ClipScorer("", model)
        self._lock = threading.Lock()
        self._signature: tuple | None = None
        self._embeddings: dict[Path, tuple[tuple, object]] = {}

    def load(self):
        return self._clip.load()

    def _files(self) -> tuple:
        from gencraft.ml.search.taste import SKIPS, _images_in

        rows = []
        for sub in (self.folder, self.folder / SKIPS):
            for p in _images_in(sub):
                try:
                    st = p.stat()
                except OSError:
                    continue
                rows.append((str(p), st.st_size, st.st_mtime_ns))
        return tuple(rows)

    def _embed(self, model, paths):
        import numpy as np

        from gencraft.ml.clip.preprocess import load_image

        out, todo = {}, []
        for p in paths:
            st = p.stat()
            key = (st.st_size, st.st_mtime_ns)
            cached = self._embeddings.get(p)
            if cached is not None and cached[0] == key:
                out[p] = cached[1]
            else:
                todo.append((p, key))
        if todo:
            emb = model.embed_images([load_image(p) for p, _ in todo]).numpy()
            for (p, key), e in zip(todo, emb):
                self._embeddings[p] = (key, e)
                out[p] = e
        return np.stack([out[p] for p in paths]) if paths else np.zeros((0, 1))

    def refresh(self) -> bool:
        """Refit when the likes folder changed; True when the head changed."""
        from gencraft.ml.search.taste import SKIPS, fit_taste, labelled_images

        with self._lock:
            files = self._files()
            if files == self._signature:
                return False
            self._signature = files
            model = self.load()
            try:
                if not self.folder.is_dir():
                    raise UserError(f"no likes yet in {self.folder}: press Like (and Skip) on renders to teach it")
                liked, skipped, note = labelled_images(self.folder, self.sketch_name)
                if not skipped:
                    raise UserError(f"taste: {len(liked)} liked, none skipped in {self.folder / SKIPS}: "
                                    "press Skip on a few renders you pass on")
                head = fit_taste(self._embed(model, liked), self._embed(model, skipped), "skips")
            except UserError as exc:
                changed = self.head is not None or self.status != str(exc)
                self.head, self.status = None, str(exc)
                if changed:
                    self.version += 1
                return changed
            cv = f", cross-validated AUC {head.cv_auc:.2f}" if head.cv_auc is not None else ""
            self.head = head
            self.status = (f"taste from {head.n_liked} likes vs {head.n_other} skips{cv}"
                           + (f"; {note}" if note else ""))
            self.version += 1
            return True

    def score(self, image) -> float | None:
        """P(like) of one frame (raw RGBA array or PNG bytes); None while there is no head."""
        from gencraft.live.outputs import as_rgba

        with self._lock:
            head = self.head
            if head is None:
                return None
            emb = self.load().embed_images([as_rgba(image)]).numpy()
            return float(head.probability(emb)[0])
