"""The shrunk-mosaic builder puts every box where its pixels went: python -m unittest test_shrunk (models/train, venv).

Each drawn photo holds solid rectangles of its own colour (boxes known exactly) on a background that differs from
the mosaic's pad. After the mosaic, every returned box must cover its rectangle's colour and only that: the
pixels well inside are the colour, the pixels just outside are not. An offset, a swapped axis, one scale for both
axes, or a box left in the photo's pixels fails it.
"""
import random
import unittest

import numpy as np
from PIL import Image, ImageDraw

from shrunk import mosaic, shrunk_split

BACKGROUND = (20, 200, 20)


def drawn_photo(rng, colour, width, height):
    img = Image.new('RGB', (width, height), BACKGROUND)
    draw = ImageDraw.Draw(img)
    boxes = []
    for _ in range(2):
        w, h = rng.randint(width // 6, width // 3), rng.randint(height // 4, height // 2)
        x, y = rng.randint(0, width - w - 1), rng.randint(0, height - h - 1)
        if any(x < b[2] and b[0] < x + w and y < b[3] and b[1] < y + h for b in boxes):
            continue
        draw.rectangle([x, y, x + w - 1, y + h - 1], fill=colour)
        boxes.append([x, y, x + w, y + h])
    return img, boxes


def colour_share(px, colour, x0, y0, x1, y1):
    region = px[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)].astype(int)
    if region.size == 0:
        return float('nan')
    return float((np.abs(region - np.array(colour)).sum(-1) < 60).mean())


class MosaicBoxes(unittest.TestCase):
    def check(self, canvas, boxes, colours):
        px = np.asarray(canvas)
        self.assertEqual(len(boxes), len(colours))
        for b, colour in zip(boxes, colours):
            x0, y0, x1, y1 = b
            self.assertGreater(x1 - x0, 8, 'box too small for the test to see')
            # well inside the box: the rectangle's colour
            inner = colour_share(px, colour, round(x0) + 2, round(y0) + 2, round(x1) - 2, round(y1) - 2)
            self.assertGreater(inner, 0.95, f'box {b} does not cover its rectangle (colour share {inner:.2f})')
            # a 3 px band just outside each side: not its colour (the box is not too small either)
            for band in (
                (round(x0) - 4, round(y0) + 2, round(x0) - 1, round(y1) - 2),
                (round(x1) + 1, round(y0) + 2, round(x1) + 4, round(y1) - 2),
                (round(x0) + 2, round(y0) - 4, round(x1) - 2, round(y0) - 1),
                (round(x0) + 2, round(y1) + 1, round(x1) - 2, round(y1) + 4),
            ):
                outside = colour_share(px, colour, *band)
                if not np.isnan(outside):
                    self.assertLess(outside, 0.05, f'box {b} is smaller than its rectangle (colour share {outside:.2f} outside)')

    def test_every_box_follows_its_pixels(self):
        rng = random.Random(7)
        for grid, size in ((2, 416), (3, 640), (4, 640)):
            photos, colours = [], []
            for k in range(grid * grid - 1):  # one cell left empty, as the last mosaic of a split
                colour = (40 + 13 * k, 60 + 7 * k, 250 - 11 * k)
                # not square, and each photo its own shape, so a swapped or shared axis scale shows
                img, bb = drawn_photo(rng, colour, rng.randint(500, 900), rng.randint(400, 800))
                photos.append((img, bb))
                colours += [colour] * len(bb)
            canvas, boxes = mosaic(random.Random(grid), photos, grid, size)
            self.assertEqual(canvas.size, (size, size))
            self.check(canvas, boxes, colours)

    def test_too_many_photos_refused(self):
        img = Image.new('RGB', (10, 10))
        with self.assertRaises(ValueError):
            mosaic(random.Random(0), [(img, [])] * 5, 2, 100)

    def test_split_shows_every_photo_in_every_grid(self):
        import os
        import tempfile

        rng = random.Random(3)
        with tempfile.TemporaryDirectory() as tmp:
            items = []
            for k in range(11):
                img, bb = drawn_photo(rng, (200, 30 + 10 * k, 30), 600, 600)
                path = os.path.join(tmp, f'{k}.png')
                img.save(path)
                items.append((path, bb))
            out = list(shrunk_split(items, grids=(2, 3), repeats=2, size=320))
            # 11 photos: 3 mosaics of 2x2 and 2 of 3x3, each twice
            self.assertEqual(len(out), 2 * 3 + 2 * 2)
            self.assertEqual(sum(len(bb) for _, bb in out), 4 * sum(len(bb) for _, bb in items))


if __name__ == '__main__':
    unittest.main()
