"""Reference data for the model zoo (src/GroupNetDsl.Language/StandardLibrary/Zoo): torchvision 0.14's networks.

Run from the repository root:
    /usr/bin/python3 tests/reference/export_zoo.py          # CI data -> tests/reference/data/zoo/ (a few hundred KB)
    /usr/bin/python3 tests/reference/export_zoo.py --full   # 3x224x224 weights, outputs, ONNX -> artifacts/zoo/ (git-ignored, ~1.6 GB)
    /usr/bin/python3 tests/reference/export_zoo.py --full mnasnet1_0 regnet_x_400mf   # only these FULL_NETWORKS

CI data. Full-size weights do not fit in a repository (ResNeXt-50 has 25M parameters at any input size, and
torchvision's builders fix its width), so the weights of the CI networks are *counted*, not stored: element i of the
t-th tensor of the state_dict (0-based, num_batches_tracked skipped) is

    u     = (lowbias32(i * 0x9E3779B1 + (t + 1) * 0x85EBCA77 mod 2^32) >> 8) - 2^23, times 2^-23   (exact in float32)
    value = offset + u * scale                                                                    (float32 arithmetic)

where lowbias32(x) = x ^= x >> 16; x *= 0x7FEB352D; x ^= x >> 15; x *= 0x846CA68B; x ^= x >> 16 (all mod 2^32), and
(offset, scale) depend on the tensor: conv and linear weights 0 and float32(sqrt(3 / fan_in)) (variance 1 / fan_in,
so activations stay near 1 through 50 layers and ReLU6 rarely clips), linear bias 0 and float32(1 / sqrt(fan_in)), batchnorm
weight 1 and 0.25, bias 0 and 0.125, running_mean 0 and 0.125, running_var 1 and 0.25, layernorm weight 1 and 0.25,
bias 0 and 0.125, ConvNeXt's layer_scale 0 and 1. The test
(tests/GroupNetDsl.PyTorchParity.Tests/Zoo) computes the same numbers from the manifest written here, writes them as
a safetensors file and loads it: key names and shapes come from torchvision's state_dict, and our loader rejects any
missing or extra key. Written per network, to tests/reference/data/zoo/:

  * <name>.json: builder, arguments, input shape, torchvision's parameter count (sum(p.numel())) and MACs per image
    (Conv2d: output elements x in/groups x k x k; Linear: output elements x in), and the state_dict as [key, shape, offset, scale]
    (num_batches_tracked as [key, [], null, null]);
  * <name>.io.safetensors: `input` (randn, torch.Generator seeded 1236) and torchvision's `output` in eval() mode, F32.

counts.json: parameters and MACs at 3x224x224 of more builder arguments (no weights), for the count tests.

--full: torch.manual_seed(1234), the builder's own initialization, then random batchnorm statistics as export.py draws
them (running_mean randn*0.1, running_var rand*0.9+0.3, weight rand*0.8+0.6, bias randn*0.1), and ConvNeXt's layernorm
affine values and layer_scale as export_tensor_ops.py draws them; writes
artifacts/zoo/<name>.224.safetensors (F32 state_dict), <name>.224.io.safetensors (input [2,3,224,224], output) and <name>.224.onnx
(opset 13, input `input`, output `output`, dynamic batch axis) for the benchmarks and the full-size parity run
(`dotnet run -c Release --project benchmarks/GroupNetDsl.Benchmarks -- --zoo-parity`).
"""
import json
import math
import os
import sys
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import safetensors_io as st  # noqa: E402
from export import randomize_batchnorm, setup_determinism, write, export_onnx, SEED  # noqa: E402
from export_tensor_ops import randomize_constants  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(HERE, "data", "zoo")
FULL = os.path.join(REPO, "artifacts", "zoo")

