"""Single-layer reference modules for the benchmark layer suite.

Run from the repository root:
    /usr/bin/python3 tests/reference/export_layers.py           # -> tests/reference/data/layers/
    /usr/bin/python3 tests/reference/export_layers.py --large   # -> artifacts/layers/ (git-ignored, about 20 MB)

Writes into tests/reference/data/layers/, for each layer of the suite in
benchmarks/GroupNetDsl.Benchmarks (issue 5, item 4):
  * <name>.safetensors: the nn.Conv2d's state_dict, F32. The layers have no
    bias, so the file holds one tensor, `weight`, at the root: a network
    that is a single conv (`network X(input: ...) = conv(...)`) reads its
    weight from the root of the state_dict, as PyTorch saves a lone module;
  * <name>.onnx: the same module, exported like the seed modules in
    export.py (opset 13, input `input`, output `output`, dynamic batch axis).

The pools of POOLS have no weights: their .safetensors file is empty.

--large writes only the layers of LARGE_LAYERS, in the same format, into
artifacts/layers/ (git-ignored): ResNeXt-50's and MobileNetV2's last 1x1
convs, whose weights (8 MB and 1.6 MB, each in both files) are too large to
commit. The benchmarks look for them there and skip them when absent.

Each layer: torch.manual_seed(SEED) then nn.Conv2d(...), eval() mode, the
default (kaiming-uniform) initialization. Deterministic like export.py: the
same torch build gives byte-identical files.
"""
import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from export import REPO, SEED, export_onnx, setup_determinism, write  # noqa: E402

LAYERS_DATA = os.path.join(HERE, "data", "layers")
LARGE_LAYERS_DATA = os.path.join(REPO, "artifacts", "layers")

# name, (in_channels, out_channels, kernel_size, stride, padding, groups), input shape (C, H, W).
# The names are the network names declared in benchmarks/GroupNetDsl.Benchmarks/Networks/LayerSuite.gnet.
LAYERS = [
    # depthwise 3x3
    ("DW3_32_112", (32, 32, 3, 1, 1, 32), (32, 112, 112)),
    ("DW3_144_56_S2", (144, 144, 3, 2, 1, 144), (144, 56, 56)),
    ("DW3_384_14", (384, 384, 3, 1, 1, 384), (384, 14, 14)),
    # depthwise on planes narrower than a 512-bit vector (MobileNetV2's 576 at 14x14 and 960 at 7x7, MobileNetV3's 5x5)
    ("DW3_576_14", (576, 576, 3, 1, 1, 576), (576, 14, 14)),
    ("DW3_576_14_S2", (576, 576, 3, 2, 1, 576), (576, 14, 14)),
    ("DW3_960_7", (960, 960, 3, 1, 1, 960), (960, 7, 7)),
    ("DW5_960_7", (960, 960, 5, 1, 2, 960), (960, 7, 7)),
    # grouped 3x3
    ("GC3_128_G32_28", (128, 128, 3, 1, 1, 32), (128, 28, 28)),
    ("GC3_256_G8_14", (256, 256, 3, 1, 1, 8), (256, 14, 14)),
    # pointwise 1x1
    ("PW_64_256_28", (64, 256, 1, 1, 0, 1), (64, 28, 28)),
]

# Layers as LAYERS, written by --large into artifacts/layers/: pointwise 1x1 at 7x7 (ResNeXt-50's last stage, MobileNetV2's last conv).
LARGE_LAYERS = [
    ("PW_1024_2048_7", (1024, 2048, 1, 1, 0, 1), (1024, 7, 7)),
    ("PW_320_1280_7", (320, 1280, 1, 1, 0, 1), (320, 7, 7)),
]


# name, (kernel_size, stride, padding), input shape (C, H, W): nn.MaxPool2d, no weights (an empty state_dict).
POOLS = [
    ("MP3_64_112_S2", (3, 2, 1), (64, 112, 112)),
]


def build_layer(cin, cout, k, stride, padding, groups):
    torch.manual_seed(SEED)
    layer = nn.Conv2d(cin, cout, k, stride=stride, padding=padding, groups=groups, bias=False)
    layer.eval()
    return layer


def export_layers(layers, folder):
    """Writes each layer's .safetensors and .onnx into folder; returns whether every ONNX export worked."""
    os.makedirs(folder, exist_ok=True)
    onnx_ok = True
    for name, (cin, cout, k, stride, padding, groups), shape in layers:
        layer = build_layer(cin, cout, k, stride, padding, groups)
        state = OrderedDict((key, value.detach().clone().contiguous()) for key, value in layer.state_dict().items())
        assert list(state) == ["weight"], list(state)
        write(os.path.join(folder, name + ".safetensors"), state)
        onnx_ok &= export_onnx(layer, shape, os.path.join(folder, name + ".onnx"))
    return onnx_ok


def main():
    setup_determinism()
    print("torch", torch.__version__)
    if "--large" in sys.argv[1:]:
        onnx_ok = export_layers(LARGE_LAYERS, LARGE_LAYERS_DATA)
        print("onnx export:", "ok" if onnx_ok else "FAILED (see above)")
        return
    onnx_ok = export_layers(LAYERS, LAYERS_DATA)
    for name, (k, stride, padding), shape in POOLS:
        pool = nn.MaxPool2d(k, stride=stride, padding=padding).eval()
        write(os.path.join(LAYERS_DATA, name + ".safetensors"), OrderedDict())
        onnx_ok &= export_onnx(pool, shape, os.path.join(LAYERS_DATA, name + ".onnx"))
    print("onnx export:", "ok" if onnx_ok else "FAILED (see above)")


if __name__ == "__main__":
    main()
