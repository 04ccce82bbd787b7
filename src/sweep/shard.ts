// Deterministic sharding: shard i of N computes the contiguous block
// [floor(i * count / N), floor((i + 1) * count / N)) of the flattened grid, the same split on
// every machine. The index comes from --shard i/N, else from the job engine's environment:
// Kubernetes Indexed Jobs (JOB_COMPLETION_INDEX, with --shards N) or Slurm job arrays
// (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN, of SLURM_ARRAY_TASK_COUNT or --shards N).

import { InputError } from '../model/params.js';

export interface Shard {
  index: number;
  count: number;
  /** where the index came from, for the manifest and the user */
  source: string;
}

function int(what: string, text: string | undefined): number {
  const t = (text ?? '').trim();
  if (!/^\d+$/.test(t)) throw new InputError(`${what}: must be a whole number >= 0 (got ${JSON.stringify(text)})`);
  return Number(t);
}

function checked(index: number, count: number, source: string): Shard {
  if (count < 1) throw new InputError(`${source}: the number of shards must be >= 1 (got ${count})`);
  if (index >= count) throw new InputError(`${source}: shard index ${index} is not below the number of shards ${count} (indices run from 0 to ${count - 1})`);
  return { index, count, source };
}

/** The shard this process computes, or undefined for the whole grid. */
export function resolveShard(flag: string | undefined, shardsFlag: string | undefined, env: NodeJS.ProcessEnv = process.env): Shard | undefined {
  if (flag !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(flag.trim());
    if (!m) throw new InputError(`option --shard: expected i/N with 0 <= i < N, e.g. 3/8 (got ${JSON.stringify(flag)})`);
    if (shardsFlag !== undefined && int('option --shards', shardsFlag) !== Number(m[2])) throw new InputError(`options --shard ${flag} and --shards ${shardsFlag} disagree on the number of shards`);
    return checked(Number(m[1]), Number(m[2]), 'option --shard');
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    if (shardsFlag === undefined) throw new InputError('JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job): give the number of shards with --shards N (the Job\'s completions)');
    return checked(int('JOB_COMPLETION_INDEX', env.JOB_COMPLETION_INDEX), int('option --shards', shardsFlag), 'JOB_COMPLETION_INDEX');
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const id = int('SLURM_ARRAY_TASK_ID', env.SLURM_ARRAY_TASK_ID);
    const min = env.SLURM_ARRAY_TASK_MIN !== undefined ? int('SLURM_ARRAY_TASK_MIN', env.SLURM_ARRAY_TASK_MIN) : 0;
    const count = shardsFlag !== undefined ? int('option --shards', shardsFlag) : env.SLURM_ARRAY_TASK_COUNT !== undefined ? int('SLURM_ARRAY_TASK_COUNT', env.SLURM_ARRAY_TASK_COUNT) : undefined;
    if (count === undefined) throw new InputError('SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor --shards N says how many shards there are');
    if (id < min) throw new InputError(`SLURM_ARRAY_TASK_ID ${id} is below SLURM_ARRAY_TASK_MIN ${min}`);
    return checked(id - min, count, 'SLURM_ARRAY_TASK_ID');
  }
  if (shardsFlag !== undefined) throw new InputError('option --shards: give --shard i/N, or run under a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) or a Slurm array (SLURM_ARRAY_TASK_ID)');
  return undefined;
}

export function shardRange(total: number, s: Shard | undefined): [number, number] {
  if (!s) return [0, total];
  return [Math.floor((s.index * total) / s.count), Math.floor(((s.index + 1) * total) / s.count)];
}

/** NAME.shard-003-of-016 */
export function shardStem(name: string, s: Shard | undefined): string {
  if (!s) return name;
  const w = String(s.count).length;
  return `${name}.shard-${String(s.index).padStart(w, '0')}-of-${s.count}`;
}