# name, builder, arguments, input shape with batch: the networks checked in CI (Zoo.gnet in the parity tests declares
# each with the same name).
CI_NETWORKS = [
    ("mobilenet_v2", "mobilenet_v2", {"num_classes": 1000}, (2, 3, 64, 64)),
    # 0.7 takes _make_divisible's second step (16 * 0.7 = 11.2 rounds to 8, under 90%, so 16).
    ("mobilenet_v2_w0_7", "mobilenet_v2", {"num_classes": 10, "width_mult": 0.7}, (2, 3, 64, 64)),
    ("resnext50_32x4d", "resnext50_32x4d", {"num_classes": 1000}, (2, 3, 64, 64)),
    # 3x40x40: small files, and odd sizes on the way down (20, 10, 5, 3, 2) for the padding of every stride.
    ("shufflenet_v2_x0_5", "shufflenet_v2_x0_5", {"num_classes": 1000}, (2, 3, 40, 40)),
    ("shufflenet_v2_x1_0_c10", "shufflenet_v2_x1_0", {"num_classes": 10}, (2, 3, 40, 40)),
    ("mnasnet0_75_c10", "mnasnet0_75", {"num_classes": 10}, (2, 3, 40, 40)),
    ("mnasnet1_0", "mnasnet1_0", {"num_classes": 1000}, (2, 3, 40, 40)),
    ("regnet_x_400mf_c10", "regnet_x_400mf", {"num_classes": 10}, (2, 3, 40, 40)),
    ("regnet_x_1_6gf", "regnet_x_1_6gf", {"num_classes": 1000}, (2, 3, 40, 40)),
    ("regnet_y_400mf_c10", "regnet_y_400mf", {"num_classes": 10}, (2, 3, 40, 40)),
    ("regnet_y_1_6gf", "regnet_y_1_6gf", {"num_classes": 1000}, (2, 3, 40, 40)),
    ("mobilenet_v3_large", "mobilenet_v3_large", {"num_classes": 1000}, (2, 3, 64, 64)),
    ("mobilenet_v3_small_c10", "mobilenet_v3_small", {"num_classes": 10}, (2, 3, 40, 40)),
    # Every builder option at once: width 0.75 rounds channels both ways, the reduced tail halves the last stage, and
    # dilation 2 replaces its stride.
    ("mobilenet_v3_large_w0_75_dilated", "mobilenet_v3_large",
     {"num_classes": 10, "width_mult": 0.75, "reduced_tail": True, "dilated": True}, (2, 3, 40, 40)),
    ("efficientnet_b0", "efficientnet_b0", {"num_classes": 1000}, (2, 3, 40, 40)),
    ("efficientnet_b1_c10", "efficientnet_b1", {"num_classes": 10}, (2, 3, 40, 40)),
    ("efficientnet_b2_c10", "efficientnet_b2", {"num_classes": 10}, (2, 3, 40, 40)),
    ("efficientnet_b3_c10", "efficientnet_b3", {"num_classes": 10}, (2, 3, 40, 40)),
    # 3x64x64: the last stage is 2x2, so its 7x7 depthwise convs still mix pixels.
    ("convnext_tiny", "convnext_tiny", {"num_classes": 1000}, (2, 3, 64, 64)),
]

