"""Train the fill-level model on bottle crops cut from the synthetic scenes (boxes jittered like a detector's).

python train_fill.py --minutes 15 [--threads 1] [--resume] [--corrections DIR [--corrections-share 0.25]] [--max-steps N]
"""
import argparse
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from common import FILL_H, FILL_W, OUT, jitter, load_checkpoint, load_synthetic, save_checkpoint, seed_all
from corrections import describe, fill_crops, load_corrections
from fillnet import FillNet


def crop(img, bbox, rng, jit=None):
    # a detector's boxes are off by about 4 % of the bottle's height on clear shelves and twice that
    # in hard scenes (top edge sd 3.8 % / 7.5 %, on validation seeds), so train on both
    if jit is None:
        jit = 0.07 if rng.random() < 0.6 else 0.14
    x, y, w, h = bbox
    dx0, dx1 = rng.uniform(-jit, jit) * w, rng.uniform(-jit, jit) * w
    dy0, dy1 = rng.uniform(-jit, jit) * h, rng.uniform(-jit, jit) * h
    box = (x + dx0, y + dy0, x + w + dx1, y + h + dy1)
    return img.crop(tuple(round(v) for v in box)).resize((FILL_W, FILL_H), Image.BILINEAR)


def image_crops(item, rng):
    path, anns = item
    anns = [a for a in anns if not a.get('iscrowd') and a.get('visible', 1) >= 0.4 and a['bbox'][3] >= 12]
    if not anns:
        return []
    img = jitter(Image.open(path).convert('RGB'), rng)
    out = []
    for a in anns:
        c = crop(img, a['bbox'], rng)
        if rng.random() < 0.5:
            c = c.transpose(Image.FLIP_LEFT_RIGHT)
        out.append((np.asarray(c, dtype=np.float32).transpose(2, 0, 1) / 255.0, a['fill'], 1.0 if a['fill_observable'] else 0.0))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=15)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--resume', action='store_true')
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--corrections', help='a labelled set from npm run export:corrections, mixed with the synthetic crops')
    ap.add_argument('--corrections-share', type=float, default=0.25, help="fraction of each batch's bottle crops cut from corrections")
    ap.add_argument('--checkpoint', default=os.path.join(OUT, 'fill.pt'), help='where to keep the training state (export.py reads the default)')
    ap.add_argument('--max-steps', type=int, default=0, help='stop after this many steps (smoke runs); 0: the time budget alone')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    seed_all(23)
    torch.manual_seed(23)
    rng = random.Random(23)
    os.makedirs(OUT, exist_ok=True)
    ckpt = args.checkpoint
    net = FillNet()
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    st = load_checkpoint(ckpt, net, opt) if args.resume else {}
    step, spent = st.get('step', 0), st.get('seconds', 0.0)
    synth = load_synthetic('chunk-*')
    if not synth:
        raise SystemExit('no synthetic chunks under models/.cache/data: run npm run train:vision (or the generator) first')
    fixes = [c for c in load_corrections(args.corrections) if c['true_fills']] if args.corrections else []
    if args.corrections:
        print(f'corrections: {describe(load_corrections(args.corrections))}; {len(fixes)} train the fill model', flush=True)
    t0 = time.time()
    budget = args.minutes * 60
    last_reload = t0
    ema = None
    while time.time() - t0 < budget:
        if time.time() - last_reload > 120:
            synth = load_synthetic('chunk-*')
            last_reload = time.time()
        frac = (time.time() - t0) / budget
        for g in opt.param_groups:
            g['lr'] = args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac)))
        crops = []
        # a synthetic scene gives a dozen crops and a correction one or two: fill the share by crops, not by draws
        while fixes and len(crops) < 96 * args.corrections_share:
            crops += fill_crops(rng.choice(fixes), rng, jitter)
        from_fixes = len(crops)
        while len(crops) < 96:
            crops += image_crops(rng.choice(synth), rng)
        x = torch.from_numpy(np.stack([c[0] for c in crops]))
        tf = torch.tensor([c[1] for c in crops])
        to = torch.tensor([c[2] for c in crops])
        o = net(x)
        fill = torch.sigmoid(o[:, 0])
        sigma = torch.sigmoid(o[:, 1]) * 0.5 + 1e-3
        obs = to > 0
        lobs = F.binary_cross_entropy_with_logits(o[:, 2], to)
        if obs.any():
            err = fill[obs] - tf[obs]
            nll = (0.5 * (err.detach() / sigma[obs]) ** 2 + torch.log(sigma[obs])).mean()
            lfill = err.abs().mean() * 5 + 0.2 * nll
        else:
            lfill = torch.zeros(())
        loss = lfill + lobs
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        if step % 20 == 0:
            mae = (fill[obs] - tf[obs]).abs().mean().item() * 100 if obs.any() else float('nan')
            print(f'step {step} loss {ema:.4f} batch-mae {mae:.1f}pt obs-bce {lobs.item():.3f} synth {len(synth)} from-corrections {from_fixes}/{len(crops)} elapsed {time.time() - t0:.0f}s', flush=True)
        if args.max_steps and step >= args.max_steps:
            break
        if step % 100 == 0:
            save_checkpoint(ckpt, net, opt, step, spent + time.time() - t0)
    save_checkpoint(ckpt, net, opt, step, spent + time.time() - t0)
    print(f'done step {step}', flush=True)


if __name__ == '__main__':
    main()
