"""Lying bottles: real photos turned a quarter (run 15).

python lying.py --write ../.cache/lying     (the eval split, for eval:vision and finetune_head.py's checks)

A bottle on its side (in an ice bucket, a crate, a wine rack, knocked over on the bar) is seen rotated by 90°.
Every photo this project trains on holds its bottles upright, and the COCO YOLOX-Nano and every fine-tune so far
find almost none of them turned: on the held-out source photos turned a quarter, AP50 0.034 zero-shot and 0.040 for
0.4.0, against 0.448 and 0.612 upright. Turning a whole photo moves its boxes exactly (no cut-out, no paste look),
so the photos themselves teach it.

The eval split is the photos no fine-tune trains on (Beverage3 valid+test, and the held-out fifth of train's
source photos), each turned once: odd photos clockwise, even ones counter-clockwise, each set its own `group`.
"""
import argparse
import json
import os

from PIL import Image


def turn(img, boxes, quarters):
    """img turned counter-clockwise by quarters x 90°, and its boxes [x0, y0, x1, y1] with it (exact, no resampling)."""
    quarters %= 4
    for _ in range(quarters):
        width = img.width
        img = img.transpose(Image.ROTATE_90)
        # a counter-clockwise quarter sends (x, y) to (y, width - x)
        boxes = [[y0, width - x1, y1, width - x0] for x0, y0, x1, y1 in boxes]
    return img, boxes


def lying_split(items):
    """items: [(path, bottle boxes)]; yields (photo turned a quarter, its boxes), alternating the direction."""
    for i, (path, boxes) in enumerate(items):
        yield turn(Image.open(path).convert('RGB'), boxes, 1 if i % 2 == 0 else 3)


def write_lying(out):
    """The eval split as PNGs + one COCO file (each image's `group` names its photo set); models/.cache, never committed."""
    from shrunk import eval_groups

    os.makedirs(os.path.join(out, 'images'), exist_ok=True)
    images, anns = [], []
    for group, items in eval_groups().items():
        for img, boxes in lying_split(items):
            i = len(images)
            name = f'images/lying-{i:03d}.png'
            img.save(os.path.join(out, name))
            images.append({'id': i, 'file_name': name, 'width': img.width, 'height': img.height, 'group': group})
            anns += [{'id': len(anns), 'image_id': i, 'category_id': 1, 'bbox': [b[0], b[1], b[2] - b[0], b[3] - b[1]], 'iscrowd': 0} for b in boxes]
    json.dump({'images': images, 'annotations': anns, 'categories': [{'id': 1, 'name': 'bottle'}]}, open(os.path.join(out, 'annotations.json'), 'w'))
    print(f'wrote {len(images)} turned photos with {len(anns)} bottles to {out}')


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--write', metavar='DIR', required=True)
    write_lying(ap.parse_args().write)
