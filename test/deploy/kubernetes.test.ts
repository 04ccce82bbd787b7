// The Kubernetes manifests against the Kubernetes schema, offline (kubernetes-models bundles the
// API's JSON schemas as validators), and against qbsweep: the Job's args are a command qbsweep
// accepts, --shards equals completions, and every pod mounts the claim that exists.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

const DIR = join(REPO, 'deploy', 'kubernetes');
const MODELS: Record<string, new (o: never) => { validate(): void }> = { Job, PersistentVolumeClaim };

type Manifest = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const manifests: { file: string; doc: Manifest }[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => {
      expect(d.errors, file).toEqual([]);
      return { file, doc: d.toJS() as Manifest };
    }),
  );

function validate(doc: Manifest): void {
  const Model = MODELS[doc.kind];
  if (!Model) throw new Error(`no schema for kind ${doc.kind}`);
  new Model(doc as never).validate();
}

describe('deploy/kubernetes', () => {
  it('every manifest is valid against the Kubernetes schema', () => {
    expect(manifests.map((m) => `${m.file}:${m.doc.kind}`)).toEqual(['merge-job.yaml:Job', 'results-pvc.yaml:PersistentVolumeClaim', 'sweep-job.yaml:Job']);
    for (const { file, doc } of manifests) expect(() => validate(doc), file).not.toThrow();
  });

  it('the validator rejects what Kubernetes would (a control that it validates at all)', () => {
    const job = structuredClone(manifests.find((m) => m.file === 'sweep-job.yaml')!.doc);
    job.spec.completions = 'sixteen';
    expect(() => validate(job)).toThrowError(/spec\/completions must be integer/);
    const job2 = structuredClone(manifests.find((m) => m.file === 'sweep-job.yaml')!.doc);
    job2.spec.completionMode = 'Sharded';
    expect(() => validate(job2)).toThrowError(/completionMode must be equal to one of the allowed values/);
    const job3 = structuredClone(manifests.find((m) => m.file === 'merge-job.yaml')!.doc);
    delete job3.spec.template.spec.containers[0].name;
    expect(() => validate(job3)).toThrowError(/containers\/0 must have required property name/);
  });

  it('the sweep Job is an Indexed Job whose --shards is its completions, on the claim that exists', () => {
    const sweep = manifests.find((m) => m.file === 'sweep-job.yaml')!.doc;
    const merge = manifests.find((m) => m.file === 'merge-job.yaml')!.doc;
    const pvc = manifests.find((m) => m.file === 'results-pvc.yaml')!.doc;
    expect(sweep.spec.completionMode).toBe('Indexed');
    const args: string[] = sweep.spec.template.spec.containers[0].args;
    expect(args[0]).toBe('sweep');
    expect(Number(args[args.indexOf('--shards') + 1])).toBe(sweep.spec.completions);
    expect(args).toContain('--resume');
    const out = args[args.indexOf('--out') + 1];
    const margs: string[] = merge.spec.template.spec.containers[0].args;
    expect(margs.slice(0, 2)).toEqual(['merge', out]);
    for (const job of [sweep, merge]) {
      const pod = job.spec.template.spec;
      expect(pod.volumes[0].persistentVolumeClaim.claimName).toBe(pvc.metadata.name);
      expect(out.startsWith(pod.containers[0].volumeMounts[0].mountPath + '/')).toBe(true);
    }
  });
});
