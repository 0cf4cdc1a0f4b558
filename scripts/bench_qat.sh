#!/usr/bin/env bash
# QAT training speed of LeNet-5 and the small VGG: C++ LibTorch (build/powersel bench-qat)
# against the same networks in Python PyTorch (Debian python3-torch, the same 1.13), same
# batch, same threads, one run. Writes runs/bench-qat/bench-qat.json.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${THREADS:-2}
batch=${BATCH:-64}
out=runs/bench-qat
mkdir -p "$out"
results=()
printf '%-10s %12s %12s %12s %12s %8s\n' model "C++ float" "C++ QAT" "Py float" "Py QAT" "QAT C++/Py"
for model in lenet5 vgg-small; do
  steps=50
  [ "$model" = vgg-small ] && steps=10
  build/powersel bench-qat --model "$model" --batch "$batch" --steps "$steps" --threads "$threads" \
    --out "$out/$model" >/dev/null
  cpp=$(cat "$out/$model/bench-qat.json")
  py=$(/usr/bin/python3 scripts/bench_qat.py --model "$model" --batch "$batch" --steps "$steps" \
    --threads "$threads")
  line=$(/usr/bin/python3 - "$cpp" "$py" <<'PY'
import json, sys
cpp, py = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({"model": cpp["model"], "batch": cpp["batch"], "threads": cpp["threads"],
                  "cpp": cpp, "python": py,
                  "qat_speedup_cpp_over_python": cpp["qat_images_per_s"] / py["qat_images_per_s"]}))
PY
)
  results+=("$line")
  /usr/bin/python3 - "$line" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
print("%-10s %12.0f %12.0f %12.0f %12.0f %8.2f" % (r["model"], r["cpp"]["float_images_per_s"],
      r["cpp"]["qat_images_per_s"], r["python"]["float_images_per_s"],
      r["python"]["qat_images_per_s"], r["qat_speedup_cpp_over_python"]))
PY
done
printf '[%s]\n' "$(IFS=,; echo "${results[*]}")" > "$out/bench-qat.json.tmp"
mv "$out/bench-qat.json.tmp" "$out/bench-qat.json"
echo "bench_qat: wrote $out/bench-qat.json"
