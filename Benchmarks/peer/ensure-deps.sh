#!/usr/bin/env bash
# Makes sure python3 has numpy, scikit-learn and matplotlib for the report peer (and, with --torch, PyTorch for the
# training peer); installs the missing ones with pip, saying so.
#   ensure-deps.sh            numpy, scikit-learn, matplotlib
#   ensure-deps.sh --torch    numpy and torch (the CPU build, from PyTorch's CPU wheel index, else from PyPI)
# On a system whose Python is "externally managed" (PEP 668, e.g. Debian 12+) a plain pip install is refused; the
# install is then retried with --break-system-packages, which installs into the user's or the system site-packages.
set -euo pipefail
command -v python3 >/dev/null || { echo "python3 not found: install it (e.g. apt-get install python3 python3-pip) to compare with the Python peer" >&2; exit 1; }

pip_install() {   # pip_install [pip options] packages…
    python3 -m pip install --quiet "$@" >&2 || python3 -m pip install --quiet --break-system-packages "$@" >&2
}

if [ "${1:-}" = "--torch" ]; then
    missing=()
    python3 -c 'import numpy' 2>/dev/null || missing+=(numpy)
    if ! python3 -c 'import torch' 2>/dev/null; then
        echo "The training peer needs PyTorch: installing the CPU build with 'python3 -m pip install torch --index-url https://download.pytorch.org/whl/cpu' (about 200 MB)…" >&2
        pip_install torch --index-url https://download.pytorch.org/whl/cpu || {
            echo "PyTorch's CPU index failed; trying 'python3 -m pip install torch' from PyPI (the default build, larger)…" >&2
            pip_install torch
        } || {
            echo "pip could not install torch; install it yourself (python3 -m pip install torch) and rerun make bench" >&2
            exit 1
        }
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        echo "The training peer needs ${missing[*]}: installing with 'python3 -m pip install ${missing[*]}' (from PyPI)…" >&2
        pip_install "${missing[@]}" || { echo "pip could not install ${missing[*]}; install it yourself and rerun make bench" >&2; exit 1; }
    fi
    exit 0
fi

missing=()
python3 -c 'import numpy' 2>/dev/null || missing+=(numpy)
python3 -c 'import sklearn' 2>/dev/null || missing+=(scikit-learn)
python3 -c 'import matplotlib' 2>/dev/null || missing+=(matplotlib)
if [ ${#missing[@]} -gt 0 ]; then
    echo "The Python peer needs ${missing[*]}: installing with 'python3 -m pip install ${missing[*]}' (from PyPI)…" >&2
    pip_install "${missing[@]}" || {
        echo "pip could not install ${missing[*]}; install them yourself (python3 -m pip install ${missing[*]}) and rerun make bench" >&2
        exit 1
    }
fi
