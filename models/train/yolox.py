"""YOLOX-Nano in PyTorch, its weights read from the COCO ONNX export's initializers.

python yolox.py [--onnx PATH] [--images N]  -- the port check: max abs difference against onnxruntime.

YOLOX-Nano (Megvii, Apache-2.0, https://github.com/Megvii-BaseDetection/YOLOX): depthwise CSPDarknet
backbone, PAFPN neck, decoupled head; depth 0.33, width 0.25, SiLU. The export folded every BatchNorm
into the convolution before it, so each BaseConv here is a biased convolution + SiLU: the exported
weights copy one to one (matched by the order the forward pass calls the convolutions, shapes and
groups checked). Output: [B, N, 5 + nc] over the 8/16/32-stride grids (x, y, w, h raw; objectness and
class scores after sigmoid), exactly the export's; decode() turns it into boxes in input pixels.
"""
import argparse
import glob
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

YOLOX_ONNX = os.environ.get('YOLOX_ONNX', '/work/shared/models/yolox-nano-coco/yolox_nano.onnx')
STRIDES = (8, 16, 32)
BOTTLE = 39  # COCO's 'bottle' among the 80 classes, 0-based


class BaseConv(nn.Module):
    def __init__(self, cin, cout, k, stride=1, groups=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=True)

    def forward(self, x):
        return F.silu(self.conv(x))


class DWConv(nn.Module):
    def __init__(self, cin, cout, k, stride=1):
        super().__init__()
        self.dconv = BaseConv(cin, cin, k, stride, groups=cin)
        self.pconv = BaseConv(cin, cout, 1)

    def forward(self, x):
        return self.pconv(self.dconv(x))


class Bottleneck(nn.Module):
    def __init__(self, c, shortcut):
        super().__init__()
        self.conv1 = BaseConv(c, c, 1)
        self.conv2 = DWConv(c, c, 3)
        self.add = shortcut

    def forward(self, x):
        y = self.conv2(self.conv1(x))
        return x + y if self.add else y


class CSPLayer(nn.Module):
    def __init__(self, cin, cout, n, shortcut=True):
        super().__init__()
        h = cout // 2
        self.conv1 = BaseConv(cin, h, 1)
        self.conv2 = BaseConv(cin, h, 1)
        self.conv3 = BaseConv(2 * h, cout, 1)
        self.m = nn.Sequential(*[Bottleneck(h, shortcut) for _ in range(n)])

    def forward(self, x):
        a, b = self.conv1(x), self.conv2(x)  # in this order: the export's convolutions are matched by call order
        return self.conv3(torch.cat([self.m(a), b], 1))


