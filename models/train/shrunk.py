"""Real small bottles without pasting (run 9): whole Beverage3 photos shrunk into mosaics.

python shrunk.py --write ../.cache/shrunk     (the eval split, for eval:vision and finetune_head.py's checks)

Pasted close-ups taught the head the paste (runs 7-8). Here nothing is cut out: each photo is shrunk whole, with
its own context, occlusion and light, into one cell of a grid, at a random scale within the cell and a random
place in it, so its bottles reach the network small. Boxes follow the pixels exactly (the per-axis scale after
rounding the photo's new size; test_shrunk.py checks it on drawn rectangles).

The eval split uses photos no fine-tune trained on: Beverage3 valid+test (17 bottles) and the held-out fifth
of train's source photos (150), each kept apart (`group`), every photo twice in each grid (3x3, 4x4, 6x6 on a
640x640 canvas, fixed seed): seen at 416 their bottles (median 294 and 526 px in the photos) are about 6-60 px tall.
"""
import argparse
import json
import os
import random

from PIL import Image

EVAL_SIZE = 640
EVAL_GRIDS = (3, 4, 6)
EVAL_REPEATS = 2
EVAL_SEED = 9009
JITTER = (0.6, 1.0)
PAD = (114, 114, 114)


def mosaic(rng, photos, grid, size, jitter=JITTER):
    """photos: up to grid*grid (PIL RGB image, bottle boxes [x0, y0, x1, y1]) placed row by row, each shrunk whole
    to jitter x its cell's side (longest side) at a random place in its cell. Returns (canvas, boxes in canvas pixels)."""
    if len(photos) > grid * grid:
        raise ValueError(f'{len(photos)} photos do not fit a {grid}x{grid} mosaic')
    canvas = Image.new('RGB', (size, size), PAD)
    cell = size / grid
    boxes = []
    for k, (img, bb) in enumerate(photos):
        gx, gy = k % grid, k // grid
        s = cell * rng.uniform(*jitter) / max(img.size)
        w, h = max(1, min(int(cell), round(img.width * s))), max(1, min(int(cell), round(img.height * s)))
        # the rounded size sets the scale the pixels actually get, per axis
        sx, sy = w / img.width, h / img.height
        ox = int(gx * cell) + rng.randint(0, int(cell) - w)
        oy = int(gy * cell) + rng.randint(0, int(cell) - h)
        canvas.paste(img.resize((w, h), Image.BILINEAR), (ox, oy))
        boxes += [[ox + b[0] * sx, oy + b[1] * sy, ox + b[2] * sx, oy + b[3] * sy] for b in bb]
    return canvas, boxes


def shrunk_split(items, seed=EVAL_SEED, size=EVAL_SIZE, grids=EVAL_GRIDS, repeats=EVAL_REPEATS):
    """items: [(path, bottle boxes)]; every photo appears `repeats` times in each grid. Yields (canvas, boxes)."""
    rng = random.Random(seed)
    for grid in grids:
        for _ in range(repeats):
            order = list(range(len(items)))
            rng.shuffle(order)
            n = grid * grid
            for i in range(0, len(order), n):
                chosen = [items[j] for j in order[i : i + n]]
                yield mosaic(rng, [(Image.open(p).convert('RGB'), bb) for p, bb in chosen], grid, size)


def eval_groups():
    """The two never-trained photo sets the eval split is made of, by name."""
    from finetune_yolox import beverage

    return {
        'valid+test': [(p, bb) for p, bb, _ in beverage({'valid', 'test'})],
        'held-out sources': [(p, bb) for p, bb, _ in beverage({'train'}, held_out=True)],
    }


def write_groups(out, prefix, remake):
    """Every never-trained photo set of eval_groups remade (remake(items) yields (image, boxes)) as PNGs + one COCO
    file, each image's `group` naming its set; models/.cache, never committed. Returns (images, bottles)."""
    os.makedirs(os.path.join(out, 'images'), exist_ok=True)
    images, anns = [], []
    for group, items in eval_groups().items():
        for img, bb in remake(items):
            i = len(images)
            name = f'images/{prefix}-{i:03d}.png'
            img.save(os.path.join(out, name))
            images.append({'id': i, 'file_name': name, 'width': img.width, 'height': img.height, 'group': group})
            anns += [{'id': len(anns), 'image_id': i, 'category_id': 1, 'bbox': [b[0], b[1], b[2] - b[0], b[3] - b[1]], 'iscrowd': 0} for b in bb]
    json.dump({'images': images, 'annotations': anns, 'categories': [{'id': 1, 'name': 'bottle'}]}, open(os.path.join(out, 'annotations.json'), 'w'))
    return len(images), len(anns)


def write_shrunk(out):
    """The eval split (write_groups)."""
    images, bottles = write_groups(out, 'shrunk', shrunk_split)
    print(f'wrote {images} shrunk mosaics with {bottles} bottles to {out}')


def load_groups(out):
    """{group: [(PIL image, boxes x0y0x1y1)]} from write_shrunk's (or lying.py's) folder (the training's checks use the same files)."""
    coco = json.load(open(os.path.join(out, 'annotations.json')))
    by = {}
    for a in coco['annotations']:
        x, y, w, h = a['bbox']
        by.setdefault(a['image_id'], []).append([x, y, x + w, y + h])
    groups = {}
    for im in coco['images']:
        groups.setdefault(im['group'], []).append((Image.open(os.path.join(out, im['file_name'])).convert('RGB'), by.get(im['id'], [])))
    return groups


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--write', metavar='DIR', required=True)
    write_shrunk(ap.parse_args().write)
