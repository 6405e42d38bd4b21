"""Rebuild training checkpoints from the committed ONNX models, so a fresh clone can train further.

python warm_start.py [--onnx ../onnx] [--force]

Training state (models/train/out/*.pt) is git-ignored and lost with the machine; the committed ONNX
files are the only record of earlier training. torch.onnx folds each BatchNorm into the convolution
before it, so the weights cannot be copied back one to one. Instead each fused convolution keeps the
folded weights and its BatchNorm is re-derived from the statistics of that convolution's output on a
calibration batch of training samples: running mean/var = the batch mean/var, weight = the standard
deviation and bias = the mean plus the folded bias. In eval mode that reproduces the ONNX model
exactly (checked below against onnxruntime); in train mode, on batches like the calibration one, too.
The optimiser starts fresh; step, images and seconds carry on from the metadata JSON.
"""
import argparse
import json
import os
import random

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper

from common import DET_H, DET_W, FILL_H, FILL_W, MODELS, OUT, load_real, load_synthetic, save_checkpoint
from detector import BottleDetector, ExportWrapper
from export import onnx_diff
from fillnet import FillExport, FillNet

def onnx_convs(path):
    """(weight, bias) of every Conv node, in graph (= execution) order."""
    m = onnx.load(path)
    init = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    convs = []
    for n in m.graph.node:
        if n.op_type == 'Conv':
            w = init[n.input[1]]
            b = init[n.input[2]] if len(n.input) > 2 else np.zeros(w.shape[0], np.float32)
            convs.append((w, b))
    linears = [(init[n.input[1]], init[n.input[2]]) for n in m.graph.node if n.op_type == 'Gemm']
    return convs, linears


def conv_order(net, x):
    """The Conv2d modules in the order the forward pass calls them, each with the BatchNorm after it (or None)."""
    following = {}
    for mod in net.modules():
        if isinstance(mod, nn.Sequential):
            kids = list(mod)
            for a, b in zip(kids, kids[1:]):
                if isinstance(a, nn.Conv2d) and isinstance(b, nn.BatchNorm2d):
                    following[a] = b
    order = []
    hooks = [m.register_forward_hook(lambda mod, i, o: order.append(mod)) for m in net.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        net.eval()(x)
    for h in hooks:
        h.remove()
    return [(c, following.get(c)) for c in order]


def load_folded(net, path, x_shape):
    convs, linears = onnx_convs(path)
    order = conv_order(net, torch.zeros(x_shape))
    if len(order) != len(convs):
        raise SystemExit(f'{path}: {len(convs)} Conv nodes, the PyTorch model calls {len(order)} convolutions')
    for (conv, bn), (w, b) in zip(order, convs):
        if tuple(conv.weight.shape) != w.shape:
            raise SystemExit(f'{path}: a Conv node has weights {w.shape}, the model expects {tuple(conv.weight.shape)}')
        conv.weight.data = torch.from_numpy(w.copy())
        if bn is None:
            conv.bias.data = torch.from_numpy(b.copy())
        else:
            # identity BatchNorm carrying the folded bias, until calibrate() gives it real statistics
            bn.running_mean.zero_()
            bn.running_var.fill_(1 - bn.eps)
            bn.weight.data.fill_(1)
            bn.bias.data = torch.from_numpy(b.copy())
    lins = [m for m in net.modules() if isinstance(m, nn.Linear)]
    for lin, (w, b) in zip(lins, linears):
        lin.weight.data = torch.from_numpy(w.copy())
        lin.bias.data = torch.from_numpy(b.copy())
    return order


def calibrate(net, order, x):
    """Give each folded BatchNorm the mean/var its convolution's output has on x, without changing the function."""
    stats = {}

    def hook(mod, i, o):
        stats[mod] = (o.mean((0, 2, 3)), o.var((0, 2, 3), unbiased=False))

    hooks = [c.register_forward_hook(hook) for c, bn in order if bn is not None]
    with torch.no_grad():
        net.eval()(x)
    for h in hooks:
        h.remove()
    for conv, bn in order:
        if bn is None:
            continue
        mean, var = stats[conv]
        var = var.clamp(min=1e-6)
        folded_bias = bn.bias.data.clone()
        bn.running_mean.copy_(mean)
        bn.running_var.copy_(var - bn.eps)
        bn.running_var.clamp_(min=1e-8)
        bn.weight.data = torch.sqrt(bn.running_var + bn.eps)
        bn.bias.data = mean + folded_bias


def detector_batch(rng, n=48):
    from train_detector import sample

    items = load_real({'train'}) + load_synthetic('chunk-*')
    if not items:
        return torch.rand(n, 3, DET_H, DET_W)
    return torch.from_numpy(np.stack([sample(rng.choice(items), rng)[0] for _ in range(n)]))


def fill_batch(rng, n=192):
    from train_fill import image_crops

    synth = load_synthetic('chunk-*')
    crops = []
    while synth and len(crops) < n:
        crops += image_crops(rng.choice(synth), rng)
    if not crops:
        return torch.rand(n, 3, FILL_H, FILL_W)
    return torch.from_numpy(np.stack([c[0] for c in crops[:n]]))


def rebuild(name, net, wrap, x_shape, batch, path, ckpt, training):
    order = load_folded(net, path, x_shape)
    probe = torch.rand(x_shape)
    before, _ = onnx_diff(path, wrap.eval(), probe)
    calibrate(net, order, batch)
    after, _ = onnx_diff(path, wrap.eval(), probe)
    print(f'{name}: {len(order)} convolutions from {os.path.basename(path)}; torch vs onnxruntime max abs diff {before:.1e} folded, {after:.1e} calibrated')
    if after > 1e-3:
        raise SystemExit(f'{name}: the rebuilt model does not reproduce {path}')
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
    extra = {'images': training['images']} if 'images' in training else {}
    save_checkpoint(ckpt, net, opt, training.get('steps', 0), training.get('seconds', 0), **extra)
    print(f'{name}: wrote {ckpt} (step {training.get("steps", 0)})')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--onnx', default=os.path.join(MODELS, 'onnx'))
    ap.add_argument('--force', action='store_true', help='overwrite existing checkpoints')
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    rng = random.Random(5)
    torch.manual_seed(5)
    for name in ('detector', 'fill'):
        ckpt = os.path.join(OUT, f'{name}.pt')
        if os.path.exists(ckpt) and not args.force:
            print(f'{name}: {ckpt} exists, kept (--force to rebuild)')
            continue
        # the detector trained here is the generated-shelves one (export.py writes it to drawn-shelves/)
        folder = os.path.join(args.onnx, 'drawn-shelves') if name == 'detector' else args.onnx
        meta = json.load(open(os.path.join(folder, f'{name}.json')))
        path = os.path.join(folder, meta['file'])
        if name == 'detector':
            net = BottleDetector()
            rebuild(name, net, ExportWrapper(net, DET_H, DET_W), (1, 3, DET_H, DET_W), detector_batch(rng), path, ckpt, meta.get('training', {}))
        else:
            net = FillNet()
            rebuild(name, net, FillExport(net), (4, 3, FILL_H, FILL_W), fill_batch(rng), path, ckpt, meta.get('training', {}))


if __name__ == '__main__':
    main()
