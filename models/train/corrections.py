"""The bar's own corrections (npm run export:corrections) as training data.

A manager corrects a slot's count (and sometimes each bottle's fill), not a box,
so the labels are per slot:
- fill model: a correction with true fills is cut into that many equal-width
  strips, left to right, each labelled with its fill. Bottles on a slot stand side
  by side, so a strip is a fair stand-in for the detector's box (the fill model is
  trained on jittered boxes anyway).
- detector: a slot whose true count is 0 is a negative image; the corrections that
  matter most are the model's false bottles, so those are hard negatives.
Count-only corrections above 0 carry no box or fill label; they are loaded and
reported but not trained on until the dashboard asks for boxes.
"""
import json
import os

import numpy as np
from PIL import Image

from common import FILL_H, FILL_W


def load_corrections(directory):
    """Labelled crops from an export dir: list of dicts (path, true_count, true_fills, model_count)."""
    f = os.path.join(directory, 'annotations.json')
    if not os.path.exists(f):
        raise SystemExit(f'--corrections {directory}: no annotations.json (run npm run export:corrections first)')
    coco = json.load(open(f))
    out = []
    for im in coco['images']:
        fills = im.get('true_fills')
        if fills is not None and len(fills) != im['true_count']:
            raise SystemExit(f"{f}: image {im['file_name']} has {len(fills)} true fills for a true count of {im['true_count']}")
        out.append({
            'path': os.path.join(directory, im['file_name']),
            'true_count': im['true_count'],
            'true_fills': fills,
            'model_count': im.get('model_count'),
        })
    return out


def describe(corrections):
    with_fills = sum(1 for c in corrections if c['true_fills'])
    empty = sum(1 for c in corrections if c['true_count'] == 0)
    return f"{len(corrections)} corrections: {with_fills} with true fills, {empty} empty slots, {len(corrections) - with_fills - empty} count only"


def fill_crops(c, rng, jitter_img):
    """(chw float32, fill, observable) per bottle of a correction with true fills."""
    fills = c['true_fills']
    if not fills:
        return []
    img = jitter_img(Image.open(c['path']).convert('RGB'), rng)
    w, h = img.size
    n = len(fills)
    out = []
    for i, fill in enumerate(fills):
        x0, x1 = w * i / n, w * (i + 1) / n
        pad = rng.uniform(-0.05, 0.05) * (x1 - x0)
        box = (max(0, round(x0 - pad)), 0, min(w, round(x1 + pad)), h)
        strip = img.crop(box).resize((FILL_W, FILL_H), Image.BILINEAR)
        if rng.random() < 0.5:
            strip = strip.transpose(Image.FLIP_LEFT_RIGHT)
        out.append((np.asarray(strip, dtype=np.float32).transpose(2, 0, 1) / 255.0, float(fill), 1.0))
    return out


def detector_negatives(corrections):
    """Empty slots as (path, no boxes) items, the shape the detector's sampler takes."""
    return [(c['path'], []) for c in corrections if c['true_count'] == 0]