# Counted at 3x224x224 only: (name, builder, arguments).
COUNTED = [
    ("mobilenet_v2", "mobilenet_v2", {}),
    ("mobilenet_v2_w0_35", "mobilenet_v2", {"width_mult": 0.35}),
    ("mobilenet_v2_w0_5", "mobilenet_v2", {"width_mult": 0.5}),
    ("mobilenet_v2_w0_7_c10", "mobilenet_v2", {"width_mult": 0.7, "num_classes": 10}),
    ("mobilenet_v2_w0_75", "mobilenet_v2", {"width_mult": 0.75}),
    ("mobilenet_v2_w1_3", "mobilenet_v2", {"width_mult": 1.3}),
    ("mobilenet_v2_w1_4", "mobilenet_v2", {"width_mult": 1.4}),
    ("mobilenet_v2_r4", "mobilenet_v2", {"width_mult": 0.35, "round_nearest": 4}),
    ("resnext50_32x4d", "resnext50_32x4d", {}),
    ("resnext50_32x4d_c10", "resnext50_32x4d", {"num_classes": 10}),
    ("resnext101_32x8d", "resnext101_32x8d", {}),
    ("shufflenet_v2_x0_5", "shufflenet_v2_x0_5", {}),
    ("shufflenet_v2_x1_0", "shufflenet_v2_x1_0", {}),
    ("shufflenet_v2_x1_5", "shufflenet_v2_x1_5", {}),
    ("shufflenet_v2_x2_0", "shufflenet_v2_x2_0", {}),
    ("shufflenet_v2_x1_0_c10", "shufflenet_v2_x1_0", {"num_classes": 10}),
    ("mnasnet0_5", "mnasnet0_5", {}),
    ("mnasnet0_75", "mnasnet0_75", {}),
    ("mnasnet1_0", "mnasnet1_0", {}),
    ("mnasnet1_3", "mnasnet1_3", {}),
    ("mnasnet1_3_c10", "mnasnet1_3", {"num_classes": 10, "dropout": 0.5}),
    ("regnet_x_400mf", "regnet_x_400mf", {}),
    ("regnet_x_800mf", "regnet_x_800mf", {}),
    ("regnet_x_1_6gf", "regnet_x_1_6gf", {}),
    ("regnet_x_800mf_c10", "regnet_x_800mf", {"num_classes": 10}),
    ("regnet_y_400mf", "regnet_y_400mf", {}),
    ("regnet_y_800mf", "regnet_y_800mf", {}),
    ("regnet_y_1_6gf", "regnet_y_1_6gf", {}),
    ("regnet_y_800mf_c10", "regnet_y_800mf", {"num_classes": 10}),
    ("mobilenet_v3_large", "mobilenet_v3_large", {}),
    ("mobilenet_v3_small", "mobilenet_v3_small", {}),
    ("mobilenet_v3_large_w0_75_rt_c10", "mobilenet_v3_large", {"width_mult": 0.75, "reduced_tail": True, "num_classes": 10}),
    ("mobilenet_v3_small_w1_25_dilated", "mobilenet_v3_small", {"width_mult": 1.25, "dilated": True}),
    ("efficientnet_b0", "efficientnet_b0", {}),
    ("efficientnet_b1", "efficientnet_b1", {}),
    ("efficientnet_b2", "efficientnet_b2", {}),
    ("efficientnet_b3", "efficientnet_b3", {}),
    ("efficientnet_b0_c10", "efficientnet_b0", {"num_classes": 10}),
    ("convnext_tiny", "convnext_tiny", {}),
    ("convnext_small", "convnext_small", {}),
    ("convnext_tiny_c10", "convnext_tiny", {"num_classes": 10}),
]

# The full-size networks: (name, builder, arguments, ONNX wanted).
FULL_NETWORKS = [
    ("mobilenet_v2", "mobilenet_v2", {}, True),
    ("resnext50_32x4d", "resnext50_32x4d", {}, True),
    ("resnext101_32x8d", "resnext101_32x8d", {}, False),
    ("shufflenet_v2_x0_5", "shufflenet_v2_x0_5", {}, False),
    ("shufflenet_v2_x1_0", "shufflenet_v2_x1_0", {}, True),
    ("shufflenet_v2_x1_5", "shufflenet_v2_x1_5", {}, False),
    ("shufflenet_v2_x2_0", "shufflenet_v2_x2_0", {}, False),
    ("mnasnet0_5", "mnasnet0_5", {}, False),
    ("mnasnet0_75", "mnasnet0_75", {}, False),
    ("mnasnet1_0", "mnasnet1_0", {}, False),
    ("mnasnet1_3", "mnasnet1_3", {}, False),
    ("regnet_x_400mf", "regnet_x_400mf", {}, False),
    ("regnet_x_800mf", "regnet_x_800mf", {}, False),
    ("regnet_x_1_6gf", "regnet_x_1_6gf", {}, False),
    ("regnet_y_400mf", "regnet_y_400mf", {}, True),
    ("regnet_y_800mf", "regnet_y_800mf", {}, False),
    ("regnet_y_1_6gf", "regnet_y_1_6gf", {}, False),
    ("mobilenet_v3_large", "mobilenet_v3_large", {}, True),
    ("mobilenet_v3_small", "mobilenet_v3_small", {}, False),
    ("efficientnet_b0", "efficientnet_b0", {}, True),
    ("efficientnet_b1", "efficientnet_b1", {}, False),
    ("efficientnet_b2", "efficientnet_b2", {}, False),
    ("efficientnet_b3", "efficientnet_b3", {}, False),
    ("convnext_tiny", "convnext_tiny", {}, False),
]

