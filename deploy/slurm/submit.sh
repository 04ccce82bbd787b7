#!/bin/bash
# Submits the array, then the merge job that waits for every task to succeed.
#   RESULTS=/scratch/$USER/qbsweep deploy/slurm/submit.sh
set -euo pipefail
mkdir -p logs
array=$(sbatch --parsable deploy/slurm/sweep.sbatch)
merge=$(sbatch --parsable --dependency=afterok:"${array}" deploy/slurm/merge.sbatch)
echo "array job ${array}, merge job ${merge}"
