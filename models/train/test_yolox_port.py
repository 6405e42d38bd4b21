"""The port check as a test: python -m unittest test_yolox_port (from models/train, with the venv's python).

The PyTorch YOLOX-Nano, its weights copied from the COCO export, must give what onnxruntime gives on
10 real photos: the whole output within 1e-3 (raw box logits reach about 10) and the bottle score
(objectness × class) within 1e-4. Skipped where the export or the photos are not on this machine.
"""
import os
import unittest

from common import REAL
from yolox import YOLOX_ONNX


@unittest.skipUnless(os.path.exists(YOLOX_ONNX) and os.path.isdir(os.path.join(REAL, 'images')), 'YOLOX export or photos not here')
class PortCheck(unittest.TestCase):
    def test_port_matches_onnxruntime(self):
        from yolox import port_check

        rows = port_check(YOLOX_ONNX, images=10)
        self.assertEqual(len(rows), 10)
        for name, whole, bottle in rows:
            self.assertLess(whole, 1e-3, name)
            self.assertLess(bottle, 1e-4, name)

    def test_a_wrong_architecture_is_refused(self):
        from yolox import YoloxNano, load_onnx_weights

        # 3 classes where the export has 80
        with self.assertRaisesRegex(ValueError, r'convolution \d+ is \(80, 64, 1, 1\) groups 1, the port has \(3, 64, 1, 1\)'):
            load_onnx_weights(YoloxNano(nc=3), YOLOX_ONNX)


if __name__ == '__main__':
    unittest.main()
