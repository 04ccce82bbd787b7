#!/bin/bash
# Submits the array, then the merge job that waits for every task to succeed.
#   RESULTS=/scratch/$USER/qbsweep deploy/slurm/submit.sh
# Settings (environment, all optional; the defaults are the 1024x1024 Fig. 9 on 16 GPUs):
#   PRESET=fig9 GRID=1024x1024   the sweep (passed on to sweep.sbatch and merge.sbatch)
#   SHARDS=16 PARALLEL=4          array tasks, and how many run at once
#   GRES=gpu:1 CPUS=2             per task; GRES= (empty) asks for no GPU
#   QBSWEEP_ARGS="--backend cpu"  more options for `qbsweep sweep`
#   LOGS=logs RESULTS=results     where the job logs and the shards go
# scripts/slurm-e2e.sh runs this on a real single-node Slurm in CI.
set -euo pipefail
shards=${SHARDS:-16}
logs=${LOGS:-logs}
mkdir -p "$logs"
export PRESET=${PRESET:-fig9} GRID=${GRID:-1024x1024} RESULTS=${RESULTS:-results} QBSWEEP_ARGS=${QBSWEEP_ARGS:-}
opts=(--parsable --array="0-$((shards - 1))%${PARALLEL:-4}" --cpus-per-task="${CPUS:-2}" --job-name="qbsweep-${PRESET}"
      --output="$logs/%x-%A_%a.out" --open-mode=append)
if [ -n "${GRES-gpu:1}" ]; then opts+=(--gres="${GRES-gpu:1}"); fi
array=$(sbatch "${opts[@]}" deploy/slurm/sweep.sbatch)
merge=$(sbatch --parsable --dependency=afterok:"${array}" --job-name="qbsweep-${PRESET}-merge" --output="$logs/%x-%j.out" deploy/slurm/merge.sbatch)
echo "array job ${array}, merge job ${merge}"
