"""PyTorch reference data for the activations and the inference-time identities.

Run from the repository root:
    /usr/bin/python3 tests/reference/export_activations.py

For each of nn.Sigmoid, nn.Hardsigmoid, nn.Hardswish, nn.SiLU and nn.GELU() a
tiny module (ActBlock below) puts the activation after a conv and batchnorm,
after a depthwise conv and batchnorm (read by a 1x1 conv), and on its own
after a residual add,
with nn.Dropout or torchvision.ops.StochasticDepth in between (the identity
in eval mode). Weights, batchnorm statistics and input are drawn as export.py
draws them (same seeds and functions); the input is randn * 2 so that the
activations' bends (-3 and 3 for the hard ones) are well covered.

Writes into tests/reference/data/ops/:
    act_<name>.safetensors      the module's state_dict
    act_<name>.io.safetensors   "input" [2, 4, 8, 8] and "output" [2, 8, 8, 8]
Deterministic: re-running gives byte-identical files for the same torch build.
The networks are declared in tests/GroupNetDsl.PyTorchParity.Tests/Activations.gnet.
"""
import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn
from torchvision.ops import StochasticDepth

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from export import SEED, build, make_input, run, setup_determinism, write  # noqa: E402

OPS = os.path.join(HERE, "data", "ops")

ACTIVATIONS = OrderedDict([
    ("sigmoid", nn.Sigmoid),
    ("hardsigmoid", nn.Hardsigmoid),
    ("hardswish", nn.Hardswish),
    ("silu", nn.SiLU),
    ("gelu", nn.GELU),
])


class ActBlock(nn.Module):
    """conv -> bn -> act, depthwise conv -> bn -> act, 1x1 conv -> bn, + a 1x1 skip, act, then an identity at inference."""

    def __init__(self, act, drop):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(4, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), act())
        self.dw = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False), nn.BatchNorm2d(8), act())
        self.pw = nn.Sequential(nn.Conv2d(8, 8, 1, bias=False), nn.BatchNorm2d(8))
        self.skip = nn.Conv2d(4, 8, 1)
        self.act = act()
        self.drop = drop

    def forward(self, x):
        return self.drop(self.act(self.pw(self.dw(self.body(x))) + self.skip(x)))


def main():
    setup_determinism()
    os.makedirs(OPS, exist_ok=True)
    for i, (name, act) in enumerate(ACTIVATIONS.items()):
        # ConvNeXt puts stochastic depth after GELU; the others use dropout, as MobileNetV3 and EfficientNet do.
        drop = StochasticDepth(0.1, "row") if name == "gelu" else nn.Dropout(0.2)
        model = build(lambda: ActBlock(act, drop), seed=SEED + 10 * i)
        x = make_input((2, 4, 8, 8), seed=SEED + 10 * i) * 2
        y = run(model, x)
        write(os.path.join(OPS, "act_%s.safetensors" % name), OrderedDict(model.state_dict()))
        write(os.path.join(OPS, "act_%s.io.safetensors" % name), OrderedDict([("input", x), ("output", y)]))


if __name__ == "__main__":
    main()
