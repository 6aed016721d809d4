"""Reference data for `gnet import`: one tiny module with the ONNX ops the
importer maps beyond the seed networks', exported at opsets 11 and 17.

Run from the repository root:
    /usr/bin/python3 tests/reference/export_onnx_import.py

The module (OpsMix below) has a conv with ReLU6 (Clip with constant inputs),
a padded MaxPool, a Concat, a BatchNorm2d after the Concat (so the exporter
cannot fold it: a BatchNormalization node), squeeze-and-excitation's
per-channel Mul by a GlobalAveragePool, a functional relu (a node with no
module path) and an AvgPool2d with padding (counted, PyTorch's default).
Writes tests/reference/data/onnx/ops_mix_opset11.onnx, ops_mix_opset17.onnx
(input [N, 4, 8, 8], batch axis dynamic, traced at batch 1) and
ops_mix.io.safetensors (`input` and `output`, F32, batch 2).

Deterministic: torch.manual_seed(1234) for the module, batchnorm statistics
and affine values from torch.Generator().manual_seed(1235), the input randn
from torch.Generator().manual_seed(1236), single-threaded.
"""
import os
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import safetensors_io as st  # noqa: E402

OUT = os.path.join(HERE, "data", "onnx")


class OpsMix(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Sequential(nn.Conv2d(4, 8, 3, padding=1), nn.ReLU6())
        self.b = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1), nn.Conv2d(4, 8, 1, bias=False))
        self.bn = nn.BatchNorm2d(16)
        self.se = nn.AdaptiveAvgPool2d(1)
        self.pool = nn.AvgPool2d(3, stride=2, padding=1)

    def forward(self, x):
        y = self.bn(torch.cat([self.a(x), self.b(x)], 1))
        y = y * self.se(y)
        return self.pool(torch.relu(y))


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(1234)
    model = OpsMix().eval()
    g = torch.Generator().manual_seed(1235)
    with torch.no_grad():
        model.bn.running_mean.copy_(torch.randn(16, generator=g) * 0.1)
        model.bn.running_var.copy_(torch.rand(16, generator=g) * 0.9 + 0.3)
        model.bn.weight.copy_(torch.rand(16, generator=g) * 0.8 + 0.6)
        model.bn.bias.copy_(torch.randn(16, generator=g) * 0.1)
        # Scaled by 4 so that ReLU6 clips some values: a relu in its place would give another output.
        x = torch.randn(2, 4, 8, 8, generator=torch.Generator().manual_seed(1236)) * 4
        y = model(x)
        st.save_file({"input": x.contiguous(), "output": y.contiguous()}, os.path.join(OUT, "ops_mix.io.safetensors"))
        for opset in (11, 17):
            path = os.path.join(OUT, "ops_mix_opset%d.onnx" % opset)
            torch.onnx.export(model, x[:1], path, export_params=True, opset_version=opset, do_constant_folding=True,
                              input_names=["input"], output_names=["output"],
                              dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
            print("%s: %d bytes" % (os.path.relpath(path), os.path.getsize(path)))
    print("output max |y| = %.4g" % y.abs().max().item())


if __name__ == "__main__":
    main()
