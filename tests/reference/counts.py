"""Parameter / MAC / shape reference counts, computed by PyTorch.

Run from the repository root:
    /usr/bin/python3 tests/reference/counts.py

Prints a summary and writes tests/reference/data/counts.json (deterministic:
re-running gives byte-identical output for the same torch version).

Conventions
-----------
* params  = sum(p.numel() for p in module.parameters()); for a per-layer row
  only that module's own parameters (recurse=False). BatchNorm running
  statistics and num_batches_tracked are buffers, NOT parameters; they are
  reported separately as "buffer_elements".
* MACs are per image, counted by forward hooks on every leaf module:
    Conv2d = output elements (per image) * (in_channels / groups) * kh * kw
    Linear = in_features * out_features  (times leading dims other than batch)
    anything else (BatchNorm2d, ReLU, AdaptiveAvgPool2d, Identity, the
    residual add, flatten) = 0.
* Shapes are given without the batch dimension; the counting forward pass
  runs with batch 1 in eval() mode under torch.no_grad().
* The per-layer list contains the leaf modules in registration order
  (named_modules() order, which is not always execution order: in
  GroupedBottleneck `skip` is registered after `expand` but runs first).
  "path" is the state_dict-style module name. Hooks are forward hooks, so
  in-place ReLUs (including the `act` modules called at the end of
  forward()) are captured; "calls" says how many times each ran.
"""
import json
import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from seed_modules import DepthwiseSeparableConv, GroupedBottleneck, MiniGroupNet  # noqa: E402

DATA = os.path.join(HERE, "data")


