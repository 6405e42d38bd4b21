"""A small anchor-free one-stage bottle detector (FCOS-style, one stride-8 level with an FPN-lite)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

STRIDE = 8


def cbr(i, o, s=1):
    return nn.Sequential(nn.Conv2d(i, o, 3, s, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a = cbr(c, c)
        self.b = nn.Sequential(nn.Conv2d(c, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        return F.relu(x + self.b(self.a(x)))


class BottleDetector(nn.Module):
    def __init__(self):
        super().__init__()
        self.s4 = nn.Sequential(cbr(3, 16, 2), cbr(16, 32, 2))
        self.s8 = nn.Sequential(cbr(32, 64, 2), Block(64))
        self.s16 = nn.Sequential(cbr(64, 96, 2), Block(96), Block(96))
        self.s32 = nn.Sequential(cbr(96, 128, 2), Block(128), Block(128))
        self.l32 = nn.Conv2d(128, 64, 1)
        self.l16 = nn.Conv2d(96, 64, 1)
        self.l8 = nn.Conv2d(64, 64, 1)
        self.head = cbr(64, 64)
        self.cls = nn.Conv2d(64, 1, 3, 1, 1)
        self.reg = nn.Conv2d(64, 4, 3, 1, 1)
        nn.init.constant_(self.cls.bias, -4.0)

    def forward(self, x):
        c8 = self.s8(self.s4(x))
        c16 = self.s16(c8)
        c32 = self.s32(c16)
        p16 = self.l16(c16) + F.interpolate(self.l32(c32), size=c16.shape[-2:], mode='nearest')
        p8 = self.l8(c8) + F.interpolate(p16, size=c8.shape[-2:], mode='nearest')
        h = self.head(p8)
        # ltrb distances in input pixels
        return self.cls(h), torch.exp(self.reg(h).clamp(-4, 4.5)) * (STRIDE * 4)


class ExportWrapper(nn.Module):
    """ONNX output in the YOLOv8 layout [1, 4+nc, N]: cx, cy, w, h (input pixels), then class scores."""

    def __init__(self, net, h, w):
        super().__init__()
        self.net = net
        gy, gx = torch.meshgrid(torch.arange(h // STRIDE), torch.arange(w // STRIDE), indexing='ij')
        self.register_buffer('px', ((gx.flatten() + 0.5) * STRIDE).float())
        self.register_buffer('py', ((gy.flatten() + 0.5) * STRIDE).float())

    def forward(self, x):
        cls, reg = self.net(x)
        b = x.shape[0]
        score = torch.sigmoid(cls).reshape(b, 1, -1)
        reg = reg.reshape(b, 4, -1)
        x0 = self.px - reg[:, 0]
        y0 = self.py - reg[:, 1]
        x1 = self.px + reg[:, 2]
        y1 = self.py + reg[:, 3]
        box = torch.stack([(x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0], 1)
        return torch.cat([box, score], 1)