class SPP(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = BaseConv(cin, cin // 2, 1)
        self.pools = nn.ModuleList([nn.MaxPool2d(k, 1, k // 2) for k in (5, 9, 13)])
        self.conv2 = BaseConv(cin // 2 * 4, cout, 1)

    def forward(self, x):
        x = self.conv1(x)
        return self.conv2(torch.cat([x] + [p(x) for p in self.pools], 1))


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = BaseConv(12, 16, 3)  # after Focus (space to depth)
        self.dark2 = nn.Sequential(DWConv(16, 32, 3, 2), CSPLayer(32, 32, 1))
        self.dark3 = nn.Sequential(DWConv(32, 64, 3, 2), CSPLayer(64, 64, 3))
        self.dark4 = nn.Sequential(DWConv(64, 128, 3, 2), CSPLayer(128, 128, 3))
        self.dark5 = nn.Sequential(DWConv(128, 256, 3, 2), SPP(256, 256), CSPLayer(256, 256, 1, shortcut=False))

    def forward(self, x):
        tl, tr = x[..., ::2, ::2], x[..., ::2, 1::2]
        bl, br = x[..., 1::2, ::2], x[..., 1::2, 1::2]
        x = self.stem(torch.cat([tl, bl, tr, br], 1))
        c3 = self.dark3(self.dark2(x))
        c4 = self.dark4(c3)
        return c3, c4, self.dark5(c4)


class Neck(nn.Module):
    def __init__(self):
        super().__init__()
        self.lateral_conv0 = BaseConv(256, 128, 1)
        self.C3_p4 = CSPLayer(256, 128, 1, False)
        self.reduce_conv1 = BaseConv(128, 64, 1)
        self.C3_p3 = CSPLayer(128, 64, 1, False)
        self.bu_conv2 = DWConv(64, 64, 3, 2)
        self.C3_n3 = CSPLayer(128, 128, 1, False)
        self.bu_conv1 = DWConv(128, 128, 3, 2)
        self.C3_n4 = CSPLayer(256, 256, 1, False)

    def forward(self, feats):
        c3, c4, c5 = feats
        up = lambda t: F.interpolate(t, scale_factor=2, mode='nearest')  # noqa: E731
        fpn0 = self.lateral_conv0(c5)
        f0 = self.C3_p4(torch.cat([up(fpn0), c4], 1))
        fpn1 = self.reduce_conv1(f0)
        p3 = self.C3_p3(torch.cat([up(fpn1), c3], 1))
        p4 = self.C3_n3(torch.cat([self.bu_conv2(p3), fpn1], 1))
        p5 = self.C3_n4(torch.cat([self.bu_conv1(p4), fpn0], 1))
        return p3, p4, p5


class HeadLevel(nn.Module):
    def __init__(self, cin, nc, hidden=64):
        super().__init__()
        self.stem = BaseConv(cin, hidden, 1)
        self.cls_convs = nn.Sequential(DWConv(hidden, hidden, 3), DWConv(hidden, hidden, 3))
        self.cls_pred = nn.Conv2d(hidden, nc, 1)
        self.reg_convs = nn.Sequential(DWConv(hidden, hidden, 3), DWConv(hidden, hidden, 3))
        self.reg_pred = nn.Conv2d(hidden, 4, 1)
        self.obj_pred = nn.Conv2d(hidden, 1, 1)

    def forward(self, x):
        """Raw logits [B, 5+nc, H, W]: x, y, w, h, objectness, classes (the export's order)."""
        x = self.stem(x)
        cls = self.cls_pred(self.cls_convs(x))
        reg = self.reg_convs(x)
        return torch.cat([self.reg_pred(reg), self.obj_pred(reg), cls], 1)


class YoloxNano(nn.Module):
    def __init__(self, nc=80):
        super().__init__()
        self.backbone = Backbone()
        self.neck = Neck()
        self.head = nn.ModuleList([HeadLevel(c, nc) for c in (64, 128, 256)])

    def features(self, x):
        return self.neck(self.backbone(x))

    def head_logits(self, feats):
        """Per level [B, HW, 5+nc] raw (no sigmoid), concatenated in stride order."""
        return torch.cat([h(f).flatten(2) for h, f in zip(self.head, feats)], 2).transpose(1, 2)

    def logits(self, x):
        return self.head_logits(self.features(x))

    def forward(self, x):
        """As the export: x, y, w, h raw, then sigmoid(objectness), sigmoid(classes)."""
        o = self.logits(x)
        return torch.cat([o[..., :4], o[..., 4:].sigmoid()], -1)


def onnx_convs(path):
    import onnx
    from onnx import numpy_helper

    m = onnx.load(path)
    init = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    out = []
    for n in m.graph.node:
        if n.op_type == 'Conv':
            groups = next((a.i for a in n.attribute if a.name == 'group'), 1)
            out.append((init[n.input[1]], init[n.input[2]], groups))
    return out


def load_onnx_weights(net, path=YOLOX_ONNX, size=416):
    """Copies the export's convolutions into net, matched by call order; refuses any shape or group mismatch."""
    order = []
    hooks = [m.register_forward_hook(lambda mod, i, o: order.append(mod)) for m in net.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        net.eval()(torch.zeros(1, 3, size, size))
    for h in hooks:
        h.remove()
    convs = onnx_convs(path)
    if len(convs) != len(order):
        raise ValueError(f'{path}: {len(convs)} convolutions in the export, {len(order)} in the port')
    with torch.no_grad():
        for i, (mod, (w, b, g)) in enumerate(zip(order, convs)):
            if tuple(mod.weight.shape) != w.shape or mod.groups != g:
                raise ValueError(f'{path}: convolution {i} is {w.shape} groups {g}, the port has {tuple(mod.weight.shape)} groups {mod.groups}')
            mod.weight.copy_(torch.from_numpy(w.copy()))
            mod.bias.copy_(torch.from_numpy(b.copy()))
    return net


def grids(h, w, device='cpu'):
    """(cell x, cell y, stride) per output row, for an h x w input."""
    xs, ys, ss = [], [], []
    for s in STRIDES:
        gy, gx = torch.meshgrid(torch.arange(h // s, device=device), torch.arange(w // s, device=device), indexing='ij')
        xs.append(gx.flatten())
        ys.append(gy.flatten())
        ss.append(torch.full((gx.numel(),), s, device=device))
    return torch.cat(xs).float(), torch.cat(ys).float(), torch.cat(ss).float()


def decode(out, h, w):
    """[B, N, 5+nc] → boxes [B, N, 4] as x0, y0, x1, y1 in input pixels."""
    gx, gy, s = grids(h, w, out.device)
    cx = (out[..., 0] + gx) * s
    cy = (out[..., 1] + gy) * s
    bw = out[..., 2].exp() * s
    bh = out[..., 3].exp() * s
    return torch.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], -1)


def preprocess(img, size):
    """PIL image → YOLOX input (BGR, 0-255, resized keeping the aspect ratio, top-left, padded 114) and the scale."""
    from PIL import Image

    w, h = img.size
    r = min(size / w, size / h)
    nw, nh = max(1, round(w * r)), max(1, round(h * r))
    canvas = np.full((size, size, 3), 114, np.float32)
    canvas[:nh, :nw] = np.asarray(img.convert('RGB').resize((nw, nh), Image.BILINEAR), np.float32)
    return np.ascontiguousarray(canvas[..., ::-1].transpose(2, 0, 1)), r


def port_check(path=YOLOX_ONNX, images=10, size=416):
    """Max abs difference between the port and onnxruntime per image (whole output, and the decoded bottle scores)."""
    import onnxruntime as ort
    from PIL import Image

    from common import REAL

    torch.set_num_threads(1)
    net = load_onnx_weights(YoloxNano(), path).eval()
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    sess = ort.InferenceSession(path, so, providers=['CPUExecutionProvider'])
    files = sorted(glob.glob(os.path.join(REAL, 'images', '*.jpg')))[:: max(1, len(glob.glob(os.path.join(REAL, 'images', '*.jpg'))) // images)][:images]
    rows = []
    for f in files:
        x, _ = preprocess(Image.open(f), size)
        ref = sess.run(None, {sess.get_inputs()[0].name: x[None]})[0]
        with torch.no_grad():
            got = net(torch.from_numpy(x[None])).numpy()
        score = lambda o: o[..., 4] * o[..., 5 + BOTTLE]  # noqa: E731
        rows.append((os.path.basename(f), float(np.abs(ref - got).max()), float(np.abs(score(ref) - score(got)).max())))
    return rows


def export_onnx(net, path, size):
    """The export's own contract at another input size: images [1, 3, size, size] BGR 0-255 → output [1, N, 85]."""
    net.eval()
    torch.onnx.export(net, torch.zeros(1, 3, size, size), path, input_names=['images'], output_names=['output'], opset_version=11, dynamo=False)


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--onnx', default=YOLOX_ONNX)
    ap.add_argument('--images', type=int, default=10)
    ap.add_argument('--export', type=int, help='write the port as ONNX at this input size (a multiple of 32) to --out')
    ap.add_argument('--weights', help='a fine-tune checkpoint (finetune_yolox.py) to export instead of the COCO weights')
    ap.add_argument('--out')
    a = ap.parse_args()
    if a.export:
        net = load_onnx_weights(YoloxNano(), a.onnx)
        if a.weights:
            net.load_state_dict(torch.load(a.weights)['model'])
        export_onnx(net, a.out, a.export)
        print(f'wrote {a.out} ({a.export}x{a.export})')
        raise SystemExit(0)
    rows = port_check(a.onnx, a.images)
    print('| image | max abs diff, whole output | max abs diff, bottle score |\n|---|---|---|')
    for name, d, s in rows:
        print(f'| {name[:24]} | {d:.2e} | {s:.2e} |')
    print(f'| all {len(rows)} | {max(r[1] for r in rows):.2e} | {max(r[2] for r in rows):.2e} |')
