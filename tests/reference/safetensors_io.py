"""The reference scripts' safetensors reader and writer: python/gnet_safetensors.py, the module GroupNetDsl
ships for users, with the API these scripts were written against (load_file returns a tuple here).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))

from gnet_safetensors import (  # noqa: E402,F401
    METADATA_KEY, deserialize, describe, dtype_tag, load_file_with_metadata, parse_header, save_file, serialize,
)


def load_file(path, strict=True):
    """Read path; returns (OrderedDict name -> torch.Tensor, metadata)."""
    return load_file_with_metadata(path, strict=strict)


if __name__ == "__main__":
    from gnet_safetensors import _self_test
    _self_test()
