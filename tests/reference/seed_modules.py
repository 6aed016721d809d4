"""Reference PyTorch modules for GroupNetDsl.

The three classes below are copied verbatim from the seed notebook
/work/shared/seed/group-convolution-notebook.md (cells In [4], In [5], In [6]),
which is the specification. Do not edit them; all reference scripts import
them from here.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


# --- seed notebook, In [4] ---------------------------------------------------
class DepthwiseSeparableConv(nn.Module):
    def __init__(self, cin, cout, k=3, stride=1, padding=1):
        super().__init__()
        self.dw = nn.Conv2d(cin, cin, k, stride=stride, padding=padding, groups=cin, bias=False)
        self.pw = nn.Conv2d(cin, cout, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        x = self.dw(x)
        x = self.pw(x)
        x = self.bn(x)
        x = self.act(x)
        return x


# --- seed notebook, In [5] ---------------------------------------------------
class GroupedBottleneck(nn.Module):
    def __init__(self, cin, cout, bottleneck_ratio=0.5, groups=4, stride=1):
        super().__init__()
        hidden = int(round(cout * bottleneck_ratio))

        self.reduce = nn.Sequential(
            nn.Conv2d(cin, hidden, 1, bias=False),
            nn.BatchNorm2d(hidden),
            nn.ReLU(inplace=True),
        )

        self.group_conv = nn.Sequential(
            nn.Conv2d(hidden, hidden, 3, stride=stride, padding=1, groups=groups, bias=False),
            nn.BatchNorm2d(hidden),
            nn.ReLU(inplace=True),
        )

        self.expand = nn.Sequential(
            nn.Conv2d(hidden, cout, 1, bias=False),
            nn.BatchNorm2d(cout),
        )

        if stride != 1 or cin != cout:
            self.skip = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                nn.BatchNorm2d(cout),
            )
        else:
            self.skip = nn.Identity()

        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        identity = self.skip(x)
        out = self.reduce(x)
        out = self.group_conv(out)
        out = self.expand(out)
        out = out + identity
        return self.act(out)


# --- seed notebook, In [6] ---------------------------------------------------
class MiniGroupNet(nn.Module):
    def __init__(self, in_channels=3, num_classes=10, groups=4):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, 64, 3, padding=1, bias=False),
            nn.BatchNorm2d(64),
            nn.ReLU(inplace=True),
        )

        self.stage1 = GroupedBottleneck(64, 128, groups=groups, stride=2)
        self.stage2 = GroupedBottleneck(128, 256, groups=groups, stride=2)

        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(256, num_classes)

    def forward(self, x):
        x = self.stem(x)
        x = self.stage1(x)
        x = self.stage2(x)
        x = self.pool(x)
        x = torch.flatten(x, 1)
        return self.fc(x)