def module_macs(m, inp, out):
    if isinstance(m, nn.Conv2d):
        kh, kw = m.kernel_size
        per_image = out[0].numel()
        return per_image * (m.in_channels // m.groups) * kh * kw
    if isinstance(m, nn.Linear):
        per_image_rows = out[0].numel() // m.out_features
        return per_image_rows * m.in_features * m.out_features
    return 0


def profile(model, in_shape):
    """Run one image through model, return the summary dict."""
    model.eval()
    leaves = [(n, m) for n, m in model.named_modules() if len(list(m.children())) == 0]
    rows = OrderedDict()
    handles = []
    for name, m in leaves:
        rows[name] = OrderedDict([
            ("path", name),
            ("type", type(m).__name__),
            ("output_shape", None),
            ("params", sum(p.numel() for p in m.parameters(recurse=False))),
            ("buffer_elements", sum(b.numel() for b in m.buffers(recurse=False))),
            ("macs", 0),
            ("calls", 0),
        ])

        def hook(mod, inputs, output, name=name):
            r = rows[name]
            shape = list(output.shape[1:])
            if r["calls"] and r["output_shape"] != shape:
                raise RuntimeError("%s called with differing output shapes" % name)
            r["output_shape"] = shape
            r["macs"] += module_macs(mod, inputs, output)
            r["calls"] += 1

        handles.append(m.register_forward_hook(hook))
    x = torch.zeros(1, *in_shape)
    with torch.no_grad():
        y = model(x)
    for h in handles:
        h.remove()
    for r in rows.values():
        if r["calls"] == 0:
            raise RuntimeError("module %s never ran" % r["path"])
    layers = list(rows.values())
    total_params = sum(p.numel() for p in model.parameters())
    assert total_params == sum(r["params"] for r in layers)
    return OrderedDict([
        ("input_shape", list(in_shape)),
        ("output_shape", list(y.shape[1:])),
        ("total_params", total_params),
        ("total_buffer_elements", sum(b.numel() for b in model.buffers())),
        ("total_macs", sum(r["macs"] for r in layers)),
        ("layers", layers),
    ])


def grouped_conv_table():
    rows = []
    for g in [1, 2, 3, 4, 8, 16, 32, 64]:
        row = OrderedDict([("groups", g)])
        try:
            m = nn.Conv2d(64, 128, 3, groups=g, bias=False)
            row["params"] = sum(p.numel() for p in m.parameters())
            row["weight_shape"] = list(m.weight.shape)
            mb = nn.Conv2d(64, 128, 3, groups=g, bias=True)
            row["params_with_bias"] = sum(p.numel() for p in mb.parameters())
            row["error"] = None
        except Exception as e:  # PyTorch rejects invalid group counts
            row["params"] = None
            row["weight_shape"] = None
            row["params_with_bias"] = None
            row["error"] = "%s: %s" % (type(e).__name__, e)
        rows.append(row)
    return OrderedDict([
        ("module", "nn.Conv2d(64, 128, 3, groups=G, bias=False)"),
        ("note", "params = sum(p.numel() for p in m.parameters()) with bias=False, "
                 "i.e. the weight only: 128 * (64/G) * 3 * 3. params_with_bias is "
                 "the same layer built with bias=True (+128)."),
        ("rows", rows),
    ])


def main():
    torch.manual_seed(0)  # init values do not matter for counts; fixed anyway
    result = OrderedDict()
    result["torch_version"] = torch.__version__
    result["conventions"] = OrderedDict([
        ("params", "sum(p.numel() for p in parameters()); per layer: recurse=False. "
                   "BatchNorm running stats/num_batches_tracked are buffers, not params."),
        ("macs", "per image; Conv2d = out_elems * (in_channels/groups) * kh * kw; "
                 "Linear = in_features * out_features; others 0"),
        ("shapes", "without batch dimension"),
        ("layers", "leaf modules in registration (named_modules) order; path is the "
                   "state_dict-style module name"),
    ])
    result["conv2d_64_128_k3_groups"] = grouped_conv_table()

    models = OrderedDict()
    models["minigroupnet_g8"] = ("MiniGroupNet(in_channels=3, num_classes=10, groups=8)",
                                 MiniGroupNet(in_channels=3, num_classes=10, groups=8), (3, 64, 64))
    models["dsconv_32_64"] = ("DepthwiseSeparableConv(32, 64)",
                              DepthwiseSeparableConv(32, 64), (32, 64, 64))
    models["bottleneck_64_128_g8_s2"] = ("GroupedBottleneck(64, 128, groups=8, stride=2)",
                                         GroupedBottleneck(64, 128, groups=8, stride=2), (64, 32, 32))
    result["models"] = OrderedDict()
    for key, (desc, model, shape) in models.items():
        d = OrderedDict([("module", desc)])
        d.update(profile(model, shape))
        result["models"][key] = d

    os.makedirs(DATA, exist_ok=True)
    text = json.dumps(result, indent=2) + "\n"
    with open(os.path.join(DATA, "counts.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)

    # ---- human-readable summary -------------------------------------------
    print("torch", torch.__version__)
    print()
    print("nn.Conv2d(64, 128, 3, groups=G, bias=False): params (weight only)")
    for r in result["conv2d_64_128_k3_groups"]["rows"]:
        if r["error"] is None:
            print("  groups=%2d: params=%8s  weight %s" % (r["groups"], format(r["params"], ","), r["weight_shape"]))
        else:
            print("  groups=%2d: %s" % (r["groups"], r["error"]))
    for key, d in result["models"].items():
        print()
        print("%s  input %s -> output %s" % (d["module"], d["input_shape"], d["output_shape"]))
        print("  total params %s, total MACs %s" % (format(d["total_params"], ","), format(d["total_macs"], ",")))
        print("  %-28s %-18s %-16s %9s %13s" % ("path", "type", "output", "params", "MACs"))
        for r in d["layers"]:
            print("  %-28s %-18s %-16s %9s %13s" % (
                r["path"], r["type"], "x".join(str(s) for s in r["output_shape"]),
                format(r["params"], ","), format(r["macs"], ",")))
    print()
    print("wrote", os.path.relpath(os.path.join(DATA, "counts.json")))


if __name__ == "__main__":
    main()
