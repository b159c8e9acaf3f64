"""Run a CLIP-guided exploration from Python and use what it found.

    python examples/explore_from_python.py sketches/shapes.py --prompt "red lines" --budget 32

`explore` searches the sketch's declared parameters (choices as categories)
with Optuna's TPE and scores renders with the bundled tiny CLIP. The best
parameters are then re-rendered at full size: the search ran on small
renders, but the parameters are the sketch's own, so any size works.
"""
import argparse

from gencraft.ml.search.explore import explore
from gencraft.render import render_to_file


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sketch")
    ap.add_argument("--prompt", required=True)
    ap.add_argument("--budget", type=int, default=32)
    ap.add_argument("--algo", default="tpe", choices=["tpe", "cma", "random"])
    ap.add_argument("-o", "--out", default="explored.png")
    args = ap.parse_args()

    result = explore(args.sketch, args.prompt, args.budget, algo=args.algo, size=(128, 128), progress=True)
    params, score, _ = result.best[0]
    print(f"best score {score:.4f} after {len(result.history)} evaluations: {params}")
    print("best so far, every 8 evaluations:",
          [round(max(result.history[: i + 1]), 3) for i in range(7, len(result.history), 8)])
    render_to_file(args.sketch, args.out, params, seed=0)
    print(args.out)


if __name__ == "__main__":
    main()
