"""Fine-tune the COCO YOLOX-Nano's bottle output on real photos, keeping what COCO taught it.

python finetune_yolox.py [--minutes 60] [--check-minutes 4] [--only-bottle] [--log NAME] [--resume]

What trains and what does not (an earlier trial that trained the whole network on close-up mosaics
lost small, crowded bottles: restaurant AP50 0.21 -> 0.01):
- backbone, neck, box regression and objectness are frozen: the student's boxes are the COCO model's;
- only the classification branch of the head (cls_convs + cls_pred, 3 levels) trains, and every class
  but `bottle` is distilled to the frozen COCO model's own scores on the same image;
- the bottle score is distilled too, except on cells whose COCO box overlaps a labelled bottle
  (IoU >= 0.5: target 1) or a labelled can (target 0, the cans being Beverage3's look-alikes);
- half of every batch is 2x2 mosaics of Beverage3 train (small, crowded real scenes) with liquor close-ups
  cut from their white backdrop and pasted small (18-90 px) and many, tilted, some lying; liquor SKUs
  are split by SKU (id % 5 == 0 held out), so the validation composites show bottles training never saw.
Every --check-minutes: AP50 on Beverage3 valid+test (never trained on; 17 bottles), on a fifth of
Beverage3 train's source photos held out of training (by a hash of the source name: 150 bottles) and
on the held-out-SKU composites; the run stops at the first check below the best so far on any split, and
out/NAME-best.pt keeps the best state that is not below zero-shot on either.
"""
import argparse
import copy
import hashlib
import json
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from common import OUT, REAL
from yolox import BOTTLE, YOLOX_ONNX, YoloxNano, decode, load_onnx_weights, preprocess

LIQUOR = os.environ.get('SMARTSTOCK_LIQUOR_DATA', '/work/shared/datasets/liquor-bottles-closeup')
SIZE = 416


def held_out_source(stem):
    """A fifth of Beverage3's train source photos (all their augmented copies) kept for validation; eval.ts uses the same rule."""
    return hashlib.sha256(stem.encode()).hexdigest()[0] in '012'


def beverage(splits, held_out=None):
    """(path, bottle boxes, can boxes) of the splits; held_out True/False keeps only / drops the held-out train sources."""
    coco = json.load(open(os.path.join(REAL, 'annotations.coco.json')))
    names = {c['id']: c['name'] for c in coco['categories']}
    by = {}
    for a in coco['annotations']:
        x, y, w, h = a['bbox']
        by.setdefault(a['image_id'], []).append((names[a['category_id']], [x, y, x + w, y + h]))
    return [
        (os.path.join(REAL, im['file_name']), [b for n, b in by.get(im['id'], []) if n == 'bottle'], [b for n, b in by.get(im['id'], []) if n != 'bottle'])
        for im in coco['images']
        if im.get('split') in splits and (held_out is None or held_out_source(im['source_stem']) == held_out)
    ]


def liquor(held_out):
    coco = json.load(open(os.path.join(LIQUOR, 'annotations.coco.json')))
    files = {im['id']: os.path.join(LIQUOR, im['file_name']) for im in coco['images']}
    return [(files[a['image_id']], a['bbox']) for a in coco['annotations'] if (a['category_id'] % 5 == 0) == held_out]


def cutout(path, bbox, cache={}):
    """The bottle's box as RGBA, the white backdrop made transparent (soft, so clear glass stays see-through)."""
    key = (path, tuple(bbox))
    if key not in cache:
        x, y, w, h = bbox
        im = Image.open(path).convert('RGB').crop((int(x), int(y), int(x + w), int(y + h)))
        a = np.asarray(im, np.float32)
        alpha = np.clip((255 - a.min(2)) * 4, 0, 255).astype(np.uint8)
        cache[key] = Image.fromarray(np.dstack([np.asarray(im), alpha]), 'RGBA')
    return cache[key]


