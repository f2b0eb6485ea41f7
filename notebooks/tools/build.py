"""Writes the chapters notebooks/NN-*.ipynb (without outputs) from chapterNN.py.

Run: python3 notebooks/tools/build.py            (every chapter)
     python3 notebooks/tools/build.py chapter03  (only the chapters named)
"""
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from chapters import write  # noqa: E402

names = sorted(f[:-3] for f in os.listdir(HERE) if f.startswith("chapter") and f.endswith(".py") and f != "chapters.py")
if len(sys.argv) > 1:
    names = [n for n in names if n in sys.argv[1:]]
for name in names:
    module = importlib.import_module(name)
    path = os.path.join(HERE, "..", module.FILE)
    write(path, module.cells)
    print(f"wrote {os.path.normpath(path)} ({len(module.cells)} cells)")
