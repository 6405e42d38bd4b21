"""Export the trained detector and fill model to ONNX (opset 17) with their metadata JSON; check with onnxruntime.

python export.py [--out ../onnx] [--version X.Y.Z]

The detector trained on generated shelves goes to OUT/drawn-shelves (the default detector is the YOLOX-Nano
bottle fine-tune since issue 22, cards/yolox-nano.md); the fill model, every detector's, to OUT.

Without --version the models take the next minor version after the one already in --out (0.1.0 when
there is none), and the detector keeps the score threshold that bench/pick-threshold.ts chose last
(train.sh re-picks it after every export).
"""
import argparse
import datetime
import json
import os

import numpy as np
import torch

from common import DET_H, DET_W, FILL_H, FILL_W, OUT
from detector import BottleDetector, ExportWrapper
from fillnet import FillExport, FillNet


def onnx_diff(path, model, x):
    """Largest absolute difference between onnxruntime running path and model on x, and the output shape."""
    import onnxruntime as ort

    sess = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    got = sess.run(None, {sess.get_inputs()[0].name: x.numpy()})[0]
    with torch.no_grad():
        want = model(x).numpy()
    return float(np.abs(got - want).max()), got.shape


def check(path, model, x):
    err, shape = onnx_diff(path, model, x)
    print(f'{os.path.basename(path)}: onnxruntime vs torch max abs diff {err:.2e}, output {shape}')
    assert err < 1e-3, err


def previous(out):
    """(next minor version, score threshold, NMS IoU) from the detector metadata already in out."""
    try:
        old = json.load(open(os.path.join(out, 'detector.json')))
    except FileNotFoundError:
        return '0.1.0', 0.3, 0.5
    major, minor = (int(p) for p in old['version'].split('.')[:2])
    return f'{major}.{minor + 1}.0', old.get('scoreThreshold', 0.3), old.get('iouThreshold', 0.5)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'onnx'))
    ap.add_argument('--version')
    args = ap.parse_args()
    drawn = os.path.join(args.out, 'drawn-shelves')
    os.makedirs(drawn, exist_ok=True)
    version, threshold, iou = previous(drawn)
    version = args.version or version
    torch.manual_seed(0)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d')

    det_ck = torch.load(os.path.join(OUT, 'detector.pt'))
    det = BottleDetector()
    det.load_state_dict(det_ck['model'])
    det.eval()
    wrap = ExportWrapper(det, DET_H, DET_W).eval()
    x = torch.rand(1, 3, DET_H, DET_W)
    path = os.path.join(drawn, 'detector.onnx')
    torch.onnx.export(wrap, x, path, input_names=['images'], output_names=['output0'], opset_version=17, dynamo=False)
    check(path, wrap, x)
    json.dump(
        {
            'task': 'detect',
            'name': 'smartstock-bottle-detector',
            'version': version,
            'file': 'detector.onnx',
            'format': 'yolo',
            'input': {'width': DET_W, 'height': DET_H, 'pad': 114},
            'classes': ['bottle'],
            'bottleClasses': ['bottle'],
            'scoreThreshold': threshold,
            'iouThreshold': iou,
            'training': {'steps': det_ck['step'], 'images': det_ck['images'], 'seconds': round(det_ck['seconds']), 'exported': stamp},
        },
        open(os.path.join(drawn, 'detector.json'), 'w'),
        indent=2,
    )

    fill_ck = torch.load(os.path.join(OUT, 'fill.pt'))
    fnet = FillNet()
    fnet.load_state_dict(fill_ck['model'])
    fnet.eval()
    fwrap = FillExport(fnet).eval()
    x = torch.rand(4, 3, FILL_H, FILL_W)
    path = os.path.join(args.out, 'fill.onnx')
    torch.onnx.export(fwrap, x, path, input_names=['crops'], output_names=['fill'], opset_version=17, dynamic_axes={'crops': {0: 'n'}, 'fill': {0: 'n'}}, dynamo=False)
    check(path, fwrap, x)
    json.dump(
        {
            'task': 'fill',
            'name': 'smartstock-fill',
            'version': version,
            'file': 'fill.onnx',
            'input': {'width': FILL_W, 'height': FILL_H},
            'outputs': ['fill', 'sigma', 'observable'],
            'observableThreshold': 0.5,
            'training': {'steps': fill_ck['step'], 'seconds': round(fill_ck['seconds']), 'exported': stamp},
        },
        open(os.path.join(args.out, 'fill.json'), 'w'),
        indent=2,
    )
    for f in (os.path.join(drawn, 'detector.onnx'), os.path.join(args.out, 'fill.onnx')):
        print(f, os.path.getsize(f) // 1024, 'KiB')


if __name__ == '__main__':
    main()
