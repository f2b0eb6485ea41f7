"""Writes the chapters notebooks/NN-*.ipynb (without outputs) from chapterNN.py. Run: python3 notebooks/tools/build.py"""
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from chapters import write  # noqa: E402

for name in sorted(f[:-3] for f in os.listdir(HERE) if f.startswith("chapter") and f.endswith(".py") and f != "chapters.py"):
    module = importlib.import_module(name)
    path = os.path.join(HERE, "..", module.FILE)
    write(path, module.cells)
    print(f"wrote {os.path.normpath(path)} ({len(module.cells)} cells)")
