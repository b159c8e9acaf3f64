"""Score renders with CLIP from Python: which seeds of a sketch look most like a prompt?

    python examples/score_renders.py sketches/truchet.py --prompt "green" --seeds 16

(the token whose hash chose the "forest" palette comes out on top).

Renders a batch of seeds in memory, scores the whole batch in one CLIP call
(the bundled tiny CLIP unless --model names another), and prints a ranking.
`gencraft rank` does the same with a contact sheet; this is the library view.
"""
import argparse

from gencraft.ml.clip.model import load_clip
from gencraft.render import render
from gencraft.sketch import load_sketch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sketch")
    ap.add_argument("--prompt", required=True)
    ap.add_argument("--negative", action="append", default=[])
    ap.add_argument("--seeds", type=int, default=24)
    ap.add_argument("--model", default="tiny")
    args = ap.parse_args()

    sketch = load_sketch(args.sketch)
    renders = [render(sketch, seed=s, size=(224, 224)) for s in range(args.seeds)]
    clip = load_clip(args.model)
    scores = clip.score([r.rgba for r in renders], args.prompt, negatives=args.negative)
    for seed, score in sorted(enumerate(scores), key=lambda pair: -pair[1])[:10]:
        traits = sketch.call_features(renders[seed].seed.rng(), renders[seed].params)
        print(f"seed {seed:>4}  score {score:+.4f}  {traits}")


if __name__ == "__main__":
    main()
