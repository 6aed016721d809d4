"""Trains the Digits network on scikit-learn's handwritten digits and exports what the C# sample needs.

Runs offline with Debian's packages (python3-torch, python3-sklearn, python3-pil), from the repository root:

    /usr/bin/python3 samples/Digits/train.py

Writes, deterministically (same bytes on every run with the same torch build):
    samples/Digits/images/NNNN-L.png    the held-out digits (8x8 grayscale PNG, L = the true label)
    samples/Digits/digits.safetensors   the trained weights under their state_dict names (python/gnet_safetensors.py)
    samples/Digits/expected.json        PyTorch's accuracy and predictions on those PNGs, for the C# test

The network is Digits.gnet's: a 3x3 stem and two depthwise-separable blocks (the standard library's
DepthwiseSeparableConv, the seed notebook's module), global average pool and a linear classifier.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
from PIL import Image
from sklearn.datasets import load_digits

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
from gnet_safetensors import save_state_dict  # noqa: E402

# The C# sample normalizes the same way: pixel / 255, then (x - MEAN) / STD.
MEAN, STD = 0.5, 0.5
HELD_OUT = 0.2
SEED = 7


class DepthwiseSeparableConv(nn.Module):
    def __init__(self, cin, cout, k=3, stride=1, padding=1):
        super().__init__()
        self.dw = nn.Conv2d(cin, cin, k, stride=stride, padding=padding, groups=cin, bias=False)
        self.pw = nn.Conv2d(cin, cout, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.act(self.bn(self.pw(self.dw(x))))


class Digits(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(inplace=True))
        self.block1 = DepthwiseSeparableConv(16, 32)
        self.block2 = DepthwiseSeparableConv(32, 64, stride=2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.block2(self.block1(self.stem(x)))), 1))


def to_input(pixels):
    """uint8 images N x 8 x 8 -> normalized float tensor N x 1 x 8 x 8."""
    x = torch.from_numpy(pixels.astype(np.float32) / 255.0).unsqueeze(1)
    return (x - MEAN) / STD


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    digits = load_digits()
    # 0..16 ink levels as 8-bit gray, the form a user's image would have.
    pixels = np.rint(digits.images * (255.0 / 16.0)).astype(np.uint8)
    labels = digits.target.astype(np.int64)
    order = np.random.RandomState(SEED).permutation(len(labels))
    cut = int(round(len(labels) * (1 - HELD_OUT)))
    train, test = order[:cut], order[cut:]

    model = Digits()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    x, y = to_input(pixels[train]), torch.from_numpy(labels[train])
    for epoch in range(40):
        model.train()
        permutation = torch.randperm(len(y))
        for start in range(0, len(y), 64):
            batch = permutation[start:start + 64]
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()

    images = os.path.join(HERE, "images")
    os.makedirs(images, exist_ok=True)
    for name in os.listdir(images):
        os.remove(os.path.join(images, name))
    names = []
    for index in test:
        name = "%04d-%d.png" % (index, labels[index])
        Image.fromarray(pixels[index], mode="L").save(os.path.join(images, name), optimize=True)
        names.append(name)

    # Evaluate on the PNGs as written, read back: exactly what the C# sample reads.
    names.sort()
    read = np.stack([np.asarray(Image.open(os.path.join(images, n)).convert("L")) for n in names])
    truth = [int(n.split("-")[1].split(".")[0]) for n in names]
    model.eval()
    with torch.no_grad():
        logits = model(to_input(read))
    predictions = logits.argmax(1).tolist()
    correct = sum(int(p == t) for p, t in zip(predictions, truth))

    save_state_dict(model, os.path.join(HERE, "digits.safetensors"))
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump({
            "images": len(names),
            "correct": correct,
            "accuracy": correct / len(names),
            "predictions": {n: p for n, p in zip(names, predictions)},
        }, f, indent=1, sort_keys=True)
        f.write("\n")
    print("held-out accuracy (PyTorch): %d / %d = %.4f" % (correct, len(names), correct / len(names)))


if __name__ == "__main__":
    main()
