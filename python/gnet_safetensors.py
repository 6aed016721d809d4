"""Write and read .safetensors files with PyTorch alone (no `safetensors` package needed).

Ships with GroupNetDsl (docs/from-pytorch.md). Debian's python3-torch 1.13 has no safetensors support and
there may be no pip; this module needs only torch and numpy. Its file functions take and give what
`safetensors.torch` does, so code written against either works with the other:

    save_file(tensors, path, metadata=None)     # dict name -> tensor
    load_file(path)                             # -> dict name -> tensor
    save_state_dict(model, path, dtype=None)    # a module or state_dict; F32, F16 or BF16; strips module./model.

    python3 python/gnet_safetensors.py model.pt model.safetensors [--dtype F16]   # a saved state_dict
    python3 python/gnet_safetensors.py --list model.safetensors                  # names, dtypes, shapes

Layout of a .safetensors file:

    [8 bytes]  N, unsigned 64-bit little-endian: length of the JSON header
    [N bytes]  UTF-8 JSON object, right-padded with ASCII spaces so that N is a
               multiple of 8 (the byte buffer therefore starts 8-aligned):
                 { "<name>": {"dtype": "F32", "shape": [..],
                              "data_offsets": [begin, end]},
                   ...,
                   "__metadata__": {"format": "pt"} }
    [rest]     the byte buffer; data_offsets are relative to its start.
               Tensors are stored C-contiguous, little-endian, packed back to
               back in the order they were given to the writer, no holes.

Dtypes: F32, F16, BF16, I64, F64, I32, I16, I8, U8, BOOL. The writer is deterministic: the same tensors in the
same order always give the same bytes (compact JSON, insertion order kept, no timestamps).
"""
import json
import struct
from collections import OrderedDict

import numpy as np
import torch

# safetensors dtype tag -> (torch dtype, little-endian numpy dtype used for the
# raw bytes, element size).  BF16 has no numpy type: its raw bits are moved as
# little-endian int16.
_DTYPES = OrderedDict([
    ("F64", (torch.float64, np.dtype("<f8"), 8)),
    ("F32", (torch.float32, np.dtype("<f4"), 4)),
    ("F16", (torch.float16, np.dtype("<f2"), 2)),
    ("BF16", (torch.bfloat16, np.dtype("<i2"), 2)),
    ("I64", (torch.int64, np.dtype("<i8"), 8)),
    ("I32", (torch.int32, np.dtype("<i4"), 4)),
    ("I16", (torch.int16, np.dtype("<i2"), 2)),
    ("I8", (torch.int8, np.dtype("i1"), 1)),
    ("U8", (torch.uint8, np.dtype("u1"), 1)),
    ("BOOL", (torch.bool, np.dtype("?"), 1)),
])
_TORCH_TO_TAG = {v[0]: k for k, v in _DTYPES.items()}

METADATA_KEY = "__metadata__"


def dtype_tag(t):
    """safetensors dtype tag ("F32", ...) of a torch tensor."""
    try:
        return _TORCH_TO_TAG[t.dtype]
    except KeyError:
        raise TypeError("unsupported dtype for safetensors: %s" % t.dtype)


def _tensor_bytes(t):
    """Raw little-endian C-contiguous bytes of tensor t."""
    tag = dtype_tag(t)
    _, np_dtype, _ = _DTYPES[tag]
    t = t.detach().to("cpu").contiguous()
    if tag == "BF16":
        t = t.view(torch.int16)
    # astype to an explicit little-endian dtype is a no-op copy on
    # little-endian hosts and a byte swap on big-endian ones.
    arr = t.numpy().astype(np_dtype, copy=False)
    return np.ascontiguousarray(arr).tobytes(order="C")


