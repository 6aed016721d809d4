"""Reference data for the tensor ops: per-channel multiply, mean, layernorm2d, layer_scale.

Run from the repository root:
    /usr/bin/python3 tests/reference/export_tensor_ops.py

Writes tests/reference/data/ops/tensor_<name>.safetensors (the module's
state_dict) and tensor_<name>.io.safetensors (`input` and `output`, F32,
batch 2) for three tiny modules, each declared in .gnet in
tests/GroupNetDsl.PyTorchParity.Tests/TensorOps.gnet:

  * tensor_se: a conv, torchvision's own SqueezeExcitation (avgpool -> fc1 ->
    relu -> fc2 -> sigmoid, then `scale * input`), a second one as
    MobileNetV3 has it (hardsigmoid) that takes `input.mean((2, 3),
    keepdim=True)` and multiplies `input * scale`, and a linear head on
    `x.mean((2, 3))`;
  * tensor_layernorm2d: a conv and torchvision.models.convnext.LayerNorm2d
    with random affine values;
  * tensor_layer_scale: ConvNeXt's CNBlock without its permutes (LayerNorm2d
    in place of Permute/LayerNorm/Permute, 1x1 convs in place of the linears,
    with its GELU), with `layer_scale * block(x) + x` and a random
    layer_scale, at `features.1.0.layer_scale` as in torchvision's ConvNeXt;
  * tensor_cnblock: ConvNeXt's stem (Conv2dNormActivation with LayerNorm2d,
    eps 1e-6) and two of torchvision's own CNBlock, unchanged: Permute,
    LayerNorm, Linear and GELU on channels-last tensors.

Deterministic: torch.manual_seed(1234) before each module, parameters that
PyTorch initializes to constants (LayerNorm's weight and bias, layer_scale)
drawn from torch.Generator().manual_seed(1235), inputs randn from
torch.Generator().manual_seed(1236), single-threaded.
"""
import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn
from functools import partial

from torchvision.models.convnext import CNBlock, LayerNorm2d
from torchvision.ops.misc import Conv2dNormActivation, SqueezeExcitation

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import safetensors_io as st  # noqa: E402

DATA = os.path.join(HERE, "data", "ops")
SEED = 1234


class SqueezeExcitationMean(nn.Module):
    """The squeeze as a mean, hardsigmoid as MobileNetV3's scale activation, the scale on the right."""

    def __init__(self, input_channels, squeeze_channels):
        super().__init__()
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)

    def forward(self, input):
        scale = nn.functional.hardsigmoid(self.fc2(torch.relu(self.fc1(input.mean((2, 3), keepdim=True)))))
        return input * scale


class SENet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.se = SqueezeExcitation(16, 4)  # torchvision.ops: ReLU, then Sigmoid for the scale
        self.se2 = SqueezeExcitationMean(16, 8)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = self.se2(self.se(self.stem(x)))
        return self.fc(x.mean((2, 3)))


class ScaledBlock(nn.Module):
    """ConvNeXt's CNBlock in NCHW: LayerNorm2d for Permute/LayerNorm/Permute, 1x1 convs for the linears."""

    def __init__(self, dim, layer_scale):
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True),
            LayerNorm2d(dim, eps=1e-6),
            nn.Conv2d(dim, 4 * dim, 1),
            nn.GELU(),
            nn.Conv2d(4 * dim, dim, 1),
        )
        self.layer_scale = nn.Parameter(torch.ones(dim, 1, 1) * layer_scale)

    def forward(self, input):
        result = self.layer_scale * self.block(input)
        result += input
        return result


def layer_scale_net():
    return nn.Sequential(OrderedDict([
        ("features", nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1),
            nn.Sequential(ScaledBlock(8, 1e-1), ScaledBlock(8, 1e-1)),
        )),
    ]))


def cnblock_net():
    blocks = []
    for _ in range(2):
        blocks.append(CNBlock(8, 1e-6, 0.1))
    stem = Conv2dNormActivation(3, 8, kernel_size=4, stride=4, padding=0, norm_layer=partial(LayerNorm2d, eps=1e-6), activation_layer=None, bias=True)
    return nn.Sequential(OrderedDict([("features", nn.Sequential(stem, nn.Sequential(*blocks)))]))


def layernorm_net():
    return nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), LayerNorm2d(16))


def randomize_constants(model, seed):
    """LayerNorm's weight and bias and layer_scale start as constants; random values make the test able to fail."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, module in model.named_modules():
            if isinstance(module, nn.LayerNorm):
                c = module.weight.shape[0]
                module.weight.copy_(torch.rand(c, generator=g) * 0.8 + 0.6)
                module.bias.copy_(torch.randn(c, generator=g) * 0.3)
            if isinstance(module, (ScaledBlock, CNBlock)):
                module.layer_scale.copy_(torch.randn(module.layer_scale.shape, generator=g) * 0.5)


MODULES = [
    ("tensor_se", SENet, (2, 3, 12, 10)),
    ("tensor_layernorm2d", layernorm_net, (2, 3, 12, 10)),
    ("tensor_layer_scale", layer_scale_net, (2, 3, 12, 10)),
    ("tensor_cnblock", cnblock_net, (2, 3, 36, 28)),
]


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(DATA, exist_ok=True)
    for name, factory, shape in MODULES:
        torch.manual_seed(SEED)
        model = factory()
        randomize_constants(model, SEED + 1)
        model.eval()
        x = torch.randn(shape, generator=torch.Generator().manual_seed(SEED + 2))
        with torch.no_grad():
            y = model(x)
        state = OrderedDict((k, v.detach().contiguous()) for k, v in model.state_dict().items())
        for suffix, tensors in (("", state), (".io", OrderedDict([("input", x), ("output", y.contiguous())]))):
            path = os.path.join(DATA, name + suffix + ".safetensors")
            size = st.save_file(tensors, path)
            back, _ = st.load_file(path)
            assert list(back) == list(tensors) and all(torch.equal(back[k], tensors[k]) for k in tensors), path
            print("%-50s %7d bytes" % (os.path.relpath(path, os.path.dirname(os.path.dirname(HERE))), size))
        params = sum(p.numel() for p in model.parameters())
        print("    params %d, keys %s, output %s, max |output| %.4g" % (params, list(state), list(y.shape), y.abs().max().item()))


if __name__ == "__main__":
    main()
