#!/bin/sh
# npm run train:vision — reproduces both models from fixed seeds:
# renders the synthetic training set (git-ignored, models/.cache/data), trains the detector and the
# fill model on the CPU (niced, resumable: RESUME=1), exports ONNX + metadata: the detector to
# models/onnx/drawn-shelves (the default detector is the YOLOX-Nano fine-tune), the fill model to models/onnx.
# Env: DET_MINUTES (30), FILL_MINUTES (20), THREADS (1), CHUNKS (60), CORRECTIONS (a dir written by
# npm run export:corrections: the bar's own corrections, mixed with the synthetic data).
set -e
cd "$(dirname "$0")/.."
CHUNKS=${CHUNKS:-60}
i=0
while [ "$i" -lt "$CHUNKS" ]; do
  [ -f .cache/data/chunk-n$i/annotations.json ] || npx tsx src/synthetic/cli.ts dataset --out .cache/data/chunk-n$i --split normal --first-seed $((i * 300)) --count 300
  if [ $((i % 3)) -eq 2 ]; then
    j=$((i / 3))
    [ -f .cache/data/chunk-h$j/annotations.json ] || npx tsx src/synthetic/cli.ts dataset --out .cache/data/chunk-h$j --split hard --first-seed $((100000 + j * 300)) --count 300
  fi
  i=$((i + 1))
done
R=""
[ -n "$RESUME" ] && R="--resume"
C=""
[ -n "$CORRECTIONS" ] && C="--corrections $(cd "$CORRECTIONS" && pwd)"
cd train
nice -n 10 python3 train_detector.py --minutes "${DET_MINUTES:-30}" --threads "${THREADS:-1}" $R $C
nice -n 10 python3 train_fill.py --minutes "${FILL_MINUTES:-20}" --threads "${THREADS:-1}" $R $C
python3 export.py
cd ..
npx tsx bench/pick-threshold.ts --model-dir onnx/drawn-shelves
npx tsx bench/calibrate-sigma.ts
npx prettier --write onnx/*.json onnx/drawn-shelves/*.json
