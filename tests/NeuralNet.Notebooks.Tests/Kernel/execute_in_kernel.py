#!/usr/bin/env python3
"""Executes a chapter in the real .NET Interactive kernel through the Jupyter protocol, as VS Code's
Jupyter extension does: Debian's nbclient starts the kernelspec '.net-csharp' with the chapter's folder
as the working directory and runs every cell in order.

    execute_in_kernel.py --check
        exit 0 when nbclient and the '.net-csharp' kernelspec are installed, else 1 with the reason.
    execute_in_kernel.py CHAPTER.ipynb PARAMETERS_JSON OUT.ipynb
        inserts a cell after the chapter's 'parameters' cell that assigns PARAMETERS_JSON's values
        (papermill's convention; tagged 'injected-parameters'), runs the chapter, stops at the first
        cell that fails and writes the executed notebook, outputs and per-cell times, to OUT.ipynb.
        Exit 0 when every cell ran, 1 when a cell failed, 2 when the kernel could not run it.

NeuralNet.Notebooks.Tests' KernelChapterTests drives it and checks the outputs.
"""
import json
import os
import sys

KERNEL = ".net-csharp"


def add_dotnet_tools_to_path():
    # The kernelspec runs `dotnet interactive`, a global tool: dotnet finds it on PATH.
    tools = os.path.join(os.path.expanduser("~"), ".dotnet", "tools")
    if tools not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.environ.get("PATH", "") + os.pathsep + tools


def check():
    try:
        import nbclient  # noqa: F401
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError as e:
        print(f"nbclient is not installed ({e}): apt-get install -y python3-nbclient")
        return 1
    try:
        KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        print(f"the Jupyter kernelspec '{KERNEL}' is not installed: "
              "dotnet tool install -g Microsoft.dotnet-interactive --version 1.0.712001 && dotnet interactive jupyter install")
        return 1
    return 0


def csharp_literal(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid C# string literal for plain text
    raise ValueError(f"parameter value {value!r}: expected a number, a boolean or a string")


def inject_parameters(nb, parameters):
    import nbformat
    if not parameters:
        return
    index = next((i for i, c in enumerate(nb.cells)
                  if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])), None)
    if index is None:
        raise ValueError("the chapter has no cell tagged 'parameters'")
    lines = ["// Parameters injected for this run (papermill's convention)."]
    lines += [f"{name} = {csharp_literal(value)};" for name, value in parameters.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines))
    cell.metadata["tags"] = ["injected-parameters"]
    cell.metadata["polyglot_notebook"] = {"kernelName": "csharp"}
    nb.cells.insert(index + 1, cell)


def execute(chapter, parameters_json, out_path):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    add_dotnet_tools_to_path()
    nb = nbformat.read(chapter, as_version=4)
    inject_parameters(nb, json.loads(parameters_json))
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=int(os.environ.get("NEURALNET_KERNEL_CELL_TIMEOUT", "900")),
        startup_timeout=180,
        record_timing=True,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(chapter))}},
    )
    status = 0
    try:
        client.execute()
    except CellExecutionError:
        status = 1  # the failing cell's error output is in the notebook
    except Exception as e:  # the kernel died, timed out or never started
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        status = 2
    nbformat.write(nb, out_path)
    return status


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(check())
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(execute(*sys.argv[1:]))
