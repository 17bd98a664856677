#!/usr/bin/env sh
# Print the path of the newest Python >= 3.12 on this machine that really runs.
# Candidates: pythonX.Y on PATH (pyenv shims included, which fail unless a version is selected),
# then interpreters installed by pyenv under its root. Each is tried with -c before it is chosen.
best=""
best_version=0
candidates="python3.14 python3.13 python3.12 python3 python"
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
command -v pyenv >/dev/null 2>&1 && pyenv_root="$(pyenv root)"
for path in "$pyenv_root"/versions/3.*/bin/python3; do
  [ -x "$path" ] && candidates="$candidates $path"
done
for candidate in $candidates; do
  version=$("$candidate" -c 'import sys; v = sys.version_info; print(v[0] * 100 + v[1] if v >= (3, 12) else 0)' 2>/dev/null) || continue
  if [ "${version:-0}" -gt "$best_version" ]; then
    best_version=$version
    best=$("$candidate" -c 'import sys; print(sys.executable)')
  fi
done
if [ -z "$best" ]; then
  echo "No Python 3.12 or newer found. Install Python 3.12+ (e.g. from python.org or pyenv) and try again." >&2
  exit 1
fi
echo "$best"
