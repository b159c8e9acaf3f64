"""The README's notebook picture: `python docs/make_notebook_shot.py`.

Runs the example notebook in a real kernel (nbclient) and saves the image its
`gencraft.grid(...)` cell shows, exactly as the notebook displays it.
"""
import base64
import io
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "examples" / "notebook"


def main():
    nb = nbformat.read(FOLDER / "gencraft_in_a_notebook.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(FOLDER)}}).execute()
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("gencraft.grid(")]
    (data,) = [o["data"]["image/png"] for o in cell.outputs if "image/png" in o.get("data", {})]
    out = ROOT / "docs" / "notebook-grid.png"
    Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB").save(out, optimize=True)
    print(out)


if __name__ == "__main__":
    main()
