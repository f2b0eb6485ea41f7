#!/usr/bin/env bash
# Builds the TorchSharp peer and makes the Debian 12 runnable copy compare.sh looks for (out/app, out/libios_shim.so).
# TorchSharp 0.107's native shim needs GCC 13's libstdc++ (GLIBCXX_3.4.32); Debian 12 has GCC 12's. The
# patch script marks that one version requirement weak and preloads a tiny library defining the missing
# std::ios_base_library_init(); libtorch itself is not modified. Benchmarking only.
#   build.sh PATH/TO/torchsharp-on-debian12.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
patcher=${1:?path to torchsharp-on-debian12.sh}
dotnet build "$here/TorchSharpMlp.csproj" -c Release -nologo -v q
bash "$patcher" "$here/bin/Release/net10.0" "$here/out"
