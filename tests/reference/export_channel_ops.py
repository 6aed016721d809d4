"""Reference data for the channel ops (cat, chunk, channel_shuffle) and forward blocks.

Run from the repository root:
    /usr/bin/python3 tests/reference/export_channel_ops.py

A pair of torchvision 0.14 ShuffleNetV2 units, torchvision.models.shufflenetv2.InvertedResidual (the module itself,
imported, not a copy): nn.Sequential(InvertedResidual(8, 16, 2), InvertedResidual(16, 16, 1)). The stride-2 unit
runs branch1 and branch2 on the whole input and concatenates them; the stride-1 unit chunks its input in two,
runs branch2 on the second half and concatenates; both end with channel_shuffle(out, 2).

Weights: torch.manual_seed(SEED) before building (PyTorch's default initialization), then every BatchNorm2d gets
random statistics and affine values exactly as export.py draws them (seeded SEED + 1). Input: randn [2, 8, 16, 16]
from a generator seeded SEED + 2. Output: the module in eval() mode under torch.no_grad(). Deterministic: fixed
seeds, one thread, deterministic algorithms.

Writes tests/reference/data/ops/chan_shufflenet_pair.safetensors (the state_dict, keys such as
0.branch1.0.weight and 1.branch2.3.weight) and chan_shufflenet_pair.io.safetensors (input, output).
"""
import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn
from torchvision.models.shufflenetv2 import InvertedResidual

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import safetensors_io as st  # noqa: E402
from export import SEED, make_input, randomize_batchnorm, setup_determinism  # noqa: E402

OPS = os.path.join(HERE, "data", "ops")
INPUT_SHAPE = (2, 8, 16, 16)


def build():
    torch.manual_seed(SEED)
    model = nn.Sequential(InvertedResidual(8, 16, 2), InvertedResidual(16, 16, 1))
    model.eval()
    randomize_batchnorm(model, SEED + 1)
    return model


def write(path, tensors):
    size = st.save_file(tensors, path)
    back, _ = st.load_file(path)
    assert list(back.keys()) == list(tensors.keys()), path
    for key, value in tensors.items():
        assert torch.equal(back[key], value), (path, key)
    print("%-60s %8d bytes" % (os.path.relpath(path, os.path.dirname(os.path.dirname(HERE))), size))


def main():
    setup_determinism()
    os.makedirs(OPS, exist_ok=True)
    model = build()
    x = make_input(INPUT_SHAPE)
    with torch.no_grad():
        y = model(x.clone()).contiguous()
    name = "chan_shufflenet_pair"
    write(os.path.join(OPS, name + ".safetensors"), OrderedDict((k, v.contiguous()) for k, v in model.state_dict().items()))
    write(os.path.join(OPS, name + ".io.safetensors"), OrderedDict([("input", x), ("output", y)]))
    print("parameters: %d, output %s, max |output| %.4f" % (sum(p.numel() for p in model.parameters()), list(y.shape), y.abs().max().item()))


if __name__ == "__main__":
    main()
