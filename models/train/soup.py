"""Mix two fine-tuned checks weight by weight and measure each mix on the check splits (issue 22).

python soup.py checkpoints/run11-step1120.pt checkpoints/run12-step1308.pt [--shares 0,0.25,0.5,0.75,1]
python soup.py A.pt B.pt --write 0.5 out/soup-0.5.pt    # keep one mix (yolox.py --export --weights takes it)

Why a mix and not another run: run 12's step 1,308 gains on small bottles and generated scenes and loses on
Beverage3 valid+test, where 0.3.0 (run 11's step 1,120) holds. Both keep COCO's backbone and descend from one run,
so their necks and heads sit in one basin of the loss, and the straight line between two such fine-tunes is known
to keep most of what each learnt, often better than either end (Wortsman et al. 2022, "Model soups"; "WiSE-FT").
A mix costs one evaluation, not a session of training on 2 CPU cores. Share s is B's part: s=0 is A, s=1 is B.
BatchNorm's running means and variances are mixed like the weights; its batch counters are A's.
"""
import argparse
import json
import os
import time

import numpy as np
import torch

from finetune_head import PHOTO_SPLITS, SHRUNK_SPLITS, check_sets
from finetune_yolox import evaluate
from yolox import YOLOX_ONNX, YoloxNano, load_onnx_weights


def mixed(a_state, b_state, share):
    if a_state.keys() != b_state.keys():
        raise SystemExit('the two checks hold different layers: not two fine-tunes of one network')
    return {name: a_state[name] if not a_state[name].is_floating_point()
            else (1 - share) * a_state[name] + share * b_state[name]
            for name in a_state}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('a', help='a check (.pt, as finetune_head.py --keep-checks writes): share 0')
    ap.add_argument('b', help='the other check: share 1')
    ap.add_argument('--shares', default='0,0.25,0.5,0.75,1', help="B's part of each mix measured, comma-separated")
    ap.add_argument('--write', nargs=2, metavar=('SHARE', 'OUT'), help='write one mix (weights only) and exit')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--greys', action='store_true', help='also measure the photo splits in greyscale (finetune_head.py --grey-share)')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    a_state, b_state = (torch.load(path)['model'] for path in (args.a, args.b))
    if args.write:
        share, out = float(args.write[0]), args.write[1]
        torch.save({'model': mixed(a_state, b_state, share), 'mix': {'a': args.a, 'b': args.b, 'share': share}}, out)
        print(f'wrote {out}: {1 - share:g} x {args.a} + {share:g} x {args.b}')
        return
    sets = check_sets(greys=args.greys)
    real = [name for name in PHOTO_SPLITS + SHRUNK_SPLITS if name in sets]
    started = time.time()
    print(json.dumps({'zero-shot': evaluate(load_onnx_weights(YoloxNano(), YOLOX_ONNX), sets)}), flush=True)
    for share in (float(text) for text in args.shares.split(',')):
        net = YoloxNano()
        net.load_state_dict(mixed(a_state, b_state, share))
        got = evaluate(net, sets)
        print(json.dumps({'share': share, 'check': got, 'real mean': float(np.mean([got[k] for k in real])),
                          'seconds': round(time.time() - started)}), flush=True)


if __name__ == '__main__':
    if not os.path.exists(YOLOX_ONNX):
        raise SystemExit(f'{YOLOX_ONNX}: the COCO model is missing')
    main()
