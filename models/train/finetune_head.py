"""Fine-tune the whole detection head of the COCO YOLOX-Nano for bottles, keeping COCO's backbone and neck.

python finetune_head.py [--minutes 90] [--check-minutes 6] [--lr 3e-4] [--log NAME] [--resume]
Run 9 (real small bottles, nothing pasted, from the shipped state):
python finetune_head.py --init ../onnx/detector.onnx --synthetic-share 0 --shrunk-share 0.5 --paste-max 0 --lr 1e-4 --stop-on-regression
Run 10 (run 9c's rule, small bottles a target of 1 and not negatives):
python finetune_head.py --init ../onnx/detector.onnx --synthetic-share 0 --shrunk-share 0.5 --paste-max 0 --lr 5e-5 --norm batch
  --pos-target one --ignore-small 32 --keep-checks --log run10
Run 11 (run 10's rule with the neck learning too, at a fifth of the head's rate, the backbone still frozen):
python finetune_head.py --init ../onnx/detector.onnx --synthetic-share 0 --shrunk-share 0.5 --paste-max 0 --lr 5e-5 --norm batch
  --pos-target one --ignore-small 32 --train neck --neck-lr 1e-5 --keep-checks --log run11

Why the head and not more, nor less: the bottle-row probe (finetune_yolox.py) keeps COCO's boxes, so it can only
re-rank what COCO already boxes; training the whole network on close-ups forgot small, crowded bottles (issue 22).
Here the backbone and neck stay COCO's (their features are computed once per batch by the frozen model), and the
head learns boxes, objectness and the bottle score, with what COCO taught it kept by distillation:
- positives: YOLOX's own SimOTA assignment (centre prior, cost = classification + 3 x -log IoU, dynamic k) of cells
  to labelled bottles; box loss 1 - IoU^2, objectness 1, bottle score the IoU (YOLOX's IoU-aware target);
- every other cell: objectness and the other 79 classes distilled to the frozen COCO model's scores, box offsets
  distilled where COCO sees an object, and the bottle score 0, except cells whose box overlaps a labelled bottle
  (IoU >= 0.5) or an ignored one, which are left out: an almost-right box is not a false alarm;
- data: Beverage3 train (minus its held-out source photos) with liquor close-ups pasted small, tilted and lying
  (SKUs with id % 5 == 0 never pasted), and generated back-bar scenes (seeds < 200,000) with close-ups pasted into
  them too: the generator's look-alikes (cans, glasses, taps, people) are the negatives there.
Checks every --check-minutes on splits no training image came from: the three real ones of finetune_yolox.py and 60
generated scenes from seeds 3,000,000+ (eval:vision's synthetic rows use 1,000,000+), and, when written
(shrunk.py --write ../.cache/shrunk), the never-trained photos shrunk into mosaics. out/NAME.pt is the last
state (resume with --resume), out/NAME-best.pt the state with the best mean AP50 over the three real splits.
"""
import argparse
import copy
import json
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from common import MODELS, OUT
from finetune_yolox import SIZE, beverage, box_iou, composites, covered, cutout, evaluate, liquor, scene, tensor
from lying import turn
from shrunk import load_groups, mosaic
from yolox import BOTTLE, YOLOX_ONNX, YoloxNano, decode, grids, load_onnx_weights

SYNTH = os.path.join(MODELS, '.cache', 'synth')
SHRUNK = os.path.join(MODELS, '.cache', 'shrunk')
LYING = os.path.join(MODELS, '.cache', 'lying')
# the unshrunk real splits (the stop rule watches these) and all the real ones (the best state's mean)
PHOTO_SPLITS = ['beverage3 valid+test', 'beverage3 train, held-out sources', 'held-out SKUs pasted on valid+test, 2x2']
SHRUNK_SPLITS = ['valid+test shrunk', 'held-out sources shrunk']
LYING_SPLITS = ['valid+test lying', 'held-out sources lying']


