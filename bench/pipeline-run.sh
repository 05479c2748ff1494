#!/bin/sh
# Pipeline benchmark of issue 4: for each model, profile it (one thread), plan it on two CPU
# cores with the measured times, run the 2-stage plan as a real pipeline on ONNX Runtime (one
# thread per stage) and print predicted against measured, and the speed-up over the whole model
# on one thread. ROUNDS repeats profile, plan and run, the models interleaved, and the table gives
# the median round (by its worst stage error) with the range of that error over the rounds: on a
# shared machine the timings drift between processes by as much as the model errs. "alone" is each
# stage's time with one sample in flight (the other stage idle): measured against alone is what
# the two stages running at once cost each other, alone against predicted what the node times miss.
# Run from the project root after `mvn -B -q package -DskipTests`.
#   MODELS="resnet50 bert_base" SAMPLES=60 ROUNDS=3 bench/pipeline-run.sh
set -eu
JAR=${JAR:-pipeplan-cli/target/pipeplan.jar}
MODELS=${MODELS:-"resnet50 bert_base"}
SAMPLES=${SAMPLES:-60}
ROUNDS=${ROUNDS:-1}
OUT=${OUT:-target/pipeline-bench}
mkdir -p "$OUT"
r=1
while [ "$r" -le "$ROUNDS" ]; do
  for m in $MODELS; do
    f=../shared/models/$m.graph.onnx
    [ -f "$f" ] || f=$m
    name=$(basename "$f" | sed 's/\..*//').r$r
    java -jar "$JAR" profile "$f" --runs 20 --warmup 3 -o "$OUT/$name.times.json" > /dev/null
    java -jar "$JAR" plan "$f" --devices cpu-core:2 --node-times "$OUT/$name.times.json" -q -o "$OUT/$name.plan.json" > /dev/null
    java -jar "$JAR" run "$f" --devices cpu-core:2 --node-times "$OUT/$name.times.json" --plan "$OUT/$name.plan.json" \
      --samples "$SAMPLES" --warmup 5 -q -o "$OUT/$name.run.json" > "$OUT/$name.run.txt"
  done
  r=$((r + 1))
done
python3 - "$OUT" "$ROUNDS" $MODELS <<'PY'
import json, os, sys
out, rounds = sys.argv[1], int(sys.argv[2])
rows = [("model", "stage ms predicted", "stage ms measured", "stage ms alone", "worst stage error", "alone error", "over the rounds", "pipeline /s predicted",
         "pipeline /s measured", "one thread /s", "speed-up")]
for m in sys.argv[3:]:
    name = os.path.basename(m).split(".")[0]
    runs = []
    for r in range(1, rounds + 1):
        run = json.load(open(os.path.join(out, "%s.r%d.run.json" % (name, r))))
        err = max(abs(s["predictedMs"] - s["measuredMs"]) / s["measuredMs"] for s in run["stages"])
        runs.append((err, run))
    runs.sort(key=lambda x: x[0])
    err, r = runs[len(runs) // 2]
    st = r["stages"]
    spread = "%.1f%% to %.1f%%" % (100 * runs[0][0], 100 * runs[-1][0]) if rounds > 1 else "-"
    alone = max(abs(s["predictedMs"] - s["aloneMs"]) / s["aloneMs"] for s in st) if all("aloneMs" in s for s in st) else None
    rows.append((name, " / ".join("%.2f" % s["predictedMs"] for s in st), " / ".join("%.2f" % s["measuredMs"] for s in st),
                 " / ".join("%.2f" % s.get("aloneMs", float("nan")) for s in st),
                 "%.1f%%" % (100 * err), "-" if alone is None else "%.1f%%" % (100 * alone), spread, "%.2f" % r["predicted"]["throughput"], "%.2f" % r["measured"]["throughput"],
                 "%.2f" % r["wholeModel"]["throughput"], "%.2fx" % r["speedup"]))
w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
for k, r in enumerate(rows):
    print("  ".join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip())
    if k == 0:
        print("  ".join("-" * w[i] for i in range(len(w))))
PY
