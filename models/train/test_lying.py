"""A turned photo's boxes follow its pixels: python -m unittest test_lying (models/train, venv).

Drawn rectangles of known colour in a non-square photo, turned one, two and three quarters: every returned box
must cover its rectangle's colour and only that (test_shrunk's check). Boxes left unturned, width and height
swapped the wrong way, or a turn the wrong way round fail it.
"""
import random
import unittest

from finetune_head import turn_all
from lying import turn
from test_shrunk import MosaicBoxes, drawn_photo


class TurnedBoxes(unittest.TestCase):
    check = MosaicBoxes.check

    def test_every_box_follows_its_pixels(self):
        rng = random.Random(3)
        for quarters in (1, 2, 3, 4):
            colour = (200, 40, 90)
            img, boxes = drawn_photo(rng, colour, 700, 420)
            turned, turned_boxes = turn(img, boxes, quarters)
            self.assertEqual(turned.size, img.size if quarters % 2 == 0 else img.size[::-1])
            self.check(turned, turned_boxes, [colour] * len(boxes))

    def test_each_box_list_is_turned_and_kept_apart(self):
        rng = random.Random(5)
        img, bottles = drawn_photo(rng, (30, 30, 220), 600, 500)
        first, second = bottles[:1], bottles[1:]
        turned, (a, b) = turn_all(img, (first, second), 3)
        self.assertEqual((a, b), (turn(img, first, 3)[1], turn(img, second, 3)[1]))


if __name__ == '__main__':
    unittest.main()