def serialize(tensors, metadata=None):
    """Return the bytes of a safetensors file.

    tensors: an ordered mapping (or list of pairs) name -> torch.Tensor.
             The order is kept both in the header and in the byte buffer.
    metadata: dict str -> str, stored as "__metadata__" (default
              {"format": "pt"}).
    """
    if metadata is None:
        metadata = {"format": "pt"}
    items = list(tensors.items()) if hasattr(tensors, "items") else list(tensors)
    header = OrderedDict()
    chunks = []
    offset = 0
    for name, t in items:
        if not isinstance(name, str) or name == METADATA_KEY:
            raise ValueError("invalid tensor name: %r" % (name,))
        if name in header:
            raise ValueError("duplicate tensor name: %r" % name)
        if not isinstance(t, torch.Tensor):
            t = torch.as_tensor(t)
        data = _tensor_bytes(t)
        tag = dtype_tag(t)
        expected = t.numel() * _DTYPES[tag][2]
        assert len(data) == expected, (name, len(data), expected)
        header[name] = OrderedDict([
            ("dtype", tag),
            ("shape", [int(s) for s in t.shape]),
            ("data_offsets", [offset, offset + len(data)]),
        ])
        chunks.append(data)
        offset += len(data)
    for k, v in metadata.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise ValueError("metadata must map str to str")
    header[METADATA_KEY] = OrderedDict(metadata)

    hjson = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    hjson += b" " * ((8 - len(hjson) % 8) % 8)
    return struct.pack("<Q", len(hjson)) + hjson + b"".join(chunks)


def save_file(tensors, path, metadata=None):
    """Write tensors (ordered name -> torch.Tensor) to path."""
    data = serialize(tensors, metadata)
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def parse_header(data):
    """Return (header dict without __metadata__, metadata, buffer start)."""
    if len(data) < 8:
        raise ValueError("file too short")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError("header length %d exceeds file size" % n)
    raw = data[8:8 + n]
    header = json.loads(raw.decode("utf-8"), object_pairs_hook=OrderedDict)
    if not isinstance(header, dict):
        raise ValueError("header is not a JSON object")
    metadata = header.pop(METADATA_KEY, None)
    return header, metadata, 8 + n


def deserialize(data, strict=True):
    """Parse safetensors bytes.

    Returns (OrderedDict name -> torch.Tensor in buffer order, metadata).
    With strict=True also checks the properties our writer guarantees:
    header length multiple of 8, tensors packed contiguously with no holes
    or overlaps and the buffer fully used.
    """
    header, metadata, start = parse_header(data)
    buf = memoryview(data)[start:]
    if strict and (start - 8) % 8 != 0:
        raise ValueError("header length not a multiple of 8")
    entries = sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"]))
    out = OrderedDict()
    pos = 0
    for name, info in entries:
        tag = info["dtype"]
        if tag not in _DTYPES:
            raise ValueError("unsupported dtype %r for %r" % (tag, name))
        torch_dtype, np_dtype, size = _DTYPES[tag]
        shape = [int(s) for s in info["shape"]]
        begin, end = (int(x) for x in info["data_offsets"])
        numel = 1
        for s in shape:
            numel *= s
        if end - begin != numel * size:
            raise ValueError("%r: %d bytes for shape %s of %s" % (name, end - begin, shape, tag))
        if end > len(buf) or begin < 0:
            raise ValueError("%r: offsets out of range" % name)
        if strict and begin != pos:
            raise ValueError("%r: hole or overlap at %d (expected %d)" % (name, begin, pos))
        pos = end
        arr = np.frombuffer(buf[begin:end], dtype=np_dtype, count=numel).astype(np_dtype.newbyteorder("="))
        t = torch.from_numpy(arr.copy()).reshape(shape)
        if tag == "BF16":
            t = t.view(torch.bfloat16)
        out[name] = t
    if strict and pos != len(buf):
        raise ValueError("%d trailing bytes after last tensor" % (len(buf) - pos))
    return out, metadata


def describe(path):
    """List of (name, dtype, shape) in header order, for documentation."""
    with open(path, "rb") as f:
        data = f.read()
    header, _, _ = parse_header(data)
    return [(k, v["dtype"], list(v["shape"])) for k, v in header.items()]


def load_file(path, device="cpu", strict=True):
    """Read path; returns an OrderedDict name -> torch.Tensor, as safetensors.torch.load_file does."""
    tensors, _ = load_file_with_metadata(path, strict=strict)
    return OrderedDict((name, t.to(device)) for name, t in tensors.items())


def load_file_with_metadata(path, strict=True):
    """Read path; returns (OrderedDict name -> torch.Tensor, metadata dict or None)."""
    with open(path, "rb") as f:
        data = f.read()
    return deserialize(data, strict=strict)


# Prefixes that wrappers add to every key: nn.DataParallel / DistributedDataParallel ("module.") and training
# frameworks that hold the network as an attribute ("model."). GroupNetDsl names weights as the bare module does.
WRAPPER_PREFIXES = ("module.", "model.")


