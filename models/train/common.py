"""Shared bits of SmartStock vision training: data loading, letterbox, real-photo split."""
import glob
import json
import os
import random

import numpy as np
from PIL import Image, ImageEnhance

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)
CACHE = os.path.join(MODELS, '.cache', 'data')
OUT = os.path.join(HERE, 'out')
REAL = os.environ.get('SMARTSTOCK_REAL_DATA', '/work/shared/datasets/beverage3-bottle-can')
DET_W, DET_H = 416, 256
FILL_W, FILL_H = 40, 96
MEAN = 0.0
SCALE = 1.0 / 255.0


def load_synthetic(pattern):
    """All finished synthetic chunks matching pattern: list of (image_path, boxes[x,y,w,h], ignore[], ann list)."""
    items = []
    for d in sorted(glob.glob(os.path.join(CACHE, pattern))):
        f = os.path.join(d, 'annotations.json')
        if not os.path.exists(f):
            continue
        coco = json.load(open(f))
        by = {}
        for a in coco['annotations']:
            by.setdefault(a['image_id'], []).append(a)
        for im in coco['images']:
            anns = by.get(im['id'], [])
            items.append((os.path.join(d, im['file_name']), anns))
    return items


def load_real(splits):
    """Real photos (bottle boxes only; cans stay unlabelled, i.e. negatives)."""
    f = os.path.join(REAL, 'annotations.coco.json')
    if not os.path.exists(f):
        return []
    coco = json.load(open(f))
    cats = {c['id']: c['name'] for c in coco['categories']}
    by = {}
    for a in coco['annotations']:
        if cats.get(a['category_id']) == 'bottle':
            by.setdefault(a['image_id'], []).append({'bbox': a['bbox'], 'iscrowd': 0})
    items = []
    for im in coco['images']:
        if im.get('split') in splits:
            items.append((os.path.join(REAL, im['file_name']), by.get(im['id'], [])))
    return items


def letterbox_params(w, h, dw=DET_W, dh=DET_H):
    s = min(dw / w, dh / h)
    nw, nh = round(w * s), round(h * s)
    return s, (dw - nw) // 2, (dh - nh) // 2, nw, nh


def jitter(img, rng):
    img = ImageEnhance.Brightness(img).enhance(rng.uniform(0.5, 1.4))
    img = ImageEnhance.Contrast(img).enhance(rng.uniform(0.6, 1.4))
    img = ImageEnhance.Color(img).enhance(rng.uniform(0.3, 1.5))
    return img


def save_checkpoint(path, net, opt, step, seconds, **extra):
    """Training state for --resume. Written beside the target and renamed over it, so a run killed
    mid-save (every process ends with the session) leaves the last whole checkpoint, not half of one."""
    import torch

    tmp = path + '.tmp'
    torch.save({'model': net.state_dict(), 'opt': opt.state_dict(), 'step': step, 'seconds': seconds, **extra}, tmp)
    os.replace(tmp, path)


def load_checkpoint(path, net, opt):
    """What save_checkpoint wrote, loaded into net and opt: the saved dict, or {} when there is none yet."""
    import torch

    if not os.path.exists(path):
        return {}
    st = torch.load(path)
    net.load_state_dict(st['model'])
    opt.load_state_dict(st['opt'])
    print(f'resumed {os.path.basename(path)} at step {st["step"]}', flush=True)
    return st


def seed_all(seed):
    random.seed(seed)
    np.random.seed(seed)
