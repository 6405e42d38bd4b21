"""Fill-level model on bottle crops: fill fraction, its uncertainty, and whether the level is observable."""
import torch
import torch.nn as nn

from detector import Block, cbr


class FillNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(cbr(3, 24, 2), Block(24), cbr(24, 48, 2), Block(48), cbr(48, 64, 2), Block(64), cbr(64, 96, 2))
        # keep the vertical axis (where the liquid line is), pool the horizontal one
        self.pool = nn.AdaptiveAvgPool2d((6, 1))
        self.fc = nn.Sequential(nn.Flatten(), nn.Linear(96 * 6, 128), nn.ReLU(inplace=True), nn.Linear(128, 3))

    def forward(self, x):
        return self.fc(self.pool(self.body(x)))


class FillExport(nn.Module):
    """Output [B, 3]: fill (0-1), sigma (0-1), observable probability."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        o = self.net(x)
        return torch.stack([torch.sigmoid(o[:, 0]), torch.sigmoid(o[:, 1]) * 0.5, torch.sigmoid(o[:, 2])], 1)
