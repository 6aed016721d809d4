"""ONNX files of the model zoo's networks for the `gnet import` tests, written at test time (MBs each: not committed).

Usage (the test runs it; by hand from the repository root):
    /usr/bin/python3 tests/reference/export_onnx_zoo.py OUT_DIR [name ...]

Writes OUT_DIR/<name>_opset<o>.onnx for each network below and each opset of OPSETS, as PyTorch 1.13 exports them:
do_constant_folding (batchnorms folded into the convs), input `input` [N, 3, 64, 64] with a dynamic batch axis, output
`output`. torchvision 0.14's builders with num_classes 10 (the classifier is the only layer that depends on it),
torch.manual_seed(1234) then the builder's own initialization, and random batchnorm statistics as export.py draws
them, so that the folding is not the identity. Every network of the zoo (src/GroupNetDsl.Language/StandardLibrary/Zoo)
at its smallest width accepts 3x64x64. Beyond the zoo, EfficientNet-B0 and MobileNetV3-Small from torchvision and
GeluMix below exercise the activations PyTorch exports as several nodes.
"""
import os
import sys

import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from export import randomize_batchnorm, setup_determinism, SEED  # noqa: E402

OPSETS = (11, 17)
NETWORKS = ["mobilenet_v2", "resnext50_32x4d", "shufflenet_v2_x0_5", "mnasnet0_5", "regnet_x_400mf", "regnet_y_400mf",
            # Beyond the zoo: SiLU (Sigmoid and Mul), Hardswish (HardSigmoid and Mul at opset 11), GELU (its Erf form).
            "efficientnet_b0", "mobilenet_v3_small", "gelu_mix", "convnext_tiny"]


class GeluMix(torch.nn.Module):
    """nn.GELU() and nn.SiLU() between convs, and F.gelu on a flat vector before the classifier."""

    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(torch.nn.Conv2d(3, 16, 3, stride=2, padding=1), torch.nn.GELU(),
                                            torch.nn.Conv2d(16, 16, 3, padding=1, groups=16), torch.nn.SiLU())
        self.fc = torch.nn.Linear(16, 10)

    def forward(self, x):
        return self.fc(torch.nn.functional.gelu(self.features(x).mean((2, 3))))
INPUT = (1, 3, 64, 64)


def main():
    out = sys.argv[1]
    names = sys.argv[2:] or NETWORKS
    setup_determinism()
    os.makedirs(out, exist_ok=True)
    for name in names:
        torch.manual_seed(SEED)
        model = (GeluMix() if name == "gelu_mix" else getattr(torchvision.models, name)(num_classes=10)).eval()
        randomize_batchnorm(model, SEED + 1)
        x = torch.randn(INPUT, generator=torch.Generator().manual_seed(SEED + 2))
        for opset in OPSETS:
            path = os.path.join(out, "%s_opset%d.onnx" % (name, opset))
            with torch.no_grad():
                torch.onnx.export(model, x, path, export_params=True, opset_version=opset, do_constant_folding=True,
                                  input_names=["input"], output_names=["output"],
                                  dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
            print("%s: %d bytes" % (path, os.path.getsize(path)))


if __name__ == "__main__":
    main()
