// Every example of the docs runs as written: the command lines of the code blocks of README.md
// and docs/*.md, in order, in a fresh directory that has the repository's examples/ (the docs
// run from the repository root). A line whose comment starts with "slow" (or that runs until
// Ctrl-C) is not run; its subcommand and every option it names must exist. The spec blocks of
// README.md are the files shipped in examples/.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/cli.js';

const DOCS = ['README.md', ...readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const NOT_RUN = /^#\s*(slow\b|runs until Ctrl-C)/;

interface Example {
  line: number;
  command: string;
  comment: string;
}

/** The lines of the code blocks (fenced, or indented by 4 spaces) of a Markdown file, with their line numbers. */
function codeLines(text: string): { line: number; text: string; lang: string }[] {
  const out: { line: number; text: string; lang: string }[] = [];
  let fence: string | undefined;
  text.split('\n').forEach((l, i) => {
    const f = /^```(\w*)/.exec(l);
    if (f) {
      fence = fence === undefined ? f[1] : undefined;
      return;
    }
    if (fence !== undefined) out.push({ line: i + 1, text: l, lang: fence });
    else if (/^ {4}\S/.test(l)) out.push({ line: i + 1, text: l.slice(4), lang: '' });
  });
  return out;
}

/** The qbsweep command lines of a file: the command (without `npm ci && `) and its comment. */
function examples(file: string): Example[] {
  return codeLines(readFileSync(join(REPO, file), 'utf8'))
    .filter((l) => /\bnpx qbsweep\b/.test(l.text) && l.lang !== 'json')
    .map((l) => {
      const m = /^(.*?)(\s+#\s.*)?$/.exec(l.text.trim())!;
      // a transcript's prompt, and the install step of the first line, are not the example
      return { line: l.line, command: m[1].replace(/^\$ /, '').replace(/^npm ci && /, ''), comment: (m[2] ?? '').trim() };
    });
}

const helpCache = new Map<string, string>();
function helpOf(sub: string): string {
  if (!helpCache.has(sub)) {
    const r = runCli([sub, '--help']);
    expect(r.code, `qbsweep ${sub} --help: ${r.stderr}`).toBe(0);
    helpCache.set(sub, r.stdout);
  }
  return helpCache.get(sub)!;
}

const dirs: string[] = [];
/** commands already run (one per docs file may repeat another's) */
const seen = new Set<string>();
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the docs examples', () => {
  it('invoke the tool one way: npx qbsweep (no bare qbsweep in a code block)', () => {
    for (const file of DOCS) {
      for (const l of codeLines(readFileSync(join(REPO, file), 'utf8'))) {
        expect(/^\s*qbsweep\s/.test(l.text), `${file}:${l.line}: ${l.text}`).toBe(false);
      }
    }
  });

  it("README's spec blocks are the files in examples/", () => {
    const blocks = readFileSync(join(REPO, 'README.md'), 'utf8').match(/```json\n[\s\S]*?```/g) ?? [];
    const parse = (b: string) => {
      try {
        return JSON.parse(b.slice(8, -3));
      } catch {
        return undefined; // e.g. the block of initial states, one per line
      }
    };
    const specs = blocks.map(parse).filter((j) => typeof j?.name === 'string' && Array.isArray(j.axes));
    expect(specs.length).toBeGreaterThanOrEqual(3);
    for (const spec of specs) expect(JSON.parse(readFileSync(join(REPO, 'examples', `${spec.name}.json`), 'utf8'))).toEqual(spec);
  });

  for (const file of DOCS) {
    const list = examples(file);
    if (!list.length) continue;
    it(`${file}: every example runs as written (${list.filter((e) => !NOT_RUN.test(e.comment)).length} of ${list.length}; the others' options exist)`, () => {
      const cwd = mkdtempSync(join(tmpdir(), 'qbsweep-docs-'));
      dirs.push(cwd);
      symlinkSync(join(REPO, 'examples'), join(cwd, 'examples'));
      for (const ex of list) {
        const where = `${file}:${ex.line}: ${ex.command}`;
        if (NOT_RUN.test(ex.comment)) {
          const words = ex.command.split(/\s+/);
          const sub = words[words.indexOf('qbsweep') + 1];
          const help = helpOf(sub);
          for (const opt of words.filter((w) => w.startsWith('--'))) expect(help, `${where}: ${opt} is not an option of qbsweep ${sub}`).toContain(opt.split('=')[0]);
          continue;
        }
        // the same line again (e.g. the main job, or a figure in two docs): once is enough,
        // unless it writes a file a later line of this doc reads (`> my.json`)
        const key = ex.command.replace(/\/(\s|$)/g, '$1');
        if (seen.has(key) && !ex.command.includes('>')) continue;
        seen.add(key);
        const command = ex.command.replace(/\bnpx qbsweep\b/g, `node ${JSON.stringify(join(REPO, 'bin/qbsweep.js'))}`);
        const t = performance.now();
        const r = spawnSync('bash', ['-o', 'pipefail', '-c', command], { cwd, encoding: 'utf8', timeout: 120_000 });
        expect(r.status, `${where}\n${r.stderr}`).toBe(0);
        if (process.env.QBSWEEP_DOCS_TIMES) console.log(`${((performance.now() - t) / 1000).toFixed(1)} s  ${where}`);
      }
    }, 600_000);
  }
});
