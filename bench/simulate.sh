#!/bin/sh
# Simulator benchmark of issue 5: where the simulated throughput agrees with the max-load model
# and where it differs. For each placement-json instance it plans with the DP (and, with IP=1, the
# non-contiguous IP for 60 s), then prints simulated / model throughput for streaming under the
# model's assumptions, with transfers overlapping compute, with one shared link, and for training
# graphs GPipe and 1F1B with 8 and 32 micro-batches. Run from the project root after
# `mvn -B -q package -DskipTests`.
#   INSTANCES="LayerGraphs/resnet50_inference" IP=1 bench/simulate.sh
set -eu
JAR=pipeplan-cli/target/pipeplan.jar
DATA=../shared/datasets/placement-json
INSTANCES=${INSTANCES:-"LayerGraphs/resnet50_inference LayerGraphs/gnmt_inference OperatorGraphs/bert_l-3_inference
  OperatorGraphs/bert_l-6_inference OperatorGraphs/resnet50_inference LayerGraphs/resnet50_training
  LayerGraphs/gnmt_training OperatorGraphs/bert_l-3_training OperatorGraphs/bert_l-6_training"}
OUT=${OUT:-target/simulate-bench}
mkdir -p "$OUT"
ratio() { java -jar "$JAR" simulate -q "$@" | sed -n 's/.*(simulated\/model \([0-9.]*\)).*/\1/p'; }
printf '%-36s %-4s %9s %9s %9s %9s %9s %9s\n' instance plan model overlap shared gpipe-8 1f1b-8 gpipe-32
for i in $INSTANCES; do
  f=$DATA/$i.json
  solvers="dp"
  [ "${IP:-0}" = 1 ] && solvers="dp ip"
  for s in $solvers; do
    plan=$OUT/$(echo "$i" | tr / _).$s.json
    java -jar "$JAR" plan -q -s "$s" --time-limit 60 --workers 2 "$f" -o "$plan" > /dev/null
    case $i in
      *training*)
        printf '%-36s %-4s %9s %9s %9s %9s %9s %9s\n' "$i" "$s" - - - \
          "$(ratio "$f" -p "$plan" --schedule gpipe --micro-batches 8)" \
          "$(ratio "$f" -p "$plan" --schedule 1f1b --micro-batches 8)" \
          "$(ratio "$f" -p "$plan" --schedule gpipe --micro-batches 32)" ;;
      *)
        printf '%-36s %-4s %9s %9s %9s %9s %9s %9s\n' "$i" "$s" "$(ratio "$f" -p "$plan")" \
          "$(ratio "$f" -p "$plan" --overlap-transfers)" "$(ratio "$f" -p "$plan" --shared-link)" - - - ;;
    esac
  done
done
