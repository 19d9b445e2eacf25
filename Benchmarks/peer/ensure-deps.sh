#!/usr/bin/env bash
# Makes sure python3 has numpy, scikit-learn and matplotlib for the report peer; installs the missing ones with pip.
set -euo pipefail
command -v python3 >/dev/null || { echo "python3 not found: install it (e.g. apt-get install python3 python3-pip) to compare with the Python peer" >&2; exit 1; }
missing=()
python3 -c 'import numpy' 2>/dev/null || missing+=(numpy)
python3 -c 'import sklearn' 2>/dev/null || missing+=(scikit-learn)
python3 -c 'import matplotlib' 2>/dev/null || missing+=(matplotlib)
if [ ${#missing[@]} -gt 0 ]; then
    echo "The Python peer needs ${missing[*]}: installing with 'python3 -m pip install ${missing[*]}' (from PyPI)…" >&2
    python3 -m pip install --quiet "${missing[@]}" >&2 || {
        echo "pip could not install ${missing[*]}; install them yourself (python3 -m pip install ${missing[*]}) and rerun make bench" >&2
        exit 1
    }
fi
