#!/usr/bin/env bash
# The Slurm path end to end on a real Slurm: where no cluster answers, installs (apt) and starts a
# single-node one (munged, slurmctld, slurmd, a generated slurm.conf), submits
# deploy/slurm/submit.sh for fig9 at 64x64 in 4 array tasks with --resume, kills one task while it
# runs and puts it back in the queue (scontrol requeue: the same task id, so the merge job's
# afterok still waits for it), waits for the merge job, checks that the merged CSV equals a
# single-machine run byte for byte, and stops the daemons it started. Last line: the result.
#   scripts/slurm-e2e.sh            (root; .ci/run runs it)
# The tasks run on the float64 CPU backend (--backend cpu): CI machines have no GPU, and the
# GPU path is covered by the test suite; what is tested here is the cluster path.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
say() { echo "slurm-e2e: $*"; }
fail() {
  say "FAILED: $*"
  exit 1
}

if [ "$(id -u)" != 0 ]; then
  say "SKIPPED: not root (installing and starting munge, slurmctld and slurmd needs root)"
  exit 0
fi

GRID=${GRID:-64x64}
SHARDS=4
TIMEOUT_S=${SLURM_E2E_TIMEOUT_S:-600}
WORK=$(mktemp -d /tmp/qbsweep-slurm-e2e-XXXXXX)
PIDS=()
t0=$(date +%s)

cleanup() {
  local rc=$?
  for pidfile in "${PIDS[@]}"; do
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  done
  for pidfile in "${PIDS[@]}"; do
    for _ in $(seq 50); do
      pid=$(cat "$pidfile" 2>/dev/null || true)
      [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  done
  if [ "$rc" != 0 ]; then
    say "logs in $WORK"
    tail -n 20 "$WORK"/logs/* "$WORK"/*.log 2>/dev/null | sed 's/^/  /' || true
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

if ! command -v sbatch >/dev/null || ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurmctld slurmd slurm-client munge (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi

# a cluster that already answers is used as it is (its daemons are not ours to stop)
if timeout 10 sinfo -h >/dev/null 2>&1; then
  say "using the running Slurm cluster"
else
  say "starting a single-node Slurm in $WORK"
  if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    [ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
    mkdir -p /run/munge /var/log/munge /var/lib/munge && chown munge:munge /run/munge /var/log/munge /var/lib/munge
    runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid
    PIDS+=(/run/munge/munged.pid)
  fi
  host=$(hostname -s)
  mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
  mkdir -p "$WORK/etc" "$WORK/state" "$WORK/spool"
  export SLURM_CONF=$WORK/etc/slurm.conf
  cat >"$SLURM_CONF" <<EOF
ClusterName=qbsweep-e2e
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobRequeue=1
MinJobAge=600
SchedulerParameters=sched_interval=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=e2e Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  slurmctld && PIDS+=("$WORK/slurmctld.pid")
  slurmd && PIDS+=("$WORK/slurmd.pid")
  for _ in $(seq 60); do
    state=$(sinfo -h -o %T 2>/dev/null | head -1 || true)
    [ "$state" = idle ] && break
    sleep 1
  done
  [ "$state" = idle ] || fail "the node did not come up (state: ${state:-none})"
fi

RESULTS=$WORK/results
LOGS=$WORK/logs
export RESULTS LOGS
say "submitting fig9 $GRID in $SHARDS array tasks (cpu backend)"
out=$(SHARDS=$SHARDS PARALLEL=$SHARDS GRES='' CPUS=1 PRESET=fig9 GRID=$GRID \
  QBSWEEP_ARGS="--backend cpu --threads 1 --block-points 256 --no-png" deploy/slurm/submit.sh)
echo "  $out"
array=$(sed -n 's/^array job \([0-9]*\), merge job \([0-9]*\)$/\1/p' <<<"$out")
merge=$(sed -n 's/^array job \([0-9]*\), merge job \([0-9]*\)$/\2/p' <<<"$out")
[ -n "$array" ] && [ -n "$merge" ] || fail "could not read the job ids from: $out"

job_state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -1; }
deadline=$((t0 + TIMEOUT_S))

# kill one task while it runs, once it has saved a block, and queue it again
victim=''
while [ -z "$victim" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "no task saved a block within ${TIMEOUT_S}s"
  for k in $(seq 0 $((SHARDS - 1))); do
    parts="$RESULTS/fig9/.fig9.shard-$k-of-$SHARDS.parts"
    if [ "$(job_state "${array}_$k")" = RUNNING ] && [ -n "$(ls "$parts"/part-*.h5 2>/dev/null)" ]; then
      victim=$k
      break
    fi
  done
  sleep 0.2
done
saved=$(ls "$RESULTS/fig9/.fig9.shard-$victim-of-$SHARDS.parts"/part-*.h5 | wc -l)
scontrol requeue "${array}_${victim}"
# a requeued job waits two minutes before it may start again: it may start at once here
for _ in $(seq 20); do
  [ "$(job_state "${array}_${victim}")" = PENDING ] && break
  sleep 0.5
done
scontrol update JobId="${array}_${victim}" StartTime=now
say "killed task $victim while it ran ($saved block(s) saved) and queued it again"

while :; do
  s=$(job_state "$merge")
  case "$s" in
    COMPLETED) break ;;
    FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) fail "merge job $merge ended $s" ;;
    PENDING)
      reason=$(scontrol show job "$merge" | sed -n 's/.*Reason=\([A-Za-z_]*\).*/\1/p' | head -1)
      [ "$reason" != DependencyNeverSatisfied ] || fail "merge job $merge will never run: a task failed"
      ;;
  esac
  [ "$(date +%s)" -lt "$deadline" ] || fail "merge job $merge not done within ${TIMEOUT_S}s (state $s)"
  sleep 1
done
say "array job $array and merge job $merge completed"

log=$(ls "$LOGS"/qbsweep-fig9-"${array}_${victim}".out)
grep -q "resuming: [1-9][0-9]* finished block" "$log" || fail "task $victim did not resume from its saved blocks (see $log)"
say "task $victim resumed: $(grep -o 'resuming: [0-9]* finished block(s)' "$log" | tail -1)"

say "single-machine reference run"
node "$REPO/bin/qbsweep.js" sweep --preset fig9 --grid "$GRID" --backend cpu --no-png --quiet --out "$WORK/single"
cmp "$RESULTS/fig9-merged/fig9.csv" "$WORK/single/fig9.csv" || fail "merged CSV differs from the single-machine CSV"
rows=$(($(wc -l <"$WORK/single/fig9.csv") - 1))
say "PASSED: merged fig9.csv ($rows points from $SHARDS Slurm array tasks, one killed and requeued) equals the single-machine run byte for byte ($(($(date +%s) - t0)) s)"
