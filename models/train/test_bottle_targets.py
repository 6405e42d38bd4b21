"""finetune_head's bottle-score targets on a constructed image: python -m unittest test_bottle_targets (models/train, venv).

One small bottle (12 x 20 px) and one large one (60 x 120 px) at the 416 input; every cell's predicted box is put
far from both (so no cell is left out by the IoU rule) and two cells are positives with known IoUs. Checked:
- the default keeps YOLOX's IoU-aware target on positives, `pos_target='one'` gives them 1;
- `ignore_small=32` gives weight 0 to the cells whose centre lies inside the small bottle (and only those: the
  large bottle's cells stay negatives), while positives inside it keep weight 1; without it those cells weigh 1.
`losses` must pass both options on. Ignoring either option, or testing the large bottle's height instead of the small one's, fails it.
"""
import unittest

import torch

from finetune_head import bottle_targets, losses
from finetune_yolox import SIZE
from yolox import grids

SMALL = [100.0, 200.0, 112.0, 220.0]
LARGE = [250.0, 100.0, 310.0, 220.0]


def centres_inside(cells, box):
    gx, gy, stride = cells
    cx, cy = (gx + 0.5) * stride, (gy + 0.5) * stride
    return ((cx > box[0]) & (cx < box[2]) & (cy > box[1]) & (cy < box[3])).nonzero().flatten()


class BottleTargets(unittest.TestCase):
    def setUp(self):
        self.cells = grids(SIZE, SIZE)
        n = len(self.cells[0])
        # every predicted box a 4 px square in the top-left corner: IoU 0 with both bottles
        self.boxes = torch.tensor([[0.0, 0.0, 4.0, 4.0]]).repeat(n, 1)
        self.small_cells = centres_inside(self.cells, SMALL)
        self.large_cells = centres_inside(self.cells, LARGE)
        self.assertGreaterEqual(len(self.small_cells), 3, 'the constructed small bottle must hold several cell centres')
        self.assertGreater(len(self.large_cells), 10)
        # one positive inside the small bottle, one inside the large one
        self.pos = torch.stack([self.small_cells[0], self.large_cells[0]])
        self.pos_iou = torch.tensor([0.3, 0.7])
        self.truth = ([SMALL, LARGE], [])

    def targets(self, **options):
        return bottle_targets(self.boxes, self.boxes, self.truth, self.cells, self.pos, self.pos_iou, **options)

    def test_default_target_is_the_iou(self):
        target, weight = self.targets()
        self.assertTrue(torch.allclose(target[self.pos], self.pos_iou))
        self.assertTrue((weight == 1).all(), 'without ignore_small no cell is left out here')
        self.assertEqual(float(target.sum()), float(self.pos_iou.sum()), 'every other cell is a negative')

    def test_pos_target_one(self):
        target, weight = self.targets(pos_target='one')
        self.assertTrue((target[self.pos] == 1).all())
        self.assertEqual(float(target.sum()), 2.0)
        self.assertTrue((weight[self.pos] == 1).all())

    def test_ignore_small_leaves_out_cells_in_small_bottles_only(self):
        target, weight = self.targets(ignore_small=32)
        others = self.small_cells[self.small_cells != self.pos[0]]
        self.assertTrue((weight[others] == 0).all(), 'cells whose centre lies in the small bottle are not negatives')
        self.assertEqual(float(weight[self.pos[0]]), 1.0, 'a positive stays in the loss')
        self.assertTrue((weight[self.large_cells] == 1).all(), 'the 120 px bottle is not small')
        self.assertEqual(int((weight == 0).sum()), len(others), 'no cell outside the small bottle is left out')
        # the targets themselves do not change
        self.assertTrue(torch.equal(target, self.targets()[0]))

    def test_ignored_boxes_count_as_labelled_bottles(self):
        self.truth = ([LARGE], [SMALL])
        _, weight = bottle_targets(self.boxes, self.boxes, self.truth, self.cells, self.pos[1:], self.pos_iou[1:], ignore_small=32)
        self.assertTrue((weight[self.small_cells] == 0).all())

    def test_losses_pass_both_options_on(self):
        torch.manual_seed(0)
        student, teacher = torch.randn(len(self.boxes), 85), torch.randn(len(self.boxes), 85)

        def total(**options):
            return float(losses(student, teacher, ([SMALL, LARGE], []), self.cells, False, **options)[0])

        self.assertNotEqual(total(pos_target='one'), total(), 'pos_target must reach the bottle-score loss')
        self.assertNotEqual(total(ignore_small=32), total(), 'ignore_small must reach the bottle-score loss')
        self.assertEqual(total(ignore_small=16), total(), 'a 20 px bottle is not under 16 px')


if __name__ == '__main__':
    unittest.main()
