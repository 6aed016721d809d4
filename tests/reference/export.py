"""Deterministic reference weights, inputs/outputs and ONNX files.

Run from the repository root:
    /usr/bin/python3 tests/reference/export.py

Writes into tests/reference/data/ (and a few copies into
samples/MiniGroupNet/weights/). Every run produces byte-identical files for
the same torch build: fixed seeds, single-threaded CPU math, deterministic
algorithms, and a hand-written safetensors writer that keeps insertion order.

Per module:
  * torch.manual_seed(SEED) then build the seed module, eval() mode;
  * every BatchNorm2d gets non-trivial statistics/affine values drawn from a
    torch.Generator seeded with SEED + 1:
        running_mean = randn * 0.1
        running_var  = rand * 0.9 + 0.3
        weight       = rand * 0.8 + 0.6
        bias         = randn * 0.1
        num_batches_tracked = NUM_BATCHES_TRACKED (int64 scalar)
  * the input is randn from a torch.Generator seeded with SEED + 2;
  * output = module(input) in eval() mode under torch.no_grad().
"""
import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from seed_modules import DepthwiseSeparableConv, GroupedBottleneck, MiniGroupNet  # noqa: E402
import safetensors_io as st  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(HERE, "data")
SAMPLES = os.path.join(REPO, "samples", "MiniGroupNet", "weights")

SEED = 1234
NUM_BATCHES_TRACKED = 1000
ONNX_OPSET = 13


def setup_determinism():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)


def randomize_batchnorm(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, m in model.named_modules():
            if isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.running_mean.copy_(torch.randn(c, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(c, generator=g) * 0.9 + 0.3)
                m.weight.copy_(torch.rand(c, generator=g) * 0.8 + 0.6)
                m.bias.copy_(torch.randn(c, generator=g) * 0.1)
                m.num_batches_tracked.fill_(NUM_BATCHES_TRACKED)


def build(factory, seed=SEED):
    torch.manual_seed(seed)
    model = factory()
    model.eval()
    randomize_batchnorm(model, seed + 1)
    return model


def make_input(shape, seed=SEED):
    g = torch.Generator().manual_seed(seed + 2)
    return torch.randn(*shape, generator=g)


def run(model, x):
    with torch.no_grad():
        # clone: the seed modules use in-place ReLU; keep x untouched
        return model(x.clone()).contiguous()


def state_dict_as(model, dtype):
    """state_dict (same key order) with floating tensors cast to dtype."""
    out = OrderedDict()
    for k, v in model.state_dict().items():
        v = v.detach().clone()
        if v.is_floating_point():
            v = v.to(dtype)
        out[k] = v.contiguous()
    return out


def rounded_copy(factory, model, dtype):
    """Same module with every float parameter/buffer rounded to dtype and
    back to float32 (what a loader converting F16/BF16 -> F32 sees)."""
    m2 = factory()
    m2.eval()
    sd = OrderedDict()
    for k, v in model.state_dict().items():
        sd[k] = v.to(dtype).to(torch.float32) if v.is_floating_point() else v.clone()
    m2.load_state_dict(sd)
    return m2


def write(path, tensors):
    n = st.save_file(tensors, path)
    # self-check: read back and compare bit for bit
    back, meta = st.load_file(path)
    assert meta == {"format": "pt"}, meta
    assert list(back) == list(tensors), path
    for k, v in tensors.items():
        b = back[k]
        assert b.dtype == v.dtype and tuple(b.shape) == tuple(v.shape), (path, k)
        assert torch.equal(b, v), (path, k)
    print("  %-52s %9d bytes, %d tensors" % (os.path.relpath(path, REPO), n, len(tensors)))
    return n


def export_onnx(model, in_shape, path):
    x = make_input((1,) + tuple(in_shape), seed=SEED + 100)
    try:
        with torch.no_grad():
            torch.onnx.export(
                model, x, path,
                export_params=True,
                opset_version=ONNX_OPSET,
                do_constant_folding=True,
                input_names=["input"],
                output_names=["output"],
                dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
            )
    except Exception as e:  # pragma: no cover - depends on torch build
        print("  ONNX export FAILED for %s: %s: %s" % (os.path.basename(path), type(e).__name__, e))
        return False
    print("  %-52s %9d bytes (onnx, opset %d)" % (os.path.relpath(path, REPO), os.path.getsize(path), ONNX_OPSET))
    return True


MODULES = [
    # name, factory, io input shape (with batch), onnx input shape (no batch)
    ("dsconv_32_64", lambda: DepthwiseSeparableConv(32, 64), (2, 32, 24, 24), (32, 64, 64)),
    ("bottleneck_64_128_g8_s2", lambda: GroupedBottleneck(64, 128, groups=8, stride=2), (2, 64, 32, 32), (64, 32, 32)),
    ("minigroupnet_g8", lambda: MiniGroupNet(in_channels=3, num_classes=10, groups=8), (2, 3, 64, 64), (3, 64, 64)),
]


def main():
    setup_determinism()
    os.makedirs(DATA, exist_ok=True)
    os.makedirs(SAMPLES, exist_ok=True)
    print("torch", torch.__version__)
    onnx_ok = True
    for name, factory, io_shape, onnx_shape in MODULES:
        model = build(factory)
        x = make_input(io_shape)
        y = run(model, x)

        sd = state_dict_as(model, torch.float32)
        write(os.path.join(DATA, name + ".safetensors"), sd)
        write(os.path.join(DATA, name + ".io.safetensors"),
              OrderedDict([("input", x), ("output", y)]))

        if name == "minigroupnet_g8":
            for tag, dtype in (("f16", torch.float16), ("bf16", torch.bfloat16)):
                write(os.path.join(DATA, "%s.%s.safetensors" % (name, tag)), state_dict_as(model, dtype))
                yr = run(rounded_copy(factory, model, dtype), x)
                write(os.path.join(DATA, "%s.%s.io.safetensors" % (name, tag)),
                      OrderedDict([("input", x), ("output", yr)]))
            write(os.path.join(SAMPLES, name + ".safetensors"), sd)
            # first image of the io input, so the expected logits are row 0
            # of minigroupnet_g8.io.safetensors "output"
            write(os.path.join(SAMPLES, "sample_input.safetensors"),
                  OrderedDict([("input", x[0:1].contiguous())]))
        if name == "dsconv_32_64":
            write(os.path.join(SAMPLES, name + ".safetensors"), sd)

        onnx_ok &= export_onnx(model, onnx_shape, os.path.join(DATA, name + ".onnx"))
    print("onnx export:", "ok" if onnx_ok else "FAILED (see above)")


if __name__ == "__main__":
    main()