def scene(rng, backs, bottles_to_paste, mosaic, paste=(2, 10)):
    """A 416x416 RGB image with bottle and can boxes (x0, y0, x1, y1)."""
    canvas = Image.new('RGB', (SIZE, SIZE), (114, 114, 114))
    bottles, cans = [], []
    tiles = [(0, 0, SIZE)] if not mosaic else [(0, 0, SIZE // 2), (SIZE // 2, 0, SIZE // 2), (0, SIZE // 2, SIZE // 2), (SIZE // 2, SIZE // 2, SIZE // 2)]
    for ox, oy, s in tiles:
        path, bb, cc = backs[rng.randrange(len(backs))]
        im = Image.open(path).convert('RGB')
        k = s / max(im.size)
        canvas.paste(im.resize((round(im.width * k), round(im.height * k)), Image.BILINEAR), (ox, oy))
        bottles += [[ox + v * k if i % 2 == 0 else oy + v * k for i, v in enumerate(b)] for b in bb]
        cans += [[ox + v * k if i % 2 == 0 else oy + v * k for i, v in enumerate(b)] for b in cc]
    for _ in range(rng.randint(*paste)):
        path, bbox = bottles_to_paste[rng.randrange(len(bottles_to_paste))]
        c = cutout(path, bbox)
        h = rng.uniform(18, 90)
        c = c.resize((max(4, round(c.width * h / c.height * rng.uniform(0.8, 1.2))), round(h)), Image.BILINEAR)
        if rng.random() < 0.15:
            c = c.rotate(90, expand=True)
        elif rng.random() < 0.3:
            c = c.rotate(rng.uniform(-20, 20), expand=True, resample=Image.BILINEAR)
        x, y = rng.randrange(0, SIZE - c.width), rng.randrange(0, SIZE - c.height)
        canvas.paste(c, (x, y), c)
        bottles.append([x, y, x + c.width, y + c.height])
    return canvas, bottles, cans


def tensor(img):
    x, r = preprocess(img, SIZE)
    return torch.from_numpy(x), r


def box_iou(a, b):
    """a [N, 4], b [M, 4] → [N, M]"""
    lt = torch.max(a[:, None, :2], b[None, :, :2])
    rb = torch.min(a[:, None, 2:], b[None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    area = lambda t: (t[:, 2] - t[:, 0]) * (t[:, 3] - t[:, 1])  # noqa: E731
    return inter / (area(a)[:, None] + area(b)[None] - inter + 1e-9)


def nms(boxes, scores, thr=0.65, limit=100):
    order = scores.argsort(descending=True)[:1000]
    keep = []
    while len(order) and len(keep) < limit:
        i = order[0]
        keep.append(i)
        if len(order) == 1:
            break
        order = order[1:][box_iou(boxes[i][None], boxes[order[1:]])[0] <= thr]
    return torch.stack(keep) if keep else torch.zeros(0, dtype=torch.long)


def ap50(results):
    """results: [(pred boxes, scores, true boxes)] → VOC-style all-point AP at IoU 0.5."""
    dets, total = [], 0
    for k, (pb, ps, tb) in enumerate(results):
        total += len(tb)
        dets += [(float(s), k, i) for i, s in enumerate(ps)]
    dets.sort(reverse=True)
    used = {k: set() for k in range(len(results))}
    tp = []
    for _, k, i in dets:
        pb, _, tb = results[k]
        hit = 0
        if len(tb):
            ious = box_iou(pb[i][None], torch.tensor(tb, dtype=torch.float32))[0]
            j = int(ious.argmax())
            if ious[j] >= 0.5 and j not in used[k]:
                used[k].add(j)
                hit = 1
        tp.append(hit)
    if total == 0:
        return float('nan')
    tp = np.array(tp)
    rec = np.cumsum(tp) / total
    prec = np.cumsum(tp) / np.arange(1, len(tp) + 1)
    prec = np.maximum.accumulate(prec[::-1])[::-1]
    return float(np.sum(np.diff(np.concatenate([[0], rec])) * prec)) if len(tp) else 0.0


def composites(n=60):
    """The held-out-SKU validation composites: 2x2 mosaics of Beverage3 valid+test with held-out SKUs pasted (fixed seed)."""
    rng = random.Random(12345)
    backs, paste = beverage({'valid', 'test'}), liquor(held_out=True)
    return [scene(rng, backs, paste, True)[:2] for _ in range(n)]


def write_composites(out):
    """The same composites as PNGs + a COCO file, for eval:vision (models/.cache/composites; never committed)."""
    os.makedirs(os.path.join(out, 'images'), exist_ok=True)
    images, anns = [], []
    for i, (img, bb) in enumerate(composites()):
        name = f'images/composite-{i:03d}.png'
        img.save(os.path.join(out, name))
        images.append({'id': i, 'file_name': name, 'width': SIZE, 'height': SIZE})
        anns += [{'id': len(anns), 'image_id': i, 'category_id': 1, 'bbox': [b[0], b[1], b[2] - b[0], b[3] - b[1]], 'iscrowd': 0} for b in bb]
    json.dump({'images': images, 'annotations': anns, 'categories': [{'id': 1, 'name': 'bottle'}]}, open(os.path.join(out, 'annotations.json'), 'w'))
    print(f'wrote {len(images)} composites with {len(anns)} bottles to {out}')


def wide_composites(n=20, size=(1920, 1080), grid=(3, 3)):
    """1080p frames of a 3x3 grid of Beverage3 valid+test photos with held-out-SKU close-ups pasted 24-70 px tall,
    some in tight rows: the small, crowded bottles a high-resolution shelf camera sees (fixed seed)."""
    rng = random.Random(54321)
    backs, paste = beverage({'valid', 'test'}), liquor(held_out=True)
    cw, ch = size[0] // grid[0], size[1] // grid[1]
    frames = []
    for _ in range(n):
        canvas = Image.new('RGB', size, (114, 114, 114))
        bottles = []
        for gy in range(grid[1]):
            for gx in range(grid[0]):
                path, bb, _ = backs[rng.randrange(len(backs))]
                im = Image.open(path).convert('RGB')
                k = max(cw / im.width, ch / im.height)
                im = im.resize((round(im.width * k), round(im.height * k)), Image.BILINEAR)
                ox, oy = (im.width - cw) // 2, (im.height - ch) // 2
                canvas.paste(im.crop((ox, oy, ox + cw, oy + ch)), (gx * cw, gy * ch))
                for b in bb:
                    x0, y0, x1, y1 = [v * k for v in b]
                    c = [max(x0 - ox, 0), max(y0 - oy, 0), min(x1 - ox, cw), min(y1 - oy, ch)]
                    # a bottle cropped to less than 60 % of itself is not a bottle a labeller would box
                    if c[2] > c[0] and c[3] > c[1] and (c[2] - c[0]) * (c[3] - c[1]) >= 0.6 * (x1 - x0) * (y1 - y0):
                        bottles.append([c[0] + gx * cw, c[1] + gy * ch, c[2] + gx * cw, c[3] + gy * ch])
        for _ in range(rng.randint(4, 8)):  # rows of bottles side by side, as on a shelf
            h = rng.uniform(24, 70)
            x, y = rng.uniform(0, size[0] - 8 * h), rng.uniform(0, size[1] - h - 1)
            for _ in range(rng.randint(2, 6)):
                p, bbox = paste[rng.randrange(len(paste))]
                c = cutout(p, bbox)
                c = c.resize((max(4, round(c.width * h / c.height)), round(h)), Image.BILINEAR)
                if rng.random() < 0.1:
                    c = c.rotate(90, expand=True)
                if x + c.width >= size[0]:
                    break
                canvas.paste(c, (round(x), round(y)), c)
                box = [round(x), round(y), round(x) + c.width, round(y) + c.height]
                bottles = [b for b in bottles if covered(b, box) < 0.5] + [box]
                x += c.width * rng.uniform(0.85, 1.3)
        frames.append((canvas, bottles))
    return frames


def covered(b, by):
    w = min(b[2], by[2]) - max(b[0], by[0])
    h = min(b[3], by[3]) - max(b[1], by[1])
    return max(0, w) * max(0, h) / max(1e-9, (b[2] - b[0]) * (b[3] - b[1]))


def write_wide(out):
    """wide_composites() as JPEG (a camera's format) + a COCO file, for eval:vision's tiling table (models/.cache/wide)."""
    os.makedirs(os.path.join(out, 'images'), exist_ok=True)
    images, anns = [], []
    for i, (img, bb) in enumerate(wide_composites()):
        name = f'images/wide-{i:03d}.jpg'
        img.save(os.path.join(out, name), quality=90)
        images.append({'id': i, 'file_name': name, 'width': img.width, 'height': img.height})
        anns += [{'id': len(anns), 'image_id': i, 'category_id': 1, 'bbox': [b[0], b[1], b[2] - b[0], b[3] - b[1]], 'iscrowd': 0} for b in bb]
    json.dump({'images': images, 'annotations': anns, 'categories': [{'id': 1, 'name': 'bottle'}]}, open(os.path.join(out, 'annotations.json'), 'w'))
    print(f'wrote {len(images)} 1080p composites with {len(anns)} bottles to {out}')


@torch.no_grad()
def evaluate(net, sets):
    net.eval()
    out = {}
    for name, items in sets.items():
        res = []
        for x, r, truth in items:
            o = net(x[None])[0]
            boxes = decode(o[None], SIZE, SIZE)[0] / r
            scores = o[:, 4] * o[:, 5 + BOTTLE]
            m = scores > 0.01
            keep = nms(boxes[m], scores[m])
            res.append((boxes[m][keep], scores[m][keep], truth))
        out[name] = ap50(res)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=60)
    ap.add_argument('--check-minutes', type=float, default=4)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--lr', type=float, default=1e-4)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--resume', action='store_true')
    ap.add_argument('--only-bottle', action='store_true', help="train only the bottle row of cls_pred (a linear probe on COCO's features)")
    ap.add_argument('--log', default='finetune')
    ap.add_argument('--write-composites', metavar='DIR', help='write the held-out-SKU validation composites (for eval:vision) and exit')
    ap.add_argument('--write-wide', metavar='DIR', help='write the 1080p held-out-SKU composites (for eval:vision\'s tiling table) and exit')
    ap.add_argument('--mosaic-every', type=int, default=2, help='every Nth image of a batch is a 2x2 mosaic')
    ap.add_argument('--paste-max', type=int, default=10, help='at most this many close-ups pasted per training image')
    ap.add_argument('--shrunk-every', type=int, default=0, help='every Nth image: training photos shrunk whole into a mosaic, instead of the 2x2 one (run 9)')
    ap.add_argument('--init', help='ONNX export to start from (default: COCO, the teacher); the checks then stop below it, not below zero-shot')
    a = ap.parse_args()
    if a.write_composites:
        return write_composites(a.write_composites)
    if a.write_wide:
        return write_wide(a.write_wide)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    rng = random.Random(0)
    os.makedirs(OUT, exist_ok=True)
    teacher = load_onnx_weights(YoloxNano(), YOLOX_ONNX).eval()
    net = load_onnx_weights(YoloxNano(), a.init) if a.init else copy.deepcopy(teacher)
    if a.only_bottle:
        trainable = [p for h in net.head for p in h.cls_pred.parameters()]
        for p in trainable:  # every other class keeps COCO's weights exactly (Adam moves nothing on a zero gradient)
            p.register_hook(lambda g: g * (torch.arange(g.shape[0]) == BOTTLE).view(-1, *[1] * (g.dim() - 1)))
    else:
        trainable = [p for h in net.head for m in (h.cls_convs, h.cls_pred) for p in m.parameters()]
    for p in net.parameters():
        p.requires_grad_(False)
    for p in trainable:
        p.requires_grad_(True)
    opt = torch.optim.Adam(trainable, lr=a.lr)
    ckpt = os.path.join(OUT, f'{a.log}.pt')
    step, seconds = 0, 0.0
    if a.resume and os.path.exists(ckpt):
        st = torch.load(ckpt)
        net.load_state_dict(st['model'])
        opt.load_state_dict(st['opt'])
        step, seconds = st['step'], st['seconds']

    train_backs = beverage({'train'}, held_out=False)
    train_paste = liquor(held_out=False)
    val_backs = beverage({'valid', 'test'})
    sets = {
        'beverage3 valid+test': [(*tensor(Image.open(p)), b) for p, b, _ in val_backs],
        'beverage3 train, held-out sources': [(*tensor(Image.open(p)), b) for p, b, _ in beverage({'train'}, held_out=True)],
        'held-out SKUs pasted on valid+test, 2x2': [(*tensor(img), bb) for img, bb in composites()],
    }
    photo_splits = list(sets)
    from finetune_head import SHRUNK, load_groups, shrunk_scene

    if os.path.exists(os.path.join(SHRUNK, 'annotations.json')):
        sets.update({f'{g} shrunk': [(*tensor(img), bb) for img, bb in items] for g, items in load_groups(SHRUNK).items()})
    base = evaluate(teacher, sets)
    best = dict(evaluate(net, sets)) if step or a.init else dict(base)
    start = dict(best)
    print(json.dumps({'zero-shot': base, 'start': best, 'step': step}), flush=True)
    t0 = time.time() - seconds
    last_check = time.time()
    while time.time() - t0 < a.minutes * 60:
        net.train()
        xs, targets = [], []
        for b in range(a.batch):
            if a.shrunk_every and b % a.shrunk_every == 0:
                img, bb, _ = shrunk_scene(rng, train_backs)
                cc = []
            else:
                mosaic = not a.shrunk_every and b % a.mosaic_every == 0
                img, bb, cc = scene(rng, train_backs, train_paste, mosaic=mosaic, paste=(min(2, a.paste_max), a.paste_max))
            xs.append(tensor(img)[0])
            targets.append((bb, cc))
        x = torch.stack(xs)
        with torch.no_grad():  # backbone and neck are frozen and shared: run once
            feats = teacher.features(x)
            t = teacher.head_logits(feats)
            boxes = decode(t, SIZE, SIZE)
        s = net.head_logits(feats)
        soft = t[..., 5:].sigmoid()
        for i, (bb, cc) in enumerate(targets):
            for group, value in ((cc, 0.0), (bb, 1.0)):
                if group:
                    hit = box_iou(boxes[i], torch.tensor(group, dtype=torch.float32)).max(1).values >= 0.5
                    soft[i, hit, BOTTLE] = value
        weight = torch.ones_like(soft)
        weight[..., BOTTLE] = 5.0
        loss = (F.binary_cross_entropy_with_logits(s[..., 5:], soft, reduction='none') * weight).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 20 == 0:
            print(f'step {step} loss {loss.item():.4f} {time.time() - t0:.0f}s', flush=True)
        if time.time() - last_check > a.check_minutes * 60:
            last_check = time.time()
            got = evaluate(net, sets)
            st = {'model': net.state_dict(), 'opt': opt.state_dict(), 'step': step, 'seconds': time.time() - t0}
            torch.save(st, ckpt + '.tmp')
            os.replace(ckpt + '.tmp', ckpt)
            print(json.dumps({'step': step, 'check': got, 'best': best, 'zero-shot': base}), flush=True)
            if a.init:  # run 9: the start is the bar; stop when a photo split falls below it, keep the best mean above it
                below = [k for k in photo_splits if got[k] < start[k]]
                if below:
                    print(f'stopped at step {step}: below the start on {below}', flush=True)
                    break
                if np.mean(list(got.values())) > np.mean(list(best.values())):
                    best = got
                    torch.save(st, os.path.join(OUT, f'{a.log}-best.pt'))
                continue
            if any(got[k] < best[k] for k in got):
                print(f'stopped at step {step}: regression on {[k for k in got if got[k] < best[k]]}', flush=True)
                break
            best = got
            if all(got[k] >= base[k] for k in got):
                torch.save(st, os.path.join(OUT, f'{a.log}-best.pt'))


if __name__ == '__main__':
    main()
