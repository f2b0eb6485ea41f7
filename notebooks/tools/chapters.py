"""Shared pieces of the chapter generators: cell builders, the common first cells, and the writer.

Each chapter is a Python file (chapter01.py, ...) that lists its cells; `python3 notebooks/tools/build.py`
writes notebooks/NN-*.ipynb without outputs. Edit the chapter files here, not the .ipynb, then rebuild;
outputs only ever come from a real run (the runner's --write).
"""
import json
import textwrap

KERNEL_META = {"polyglot_notebook": {"kernelName": "csharp"}}


def _lines(text):
    text = textwrap.dedent(text).strip("\n")
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": _lines(text)}


def code(text, tags=None):
    metadata = dict(KERNEL_META)
    if tags:
        metadata = {"polyglot_notebook": {"kernelName": "csharp"}, "tags": tags}
    return {"cell_type": "code", "execution_count": None, "metadata": metadata, "outputs": [], "source": _lines(text)}


def params(text):
    return code(text, tags=["parameters"])


def header(title, learn, extra_usings=""):
    """Title and goals, then the three cells every chapter starts with."""
    usings = textwrap.dedent("""
        using System.Diagnostics;
        using System.IO;
        using NeuralNet.Data;
        using NeuralNet.Evaluation;
        using NeuralNet.Initialization;
        using NeuralNet.Layers;
        using NeuralNet.Losses;
        using NeuralNet.Optimizers;
        using NeuralNet.Plots;
        using NeuralNet.Serialization;
        using NeuralNet.Tensors;
        using NeuralNet.Training;
        using Plotly.NET.CSharp; // the one Chart namespace we import (never also `using Plotly.NET;`)
    """).strip("\n") + ("\n" + textwrap.dedent(extra_usings).strip("\n") if extra_usings.strip() else "")
    return [
        md(f"# {title}\n\n**In this chapter you will learn**\n\n{textwrap.dedent(learn).strip()}"),
        md("""
            ## Setup

            Three cells: load the charting packages, build our two libraries if this is a fresh clone (or
            their sources changed), then reference them. The build has to run in a cell *before* the `#r`
            lines, because `#r` is read when a cell is compiled, before any of its code runs.
        """),
        code("""
            #r "nuget: Plotly.NET.Interactive, 6.0.0"
            #r "nuget: Plotly.NET.CSharp, 0.14.0"
        """),
        code("""
            using System.Diagnostics;
            using System.IO;

            // Build src/NeuralNet (the library) and src/NeuralNet.Plots (the charts) in Release when the
            // DLLs are missing or older than their sources. The first build takes a minute.
            var repoRoot = Path.GetFullPath("..");
            string[] libraryDlls =
            [
                Path.Combine(repoRoot, "src/NeuralNet/bin/Release/net8.0/NeuralNet.dll"),
                Path.Combine(repoRoot, "src/NeuralNet.Plots/bin/Release/net10.0/NeuralNet.Plots.dll"),
            ];
            DateTime newestSource = new[] { "src/NeuralNet", "src/NeuralNet.Plots" }
                .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(repoRoot, dir), "*.cs*", SearchOption.AllDirectories))
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                         && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
                .Max(File.GetLastWriteTimeUtc);
            if (libraryDlls.Any(dll => !File.Exists(dll) || File.GetLastWriteTimeUtc(dll) < newestSource))
            {
                var start = new ProcessStartInfo("dotnet", $"build \\"{Path.Combine(repoRoot, "src/NeuralNet.Plots")}\\" -c Release -nologo -v q")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
                using var build = Process.Start(start)!;
                var log = build.StandardOutput.ReadToEndAsync();
                var errors = build.StandardError.ReadToEnd();
                build.WaitForExit();
                if (build.ExitCode != 0)
                {
                    throw new Exception($"Building the library failed (exit code {build.ExitCode}):\\n{log.Result}{errors}");
                }
                Console.WriteLine("Built NeuralNet and NeuralNet.Plots (Release).");
            }
            else
            {
                Console.WriteLine("NeuralNet and NeuralNet.Plots are up to date.");
            }
        """),
        code('#r "../src/NeuralNet/bin/Release/net8.0/NeuralNet.dll"\n'
             '#r "../src/NeuralNet.Plots/bin/Release/net10.0/NeuralNet.Plots.dll"\n\n' + usings),
    ]


def notebook(cells):
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"},
            "language_info": {"name": "csharp"},
            "polyglot_notebook": {
                "kernelInfo": {
                    "defaultKernelName": "csharp",
                    "items": [{"aliases": [], "languageName": "csharp", "name": "csharp"}],
                }
            },
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write(path, cells):
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i:02d}"
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(notebook(cells), f, indent=1, ensure_ascii=False)
        f.write("\n")
