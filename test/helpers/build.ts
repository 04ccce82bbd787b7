// vitest globalSetup: the CLI tests run the built command (dist/, as `npm ci` leaves it), so
// build it from the current sources first (esbuild: well under a second).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url)), '--quiet'], { stdio: 'inherit' });
}