INPUT_SEED = SEED + 2
MASK = 0xFFFFFFFF


def build(builder, arguments):
    return getattr(torchvision.models, builder)(**arguments).eval()


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())


def macs_per_image(model, shape):
    """Conv2d and Linear multiply-accumulates for one image of shape (C, H, W), from forward hooks (a Linear on a
    channels-last image, as in ConvNeXt, counts once per pixel)."""
    total = [0]

    def hook(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            k = module.kernel_size[0] * module.kernel_size[1]
            total[0] += output[0].numel() * (module.in_channels // module.groups) * k
        elif isinstance(module, nn.Linear):
            total[0] += output[0].numel() * module.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(torch.zeros((1,) + tuple(shape)))
    for h in handles:
        h.remove()
    return total[0]


def lowbias32(x):
    x = x ^ (x >> np.uint32(16))
    x = x * np.uint32(0x7FEB352D)
    x = x ^ (x >> np.uint32(15))
    x = x * np.uint32(0x846CA68B)
    return x ^ (x >> np.uint32(16))


def counted_uniform(t, n):
    """The u of the module docstring for elements 0..n-1 of tensor t: float32 in [-1, 1)."""
    i = np.arange(n, dtype=np.uint32)
    with np.errstate(over="ignore"):
        x = lowbias32(i * np.uint32(0x9E3779B1) + np.uint32(((t + 1) * 0x85EBCA77) & MASK))
    return ((x >> np.uint32(8)).astype(np.int32) - (1 << 23)).astype(np.float32) * np.float32(2.0 ** -23)


def counted_rule(model):
    """(offset, scale) per state_dict key, as the module docstring says, both exact float32 values."""
    rules = {}
    for prefix, module in model.named_modules():
        dot = prefix + "." if prefix else ""
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            fan_in = module.weight[0].numel()
            rules[dot + "weight"] = (0.0, math.sqrt(3.0 / fan_in))
            if module.bias is not None:
                rules[dot + "bias"] = (0.0, 1.0 / math.sqrt(fan_in))
        elif isinstance(module, nn.BatchNorm2d):
            rules[dot + "weight"] = (1.0, 0.25)
            rules[dot + "bias"] = (0.0, 0.125)
            rules[dot + "running_mean"] = (0.0, 0.125)
            rules[dot + "running_var"] = (1.0, 0.25)
        elif isinstance(module, nn.LayerNorm):
            rules[dot + "weight"] = (1.0, 0.25)
            rules[dot + "bias"] = (0.0, 0.125)
        if hasattr(module, "layer_scale"):
            rules[dot + "layer_scale"] = (0.0, 1.0)
    return {k: (float(np.float32(o)), float(np.float32(s))) for k, (o, s) in rules.items()}


def set_counted_weights(model):
    """Replaces every float tensor of the state_dict by its counted values; returns the manifest's tensor list."""
    rules = counted_rule(model)
    state = model.state_dict()
    entries, values, t = [], OrderedDict(), 0
    for key, tensor in state.items():
        if key.endswith(".num_batches_tracked"):
            entries.append([key, [], None, None])
            values[key] = tensor
            continue
        offset, scale = rules[key]
        u = counted_uniform(t, tensor.numel())
        v = (u * np.float32(scale) + np.float32(offset)).astype(np.float32)
        values[key] = torch.from_numpy(v).reshape(tensor.shape)
        entries.append([key, list(tensor.shape), offset, scale])
        t += 1
    # The module versions (MNASNet's _load_from_state_dict requires its own).
    values._metadata = state._metadata
    model.load_state_dict(values)
    return entries


def make_input(shape):
    g = torch.Generator().manual_seed(INPUT_SEED)
    return torch.randn(*shape, generator=g)


def run(model, x):
    with torch.no_grad():
        return model(x.clone()).contiguous()


def export_ci():
    os.makedirs(DATA, exist_ok=True)
    for name, builder, arguments, shape in CI_NETWORKS:
        torch.manual_seed(SEED)
        model = build(builder, arguments)
        tensors = set_counted_weights(model)
        x = make_input(shape)
        y = run(model, x)
        manifest = OrderedDict([
            ("builder", builder),
            ("arguments", arguments),
            ("input", list(shape)),
            ("parameters", parameter_count(model)),
            ("macs_per_image", macs_per_image(model, shape[1:])),
            ("max_abs_output", float(y.abs().max())),
            ("tensors", tensors),
        ])
        path = os.path.join(DATA, name + ".json")
        with open(path, "w") as f:
            # One tensor per line: readable diffs, and the file stays small.
            f.write("{\n")
            head = ["  %s: %s" % (json.dumps(k), json.dumps(v)) for k, v in manifest.items() if k != "tensors"]
            f.write(",\n".join(head) + ',\n  "tensors": [\n')
            f.write(",\n".join("    " + json.dumps(e) for e in tensors) + "\n  ]\n}\n")
        print("  %-52s %9d bytes, %d tensors" % (os.path.relpath(path, REPO), os.path.getsize(path), len(tensors)))
        write(os.path.join(DATA, name + ".io.safetensors"), OrderedDict([("input", x), ("output", y)]))
        print("    %s(%s): params %d, max |output| %.4g" % (builder, arguments, manifest["parameters"], manifest["max_abs_output"]))

    counts = OrderedDict()
    for name, builder, arguments in COUNTED:
        model = build(builder, arguments)
        counts[name] = OrderedDict([
            ("builder", builder),
            ("arguments", arguments),
            ("parameters", parameter_count(model)),
            ("macs_per_image_224", macs_per_image(model, (3, 224, 224))),
        ])
    path = os.path.join(DATA, "counts.json")
    with open(path, "w") as f:
        json.dump(counts, f, indent=2)
        f.write("\n")
    print("  %-52s %9d bytes" % (os.path.relpath(path, REPO), os.path.getsize(path)))


def export_full(names):
    os.makedirs(FULL, exist_ok=True)
    for name, builder, arguments, onnx in FULL_NETWORKS:
        if names and name not in names:
            continue
        torch.manual_seed(SEED)
        model = build(builder, arguments)
        randomize_batchnorm(model, SEED + 1)
        # ConvNeXt's layer_scale starts at 1e-6, which would leave its blocks out of the check.
        randomize_constants(model, SEED + 1)
        x = make_input((2, 3, 224, 224))
        y = run(model, x)
        # ".224": the CI data of the same network (data/zoo/<name>.*) is found first by name.
        write(os.path.join(FULL, name + ".224.safetensors"), OrderedDict((k, v.contiguous()) for k, v in model.state_dict().items()))
        write(os.path.join(FULL, name + ".224.io.safetensors"), OrderedDict([("input", x), ("output", y)]))
        if onnx:
            export_onnx(model, (3, 224, 224), os.path.join(FULL, name + ".224.onnx"))


def main():
    setup_determinism()
    print("torch", torch.__version__, "torchvision", torchvision.__version__)
    if "--full" in sys.argv[1:]:
        export_full([a for a in sys.argv[1:] if a != "--full"])
    else:
        export_ci()


if __name__ == "__main__":
    main()
