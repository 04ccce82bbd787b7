// Worker threads do not inherit the main thread's TypeScript loader: register it here (tests
// run the sources; the built command uses dist/picture-worker.js).
import { register } from 'tsx/esm/api';

register();
await import('./pictureWorker.ts');