def strip_prefixes(state_dict, prefixes=WRAPPER_PREFIXES):
    """The state_dict without a prefix that every key shares (repeatedly: "module.model.x" -> "x")."""
    items = list(state_dict.items())
    changed = True
    while changed and items:
        changed = False
        for prefix in prefixes:
            if all(name.startswith(prefix) for name, _ in items):
                items = [(name[len(prefix):], t) for name, t in items]
                changed = True
    return OrderedDict(items)


_FLOAT_TAGS = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def save_state_dict(model_or_state_dict, path, dtype=None, prefixes=WRAPPER_PREFIXES, metadata=None):
    """Write a module's state_dict (or a state_dict) for GroupNetDsl's Load.

    dtype: None keeps each tensor's dtype; "F32", "F16" or "BF16" converts the floating-point tensors (integer
    buffers such as num_batches_tracked stay I64). Wrapper prefixes shared by every key are stripped.
    Returns the number of bytes written.
    """
    state = model_or_state_dict.state_dict() if hasattr(model_or_state_dict, "state_dict") else model_or_state_dict
    if dtype is not None and dtype not in _FLOAT_TAGS:
        raise ValueError("dtype must be one of %s, not %r" % (", ".join(_FLOAT_TAGS), dtype))
    out = OrderedDict()
    for name, t in strip_prefixes(state, prefixes).items():
        t = t.detach()
        if dtype is not None and t.is_floating_point():
            t = t.to(_FLOAT_TAGS[dtype])
        out[name] = t
    return save_file(out, path, metadata)


def _self_test():
    g = torch.Generator().manual_seed(0)
    src = OrderedDict([
        ("a.weight", torch.randn(3, 4, 2, 2, generator=g)),
        ("a.half", torch.randn(5, generator=g).half()),
        ("a.bf16", torch.randn(2, 3, generator=g).bfloat16()),
        ("a.num_batches_tracked", torch.tensor(7, dtype=torch.int64)),
        ("empty", torch.zeros(0, 4)),
        ("strided", torch.arange(12, dtype=torch.float32).reshape(3, 4).t()),
    ])
    data = serialize(src)
    (n,) = struct.unpack("<Q", data[:8])
    assert n % 8 == 0
    back, meta = deserialize(data)
    assert meta == {"format": "pt"}
    assert list(back) == list(src)
    for k in src:
        assert back[k].dtype == src[k].dtype and back[k].shape == src[k].shape, k
        assert torch.equal(back[k], src[k]), k
    assert serialize(back) == data
    wrapped = OrderedDict([("module.model.fc.weight", torch.ones(2, 2)), ("module.model.fc.bias", torch.zeros(2))])
    assert list(strip_prefixes(wrapped)) == ["fc.weight", "fc.bias"]
    assert list(strip_prefixes(OrderedDict([("module.a", 1), ("b", 2)]))) == ["module.a", "b"]
    print("gnet_safetensors self-test OK (%d bytes)" % len(data))


def _main(argv):
    import argparse
    parser = argparse.ArgumentParser(description="Convert a saved PyTorch state_dict (.pt) to .safetensors, or list a .safetensors file.")
    parser.add_argument("input", nargs="?", help="a file saved with torch.save(model.state_dict(), ...)")
    parser.add_argument("output", nargs="?", help="the .safetensors file to write")
    parser.add_argument("--dtype", choices=sorted(_FLOAT_TAGS), help="convert floating-point tensors")
    parser.add_argument("--list", metavar="FILE", help="print the names, dtypes and shapes of a .safetensors file")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args(argv)
    if args.self_test:
        _self_test()
    elif args.list:
        for name, tag, shape in describe(args.list):
            print("%s %s %s" % (name, tag, "x".join(str(s) for s in shape) or "scalar"))
    elif args.input and args.output:
        state = torch.load(args.input, map_location="cpu")
        if not hasattr(state, "items"):
            parser.error("%s holds a %s, not a state_dict: save model.state_dict()" % (args.input, type(state).__name__))
        size = save_state_dict(state, args.output, args.dtype)
        print("wrote %s (%d tensors, %d bytes)" % (args.output, len(state), size))
    else:
        parser.error("give INPUT and OUTPUT, or --list FILE, or --self-test")


if __name__ == "__main__":
    import sys
    _main(sys.argv[1:])