def shrunk_scene(rng, backs, photos={}):
    """Whole training photos shrunk into a 2x2-6x6 mosaic at the input size, nothing pasted: real bottles at about
    15-80 px with their own surroundings. Bottles under 4 px tall are ignored (neither found nor a false alarm)."""
    grid = rng.choice((2, 3, 4, 5, 6))
    chosen = [backs[rng.randrange(len(backs))] for _ in range(grid * grid)]
    for p, _, _ in chosen:
        if p not in photos:  # kept at the 2x2 cell's side (208 px), not the photo's 640: 700 photos stay ~100 MB
            im = Image.open(p).convert('RGB')
            k = (SIZE // 2) / max(im.size)
            photos[p] = (im.resize((round(im.width * k), round(im.height * k)), Image.BILINEAR), k)
    img, boxes = mosaic(rng, [(photos[p][0], [[v * photos[p][1] for v in q] for q in bb]) for p, bb, _ in chosen], grid, SIZE)
    return img, [b for b in boxes if b[3] - b[1] >= 4], [b for b in boxes if b[3] - b[1] < 4]


def synthetic(name):
    """(path, bottle boxes, ignored boxes) of a generated set written by `npm run generate -w models -- dataset`."""
    path = os.path.join(SYNTH, name, 'annotations.json')
    if not os.path.exists(path):
        return []
    coco = json.load(open(path))
    by = {}
    for a in coco['annotations']:
        x, y, w, h = a['bbox']
        by.setdefault(a['image_id'], []).append((a.get('iscrowd', 0), [x, y, x + w, y + h]))
    return [
        (os.path.join(SYNTH, name, im['file_name']), [b for c, b in by.get(im['id'], []) if not c], [b for c, b in by.get(im['id'], []) if c])
        for im in coco['images']
    ]


def synthetic_scene(rng, items, paste, paste_max=3):
    """A generated back bar, cropped at a random scale (bottles reach the model at several sizes), flipped half the
    time, with 0-3 real close-ups pasted in (none with --paste-max 0: runs 7-8 learnt the paste, not bottles); boxes
    in the returned image's pixels."""
    path, bb, ig = items[rng.randrange(len(items))]
    im = Image.open(path).convert('RGB')
    k = rng.uniform(0.55, 1.0)
    cw, ch = round(im.width * k), round(im.height * k)
    x0, y0 = rng.randrange(0, im.width - cw + 1), rng.randrange(0, im.height - ch + 1)
    im = im.crop((x0, y0, x0 + cw, y0 + ch))

    def clip(boxes):
        out = []
        for b in boxes:
            c = [max(0, b[0] - x0), max(0, b[1] - y0), min(cw, b[2] - x0), min(ch, b[3] - y0)]
            area = (b[2] - b[0]) * (b[3] - b[1])
            if c[2] > c[0] and c[3] > c[1] and (c[2] - c[0]) * (c[3] - c[1]) >= 0.6 * area:
                out.append(c)
        return out

    bottles, ignored = clip(bb), clip(ig)
    for _ in range(rng.randint(0, min(3, paste_max))):
        p, bbox = paste[rng.randrange(len(paste))]
        c = cutout(p, bbox)
        h = rng.uniform(0.15, 0.5) * ch
        c = c.resize((max(4, round(c.width * h / c.height * rng.uniform(0.8, 1.2))), max(4, round(h))), Image.BILINEAR)
        if rng.random() < 0.15:
            c = c.rotate(90, expand=True)
        if c.width >= cw or c.height >= ch:
            continue
        x, y = rng.randrange(0, cw - c.width), rng.randrange(0, ch - c.height)
        im.paste(c, (x, y), c)
        box = [x, y, x + c.width, y + c.height]
        # a pasted bottle hides what it covers: boxes mostly under it are no longer seen
        bottles = [b for b in bottles if covered(b, box) < 0.5] + [box]
    if rng.random() < 0.5:
        im = im.transpose(Image.FLIP_LEFT_RIGHT)
        flip = lambda b: [cw - b[2], b[1], cw - b[0], b[3]]  # noqa: E731
        bottles, ignored = [flip(b) for b in bottles], [flip(b) for b in ignored]
    return im, bottles, ignored


def simota(student, boxes, gts, cells):
    """YOLOX's SimOTA: positive cell indices and the gt each is assigned to (both LongTensor)."""
    gx, gy, s = cells
    cx, cy = (gx + 0.5) * s, (gy + 0.5) * s
    g = torch.tensor(gts, dtype=torch.float32)
    in_box = (cx[None] > g[:, None, 0]) & (cx[None] < g[:, None, 2]) & (cy[None] > g[:, None, 1]) & (cy[None] < g[:, None, 3])
    gcx, gcy = (g[:, 0] + g[:, 2]) / 2, (g[:, 1] + g[:, 3]) / 2
    r = 2.5 * s[None]
    in_ctr = ((cx[None] - gcx[:, None]).abs() < r) & ((cy[None] - gcy[:, None]).abs() < r)
    cand = (in_box | in_ctr).any(0)
    idx = cand.nonzero().flatten()
    if len(idx) == 0:
        return idx, idx
    iou = box_iou(g, boxes[idx])  # [G, C]
    score = (student[idx, 4].sigmoid() * student[idx, 5 + BOTTLE].sigmoid()).sqrt().clamp(1e-6, 1 - 1e-6)
    cost = -torch.log(score)[None] * 1.0 + 3.0 * -torch.log(iou + 1e-8) + 1e5 * ~(in_box[:, idx] & in_ctr[:, idx])
    match = torch.zeros_like(cost)
    k = torch.clamp(iou.topk(min(10, len(idx)), 1).values.sum(1).int(), min=1)
    for j in range(len(g)):
        match[j, cost[j].topk(int(k[j]), largest=False).indices] = 1
    multi = match.sum(0) > 1
    if multi.any():
        best = cost[:, multi].argmin(0)
        match[:, multi] = 0
        match[best, multi.nonzero().flatten()] = 1
    fg = match.sum(0) > 0
    return idx[fg], match[:, fg].argmax(0)


def bottle_targets(boxes, t_boxes, truth, cells, pos, pos_iou, pos_target='iou', ignore_small=0.0):
    """The bottle-score target and loss weight of every cell. Positives (pos, with their box's IoU) get the IoU
    (YOLOX's IoU-aware target) or, pos_target 'one', 1: a 10-20 px box rarely reaches a high IoU, so the IoU target
    ranked small bottles under confident cans (run 9). Every other cell is a negative (0), except cells whose box
    (student's or COCO's) overlaps a labelled or ignored bottle at IoU >= 0.5 and, ignore_small > 0, cells whose
    centre lies inside a labelled bottle shorter than ignore_small px: their boxes rarely reach IoU 0.5 with it."""
    bottles, ignored = truth
    target, weight = torch.zeros(len(boxes)), torch.ones(len(boxes))
    near = bottles + ignored
    if near:
        g = torch.tensor(near, dtype=torch.float32)
        weight[torch.maximum(box_iou(boxes, g).max(1).values, box_iou(t_boxes, g).max(1).values) >= 0.5] = 0.0
    small = [b for b in near if b[3] - b[1] < ignore_small]
    if small:
        gx, gy, stride = cells
        cx, cy, g = (gx + 0.5) * stride, (gy + 0.5) * stride, torch.tensor(small, dtype=torch.float32)
        inside = (cx[None] > g[:, None, 0]) & (cx[None] < g[:, None, 2]) & (cy[None] > g[:, None, 1]) & (cy[None] < g[:, None, 3])
        weight[inside.any(0)] = 0.0
    if len(pos):
        target[pos] = 1.0 if pos_target == 'one' else pos_iou.clamp(min=0.05)
        weight[pos] = 1.0
    return target, weight


def losses(student, teacher, truth, cells, per_image=True, pos_target='iou', ignore_small=0.0):
    """One image: student and teacher raw logits [N, 85]; truth (bottles, ignored) in input pixels. Divided by the
    image's positives (runs 7-8), or, per_image False, left as sums for the caller to divide by the batch's (YOLOX's
    own rule: a photo without bottles has 1 as its "positives", so its sums over 3,549 cells outweighed a mosaic's
    by 50-100x and the batch mostly taught "no bottle on these cans", run 9)."""
    bottles, ignored = truth
    boxes = decode(student[None].detach(), SIZE, SIZE)[0]
    t_boxes = decode(teacher[None], SIZE, SIZE)[0]
    pos, gt_of = simota(student.detach(), boxes, bottles, cells) if bottles else (torch.zeros(0, dtype=torch.long),) * 2
    n_pos = max(1, len(pos)) if per_image else 1
    t_obj = teacher[:, 4].sigmoid()
    obj_target = t_obj.clone()
    obj_target[pos] = 1.0
    cls_target = teacher[:, 5:].sigmoid()
    cls_weight = torch.ones_like(cls_target)
    box_loss, iou = torch.zeros(()), torch.zeros(0)
    if len(pos):
        g = torch.tensor(bottles, dtype=torch.float32)[gt_of]
        pred = decode(student[None], SIZE, SIZE)[0][pos]
        iou = torch.diag(box_iou(pred, g))
        box_loss = (1 - iou**2).sum() / n_pos
    cls_target[:, BOTTLE], cls_weight[:, BOTTLE] = bottle_targets(boxes, t_boxes, truth, cells, pos, iou.detach(), pos_target, ignore_small)
    obj_loss = F.binary_cross_entropy_with_logits(student[:, 4], obj_target, reduction='sum') / n_pos
    cls_all = F.binary_cross_entropy_with_logits(student[:, 5:], cls_target, reduction='none') * cls_weight
    # the bottle column carries the detector; the other 79 only keep COCO, so they weigh like one column
    bottle_loss = cls_all[:, BOTTLE].sum() / n_pos
    keep_loss = (cls_all.sum(1) - cls_all[:, BOTTLE]).sum() / (79 * n_pos)
    # COCO's boxes for what COCO sees as an object, so other objects keep their boxes
    distil_box = ((student[:, :4] - teacher[:, :4]) ** 2).sum(1).mul(t_obj).sum() / n_pos
    return 5.0 * box_loss + obj_loss + bottle_loss + keep_loss + distil_box, len(pos)


def turn_all(img, box_lists, quarters):
    """img turned (lying.turn) with each of its box lists."""
    img, turned = turn(img, [b for boxes in box_lists for b in boxes], quarters)
    out = []
    for boxes in box_lists:
        out.append(turned[: len(boxes)])
        turned = turned[len(boxes) :]
    return img, out


def grey(img):
    """A camera's night picture: infrared, no colour (Rec. 601 luma in all three channels, as eval:vision --grey)."""
    return img.convert('L').convert('RGB')


def check_sets(greys=False):
    """The splits every check measures, none of them trained on: the three real ones, the generated check scenes
    and, when written, the shrunk mosaics; with `greys`, the two photo splits in greyscale too."""
    sets = {
        'beverage3 valid+test': [(*tensor(Image.open(p)), b) for p, b, _ in beverage({'valid', 'test'})],
        'beverage3 train, held-out sources': [(*tensor(Image.open(p)), b) for p, b, _ in beverage({'train'}, held_out=True)],
        'held-out SKUs pasted on valid+test, 2x2': [(*tensor(img), bb) for img, bb in composites()],
    }
    if greys:
        sets['beverage3 valid+test grey'] = [(*tensor(grey(Image.open(p).convert('RGB'))), b) for p, b, _ in beverage({'valid', 'test'})]
        held = beverage({'train'}, held_out=True)
        sets['beverage3 train, held-out sources grey'] = [(*tensor(grey(Image.open(p).convert('RGB'))), b) for p, b, _ in held]
    check = synthetic('check')
    if check:
        sets['generated scenes 3,000,000+'] = [(*tensor(Image.open(p)), b) for p, b, _ in check]
    if os.path.exists(os.path.join(SHRUNK, 'annotations.json')):
        for group, items in load_groups(SHRUNK).items():
            sets[f'{group} shrunk'] = [(*tensor(img), bb) for img, bb in items]
    if os.path.exists(os.path.join(LYING, 'annotations.json')):
        for group, items in load_groups(LYING).items():
            sets[f'{group} lying'] = [(*tensor(img), bb) for img, bb in items]
    return sets


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=90)
    ap.add_argument('--check-minutes', type=float, default=6)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--lr', type=float, default=3e-4)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--synthetic-share', type=float, default=0.5, help='share of each batch that is generated back bars')
    ap.add_argument('--shrunk-share', type=float, default=0.0, help='share of each batch that is training photos shrunk into mosaics')
    ap.add_argument('--paste-max', type=int, default=5, help='close-ups pasted per Beverage3 image (0: none)')
    ap.add_argument('--norm', choices=('image', 'batch'), default='image', help="divide the losses by each image's positives or the batch's")
    ap.add_argument('--pos-target', choices=('iou', 'one'), default='iou', help="positive cells' bottle-score target")
    ap.add_argument('--ignore-small', type=float, default=0, metavar='PX', help='leave cells inside a bottle under PX tall out of the negatives')
    ap.add_argument('--lying-share', type=float, default=0.0,
                    help='chance that a real training image (a photo or a mosaic) is turned a quarter, so its bottles lie (run 15)')
    ap.add_argument('--grey-share', type=float, default=0.0,
                    help='chance that a training image is made greyscale, as a camera sends it at night (run 16); adds grey checks')
    ap.add_argument('--init', help='ONNX export or checkpoint (.pt) to start from (default: COCO, the teacher)')
    ap.add_argument('--stop-on-regression', action='store_true', help='stop at the first check below the start on an unshrunk real split')
    ap.add_argument('--keep-checks', action='store_true', help='also keep the weights of every check (out/NAME-stepN.pt)')
    ap.add_argument('--train', choices=['head', 'neck'], default='head',
                    help='what learns: the head only (runs 1-10), or the neck (the feature pyramid) and the head, the backbone frozen')
    ap.add_argument('--neck-lr', type=float, default=1e-5, help='the neck\'s rate when --train neck')
    ap.add_argument('--resume', action='store_true')
    ap.add_argument('--log', default='head')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    rng = random.Random(0)
    os.makedirs(OUT, exist_ok=True)
    teacher = load_onnx_weights(YoloxNano(), YOLOX_ONNX).eval()
    if a.init and a.init.endswith('.pt'):  # a committed check (train/checkpoints/), weights only
        net = YoloxNano()
        net.load_state_dict(torch.load(a.init)['model'])
    else:
        net = load_onnx_weights(YoloxNano(), a.init) if a.init else copy.deepcopy(teacher)
    for p in net.parameters():
        p.requires_grad_(False)
    head_params = [p for h in net.head for p in h.parameters()]
    neck_params = list(net.neck.parameters()) if a.train == 'neck' else []
    trainable = head_params + neck_params
    for p in trainable:
        p.requires_grad_(True)
    # the student's backbone is the teacher's (frozen, never trained by any run), so its features are computed once
    if any(not torch.equal(p, q) for p, q in zip(net.backbone.parameters(), teacher.backbone.parameters())):
        raise SystemExit(f'{a.init}: its backbone is not the COCO one this script freezes')
    groups = [{'params': head_params, 'lr': a.lr}] + ([{'params': neck_params, 'lr': a.neck_lr}] if neck_params else [])
    opt = torch.optim.AdamW(groups, lr=a.lr, weight_decay=5e-4)
    ckpt = os.path.join(OUT, f'{a.log}.pt')
    step, seconds, best_mean = 0, 0.0, -1.0
    if a.resume and os.path.exists(ckpt):
        st = torch.load(ckpt)
        net.load_state_dict(st['model'])
        opt.load_state_dict(st['opt'])
        step, seconds, best_mean = st['step'], st['seconds'], st.get('best_mean', -1.0)
        # a resumed run may go on at a lower rate (run 7's checks stopped improving after ~800 steps at 3e-4)
        for group, rate in zip(opt.param_groups, [a.lr, a.neck_lr]):
            group['lr'] = rate

    train_backs = beverage({'train'}, held_out=False)
    train_paste = liquor(held_out=False)
    synth = synthetic('normal') + synthetic('hard')
    if not synth and a.synthetic_share > 0:
        raise SystemExit(f'no generated scenes under {SYNTH}: write them first (see the card)')
    sets = check_sets(greys=a.grey_share > 0)
    real = [k for k in PHOTO_SPLITS + SHRUNK_SPLITS + LYING_SPLITS if k in sets]
    base = evaluate(teacher, sets)
    start = evaluate(net, sets)
    print(json.dumps({'zero-shot': base, 'start': start, 'step': step, 'train': {'beverage3': len(train_backs), 'generated': len(synth)}}), flush=True)
    cells = grids(SIZE, SIZE)
    t0 = time.time() - seconds
    last_check = time.time()
    while time.time() - t0 < a.minutes * 60:
        net.train()
        xs, truths = [], []
        for b in range(a.batch):
            if b < round(a.batch * a.synthetic_share):
                img, bb, ig = synthetic_scene(rng, synth, train_paste, a.paste_max)
            elif b >= a.batch - round(a.batch * a.shrunk_share):
                img, bb, ig = shrunk_scene(rng, train_backs)
            else:
                paste = (min(2, a.paste_max), a.paste_max)
                img, bb, cc = scene(rng, train_backs, train_paste, mosaic=b % 4 == 0 and a.shrunk_share == 0, paste=paste)
                ig = []
            if a.lying_share > 0 and b >= round(a.batch * a.synthetic_share) and rng.random() < a.lying_share:
                img, (bb, ig) = turn_all(img, (bb, ig), rng.choice((1, 3)))
            if a.grey_share > 0 and rng.random() < a.grey_share:
                img = grey(img)
            x, r = tensor(img)
            xs.append(x)
            truths.append(([[v * r for v in q] for q in bb], [[v * r for v in q] for q in ig]))
        x = torch.stack(xs)
        with torch.no_grad():
            backbone = teacher.backbone(x)
            feats = teacher.neck(backbone)
            t = teacher.head_logits(feats)
        s = net.head_logits(net.neck(backbone) if a.train == 'neck' else feats)
        total, n_pos = 0.0, 0
        for i in range(len(truths)):
            li, k = losses(s[i], t[i], truths[i], cells, a.norm == 'image', a.pos_target, a.ignore_small)
            total = total + li
            n_pos += k
        loss = total / len(truths) if a.norm == 'image' else total / max(1, n_pos)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 10.0)
        opt.step()
        step += 1
        if step % 20 == 0:
            print(f'step {step} loss {loss.item():.4f} positives/img {n_pos / len(truths):.1f} {time.time() - t0:.0f}s', flush=True)
        if time.time() - last_check > a.check_minutes * 60:
            last_check = time.time()
            got = evaluate(net, sets)
            mean = float(np.mean([got[k] for k in real]))
            st = {'model': net.state_dict(), 'opt': opt.state_dict(), 'step': step, 'seconds': time.time() - t0, 'best_mean': max(best_mean, mean)}
            torch.save(st, ckpt + '.tmp')
            os.replace(ckpt + '.tmp', ckpt)
            if a.keep_checks:
                torch.save({'model': net.state_dict(), 'step': step, 'check': got}, os.path.join(OUT, f'{a.log}-step{step}.pt'))
            below = [k for k in PHOTO_SPLITS if k in got and got[k] < start[k]]
            if mean > best_mean and not (a.stop_on_regression and below):
                best_mean = mean
                torch.save({**st, 'check': got}, os.path.join(OUT, f'{a.log}-best.pt'))
            print(json.dumps({'step': step, 'check': got, 'real mean': mean, 'best real mean': best_mean, 'start': start}), flush=True)
            if a.stop_on_regression and below:
                print(f'stopped at step {step}: below the start on {below}', flush=True)
                break


if __name__ == '__main__':
    main()
