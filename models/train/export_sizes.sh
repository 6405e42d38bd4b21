#!/bin/sh
# The shipped detector (onnx/detector.onnx) at 512 and 640 input for `npm run eval:vision`'s input-size table:
# the same weights, read back from the export's convolutions (YOLOX is fully convolutional), then slimmed as shipped.
#   cd models/train && sh export_sizes.sh [SIZE ...]   (default 512 640; writes ../.cache/input-size/SIZE/)
set -e
PY=${PYTHON:-.venv/bin/python}
for size in ${@:-512 640}; do
  dir=../.cache/input-size/$size
  mkdir -p "$dir"
  "$PY" yolox.py --onnx ../onnx/detector.onnx --export "$size" --out "$dir/detector.onnx"
  # the shipped metadata, at this input
  "$PY" -c "import json,sys; m=json.load(open('../onnx/detector.json')); m['input'].update(width=$size, height=$size); json.dump(m, open('$dir/detector.json', 'w'), indent=2)"
  "$PY" slim_yolox.py --dir "$dir"
done
