"""Slim a YOLOX detector's output to the classes the code reads (issue 30).

python slim_yolox.py [--dir ../onnx] [--keep person bottle]

onnxruntime-node hands back the whole output as a new buffer every frame: [1, 3549, 85] floats is
1.2 MB, and V8 collecting that external memory costs ~3 ms a frame at 32 cameras. The agent only
reads the box, the objectness and the bottle classes (plus `person` for the snapshot privacy blur),
so a Gather on the last axis keeping columns 0..4 and those classes makes it [1, 3549, 5 + k].
The kept columns are the same floats (a Gather copies them), so decode gives the same boxes.

DIR/detector.onnx and DIR/detector.json are rewritten in place: the json's classes become the kept
names in output order; bottleClasses, thresholds and tiles are unchanged. Run it after any export
that writes the full 80-class head (finetune_yolox.py).
"""
import argparse
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def slim(model, indices):
    """Appends Gather(axis -1) of `indices` to the single output; returns the new output width."""
    g = model.graph
    if len(g.output) != 1:
        raise SystemExit(f'expected one output, got {len(g.output)}')
    out = g.output[0]
    dims = [d.dim_value for d in out.type.tensor_type.shape.dim]
    if len(dims) != 3 or dims[2] <= 5:
        raise SystemExit(f'output {out.name} {dims} is not a YOLOX [1, N, 5 + classes] output')
    if max(indices) >= dims[2]:
        raise SystemExit(f'column {max(indices)} is past the output width {dims[2]}')
    full = out.name + '_full'
    for node in g.node:
        node.output[:] = [full if o == out.name else o for o in node.output]
        node.input[:] = [full if i == out.name else i for i in node.input]
    idx_name = out.name + '_kept_columns'
    g.initializer.append(numpy_helper.from_array(np.array(indices, dtype=np.int64), idx_name))
    g.node.append(helper.make_node('Gather', [full, idx_name], [out.name], axis=-1, name='slim_output'))
    g.output.pop()
    g.output.append(helper.make_tensor_value_info(out.name, TensorProto.FLOAT, [dims[0], dims[1], len(indices)]))
    return len(indices)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument('--dir', default=os.path.join(here, '..', 'onnx'))
    ap.add_argument('--keep', nargs='*', default=None, help="classes to keep besides bottleClasses (default: person)")
    a = ap.parse_args()
    meta_path = os.path.join(a.dir, 'detector.json')
    with open(meta_path) as f:
        meta = json.load(f)
    if meta.get('format') != 'yolox':
        raise SystemExit(f'{meta_path}: format {meta.get("format")!r}, this slims YOLOX outputs only')
    onnx_path = os.path.join(a.dir, meta['file'])
    model = onnx.load(onnx_path)
    width = model.graph.output[0].type.tensor_type.shape.dim[-1].dim_value
    classes = meta['classes']
    if width != 5 + len(classes):
        # a fresh export (yolox.py --export) writes the full COCO head beside an already slimmed json
        coco = os.path.join(here, '..', 'onnx', 'yolox-nano-coco', 'detector.json')
        with open(coco) as f:
            classes = json.load(f)['classes']
        if width != 5 + len(classes):
            raise SystemExit(f'{onnx_path}: output is {width} wide, neither 5 + the {len(meta["classes"])} classes of {meta_path} nor 5 + COCO 80')
        print(f'{onnx_path}: {width} wide, {meta_path} lists {len(meta["classes"])} classes: reading the columns as COCO\'s')
    wanted = set(meta['bottleClasses']) | set(['person'] if a.keep is None else a.keep)
    missing = sorted(wanted - set(classes))
    if missing:
        raise SystemExit(f'{meta_path}: no class {missing} (its classes: {classes[:12]}…)')
    kept = [c for c in classes if c in wanted]  # the model's own order
    if kept == classes:
        raise SystemExit(f'{meta_path}: already keeps only {kept}, nothing to slim')
    width = slim(model, list(range(5)) + [5 + classes.index(c) for c in kept])
    onnx.checker.check_model(model)
    onnx.save(model, onnx_path)
    meta['classes'] = kept
    if 'slim_yolox' not in meta['source']:
        meta['source'] += (
            f'; output slimmed by train/slim_yolox.py to box, objectness and {", ".join(kept)}'
            f' ([1, N, {width}], a Gather on the last axis: the same floats, 1/{(5 + len(classes)) / width:.0f} of the bytes per frame, issue 30)'
        )
    with open(meta_path, 'w') as f:
        json.dump(meta, f, indent=2)
        f.write('\n')
    print(f'{onnx_path}: output [.., {5 + len(classes)}] -> [.., {width}], classes {kept}')


if __name__ == '__main__':
    main()
