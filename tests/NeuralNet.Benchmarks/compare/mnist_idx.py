"""Reads MNIST's IDX files (plain or .gz) into float32 pixels in [0, 1] and int64 labels."""
import gzip, os, struct, sys

import numpy as np


def read_idx(directory, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(directory, candidate)
        if os.path.exists(path):
            opener = gzip.open if path.endswith(".gz") else open
            with opener(path, "rb") as f:
                data = f.read()
            dims = data[3]
            shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    sys.exit(f"{name}(.gz) not found in {directory}")


def load(directory):
    x_train = read_idx(directory, "train-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255.0
    y_train = read_idx(directory, "train-labels-idx1-ubyte").astype(np.int64)
    x_test = read_idx(directory, "t10k-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255.0
    y_test = read_idx(directory, "t10k-labels-idx1-ubyte").astype(np.int64)
    return x_train, y_train, x_test, y_test


def loaded_blas():
    """The BLAS/LAPACK shared libraries this process has mapped (what actually runs the products)."""
    names = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            base = os.path.basename(path)
            if any(key in base for key in ("blas", "mkl", "lapack", "gomp", "iomp")):
                names.add(os.path.realpath(path))
    return ";".join(sorted(names)) or "none"
