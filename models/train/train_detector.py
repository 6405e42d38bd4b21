"""Train the bottle detector on synthetic scenes mixed with real photos; checkpoints and resumes.

python train_detector.py --minutes 25 [--threads 2] [--resume]
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

from common import DET_H, DET_W, OUT, jitter, letterbox_params, load_real, load_checkpoint, load_synthetic, save_checkpoint, seed_all
from corrections import describe, detector_negatives, load_corrections
from detector import STRIDE, BottleDetector

GH, GW = DET_H // STRIDE, DET_W // STRIDE
PY, PX = np.meshgrid((np.arange(GH) + 0.5) * STRIDE, (np.arange(GW) + 0.5) * STRIDE, indexing='ij')


def sample(item, rng):
    path, anns = item
    img = Image.open(path).convert('RGB')
    w, h = img.size
    s, ox, oy, nw, nh = letterbox_params(w, h)
    z = rng.uniform(0.75, 1.8) if rng.random() < 0.6 else 1.0
    s2 = s * z
    nw, nh = max(8, round(w * s2)), max(8, round(h * s2))
    ox = rng.randint(min(0, DET_W - nw), max(0, DET_W - nw))
    oy = rng.randint(min(0, DET_H - nh), max(0, DET_H - nh))
    img = jitter(img.resize((nw, nh), Image.BILINEAR), rng)
    flip = rng.random() < 0.5
    if flip:
        img = img.transpose(Image.FLIP_LEFT_RIGHT)
    canvas = Image.new('RGB', (DET_W, DET_H), (114, 114, 114))
    canvas.paste(img, (ox, oy))
    arr = np.asarray(canvas, dtype=np.float32) / 255.0
    if rng.random() < 0.1:
        arr = np.repeat(arr.mean(2, keepdims=True), 3, 2)
    boxes, ignores = [], []
    for a in anns:
        x, y, bw, bh = a['bbox']
        if flip:
            x = w - x - bw
        x0, y0, x1, y1 = x * s2 + ox, y * s2 + oy, (x + bw) * s2 + ox, (y + bh) * s2 + oy
        cx0, cy0, cx1, cy1 = max(0, x0), max(0, y0), min(DET_W, x1), min(DET_H, y1)
        if cx1 - cx0 < 2 or cy1 - cy0 < 2:
            continue
        cut = (cx1 - cx0) * (cy1 - cy0) / max(1e-6, (x1 - x0) * (y1 - y0))
        if a.get('iscrowd') or cut < 0.35:
            ignores.append([cx0, cy0, cx1, cy1])
        else:
            boxes.append([cx0, cy0, cx1, cy1, a.get('layer', 0)])
    return arr.transpose(2, 0, 1), targets(boxes, ignores)


def targets(boxes, ignores):
    """Per-cell class, weight and ltrb targets. boxes: [x0, y0, x1, y1, layer]; a higher layer stands
    in front. A cell is taught the bottle seen there: front bottles first, then the smaller box, and a
    bottle whose centre is behind one in front learns from the part of it that is in view."""
    cls = np.zeros((GH, GW), np.float32)
    weight = np.ones((GH, GW), np.float32)
    reg = np.zeros((4, GH, GW), np.float32)
    taken = np.zeros((GH, GW), bool)
    for x0, y0, x1, y1 in ignores:
        m = (PX >= x0) & (PX <= x1) & (PY >= y0) & (PY <= y1)
        weight[m] = 0
    order = sorted(boxes, key=lambda b: (-b[4], (b[2] - b[0]) * (b[3] - b[1])))
    inboxes = [(PX > x0) & (PX < x1) & (PY > y0) & (PY < y1) for x0, y0, x1, y1, _ in order]
    for (x0, y0, x1, y1, lay), inbox in zip(order, inboxes):
        front = [ib for b, ib in zip(order, inboxes) if b[4] > lay]
        in_front = np.any(front, axis=0) if front else np.zeros((GH, GW), bool)
        cx, cy, bw, bh = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
        rx, ry = max(bw * 0.3, STRIDE * 0.75), max(bh * 0.35, STRIDE * 0.75)
        centre = (np.abs(PX - cx) <= rx) & (np.abs(PY - cy) <= ry)
        band = np.abs(PY - cy) <= ry
        free = inbox & ~taken
        # its centre in view; else the rest of the part in view; else what shows through the bottle in front
        for m in (centre & free & ~in_front, band & free & ~in_front, free & ~in_front, centre & free, free):
            if m.any():
                break
        if not m.any():
            iy, ix = min(GH - 1, int(cy // STRIDE)), min(GW - 1, int(cx // STRIDE))
            if taken[iy, ix]:
                continue
            m = np.zeros_like(m)
            m[iy, ix] = True
        taken |= m
        cls[m] = 1
        weight[m] = 1
        reg[0][m] = PX[m] - x0
        reg[1][m] = PY[m] - y0
        reg[2][m] = x1 - PX[m]
        reg[3][m] = y1 - PY[m]
    return cls, weight, np.maximum(reg, 0.5)


def giou_loss(p, t):
    pl, pt, pr, pb = p.unbind(1)
    tl, tt, tr, tb = t.unbind(1)
    pa = (pl + pr) * (pt + pb)
    ta = (tl + tr) * (tt + tb)
    iw = torch.min(pl, tl) + torch.min(pr, tr)
    ih = torch.min(pt, tt) + torch.min(pb, tb)
    inter = iw.clamp(min=0) * ih.clamp(min=0)
    union = pa + ta - inter
    iou = inter / union.clamp(min=1e-6)
    cw = torch.max(pl, tl) + torch.max(pr, tr)
    ch = torch.max(pt, tt) + torch.max(pb, tb)
    enc = cw * ch
    return 1 - iou + (enc - union) / enc.clamp(min=1e-6), iou


def pick(rng, real, synth, negatives, args):
    r = rng.random()
    if negatives and r < args.corrections_share:
        return rng.choice(negatives)
    if real and r < args.corrections_share + args.real_share:
        return rng.choice(real)
    return rng.choice(synth)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=25)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--batch', type=int, default=24)
    ap.add_argument('--real-share', type=float, default=0.25)
    ap.add_argument('--resume', action='store_true')
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--corrections', help='a labelled set from npm run export:corrections: its empty slots become hard negatives')
    ap.add_argument('--corrections-share', type=float, default=0.05)
    ap.add_argument('--checkpoint', default=os.path.join(OUT, 'detector.pt'), help='where to keep the training state (export.py reads the default)')
    ap.add_argument('--max-steps', type=int, default=0, help='stop after this many steps (smoke runs); 0: the time budget alone')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    seed_all(17)
    torch.manual_seed(17)
    rng = random.Random(17)
    os.makedirs(OUT, exist_ok=True)
    ckpt = args.checkpoint
    net = BottleDetector()
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    st = load_checkpoint(ckpt, net, opt) if args.resume else {}
    step, images_seen, spent = st.get('step', 0), st.get('images', 0), st.get('seconds', 0.0)
    real = load_real({'train'})
    synth = load_synthetic('chunk-*')
    negatives = []
    if args.corrections:
        fixes = load_corrections(args.corrections)
        negatives = detector_negatives(fixes)
        print(f'corrections: {describe(fixes)}; {len(negatives)} train the detector as negatives', flush=True)
    t0 = time.time()
    budget = args.minutes * 60
    last_reload = t0
    ema = None
    net.train()
    while time.time() - t0 < budget:
        if time.time() - last_reload > 120:
            synth = load_synthetic('chunk-*')
            last_reload = time.time()
        frac = (time.time() - t0) / budget
        for g in opt.param_groups:
            g['lr'] = args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac))) * min(1.0, (step + 1) / 100)
        batch = [sample(pick(rng, real, synth, negatives, args), rng) for _ in range(args.batch)]
        x = torch.from_numpy(np.stack([b[0] for b in batch]))
        tc = torch.from_numpy(np.stack([b[1][0] for b in batch]))
        tw = torch.from_numpy(np.stack([b[1][1] for b in batch]))
        tr = torch.from_numpy(np.stack([b[1][2] for b in batch]))
        cls, reg = net(x)
        cls = cls[:, 0]
        pos = tc > 0
        npos = max(1.0, float(pos.sum()))
        if pos.any():
            lreg, iou = giou_loss(reg.permute(0, 2, 3, 1)[pos], tr.permute(0, 2, 3, 1)[pos])
            lreg = lreg.mean()
            # quality target: IoU of the predicted box (varifocal-style), so scores rank good boxes first
            qt = tc.clone()
            qt[pos] = iou.detach().clamp(min=0.05)
        else:
            lreg = torch.zeros(())
            qt = tc
        p = torch.sigmoid(cls)
        bce = F.binary_cross_entropy_with_logits(cls, qt, reduction='none')
        focal = bce * torch.where(pos, qt, p.pow(2) * 0.75)
        lcls = (focal * tw).sum() / npos
        loss = lcls + 2.0 * lreg
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        images_seen += args.batch
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        if step % 20 == 0:
            el = time.time() - t0
            print(f'step {step} imgs {images_seen} loss {ema:.4f} cls {lcls.item():.4f} reg {lreg.item():.4f} synth {len(synth)} real {len(real)} {images_seen / (el + spent + 1e-9):.1f} img/s elapsed {el:.0f}s', flush=True)
        if args.max_steps and step >= args.max_steps:
            break
        if step % 100 == 0:
            save_checkpoint(ckpt, net, opt, step, spent + time.time() - t0, images=images_seen)
    save_checkpoint(ckpt, net, opt, step, spent + time.time() - t0, images=images_seen)
    print(f'done step {step} images {images_seen}', flush=True)


if __name__ == '__main__':
    main()
