"""Lying bottles: real photos turned a quarter (run 15).

python lying.py --write ../.cache/lying     (the eval split, for eval:vision and finetune_head.py's checks)
python lying.py --write ../.cache/tilted --degrees 45     (bottles tilted half way, as in an ice bucket: eval:vision)

A bottle on its side (in an ice bucket, a crate, a wine rack, knocked over on the bar) is seen rotated by 90°.
Every photo this project trains on holds its bottles upright, and the COCO YOLOX-Nano and every fine-tune so far
find almost none of them turned: on the held-out source photos turned a quarter, AP50 0.034 zero-shot and 0.040 for
0.4.0, against 0.448 and 0.612 upright. Turning a whole photo moves its boxes exactly (no cut-out, no paste look),
so the photos themselves teach it.

The eval split is the photos no fine-tune trains on (Beverage3 valid+test, and the held-out fifth of train's
source photos), each turned once: odd photos clockwise, even ones counter-clockwise, each set its own `group`.
"""
import argparse
import math

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


def tilt(img, boxes, degrees, pad=(114, 114, 114)):
    """img turned counter-clockwise by any angle (the canvas grows to hold it), and each box as the box around
    its turned corners: a little larger than the turned bottle's own box (its shoulders and neck do not fill
    the box's corners), as YOLOX's own rotation augmentation takes it."""
    turned = img.rotate(degrees, resample=Image.BILINEAR, expand=True, fillcolor=pad)
    a = math.radians(degrees)
    cx, cy, ncx, ncy = img.width / 2, img.height / 2, turned.width / 2, turned.height / 2

    def moved(x, y):  # counter-clockwise on screen, y pointing down
        dx, dy = x - cx, y - cy
        return ncx + dx * math.cos(a) + dy * math.sin(a), ncy - dx * math.sin(a) + dy * math.cos(a)

    out = []
    for x0, y0, x1, y1 in boxes:
        corners = [moved(x, y) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        out.append([min(xs), min(ys), max(xs), max(ys)])
    return turned, out


def lying_split(items, degrees=90):
    """items: [(path, bottle boxes)]; yields (photo turned by degrees, its boxes), alternating the direction."""
    for i, (path, boxes) in enumerate(items):
        img = Image.open(path).convert('RGB')
        angle = degrees if i % 2 == 0 else -degrees
        yield turn(img, boxes, angle // 90) if degrees % 90 == 0 else tilt(img, boxes, angle)


def write_lying(out, degrees=90):
    """The eval split (shrunk.write_groups: the same photo sets, the same COCO layout)."""
    from shrunk import write_groups

    images, bottles = write_groups(out, 'lying', lambda items: lying_split(items, degrees))
    print(f'wrote {images} photos turned {degrees}° with {bottles} bottles to {out}')


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--write', metavar='DIR', required=True)
    ap.add_argument('--degrees', type=int, default=90, help='how far each photo is turned, each way in turn (45: tilted, as in an ice bucket)')
    args = ap.parse_args()
    write_lying(args.write, args.degrees)
