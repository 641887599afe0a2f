/** `npm run bench`: every Panda Kit benchmark, one after another, in one process. */
import { run as entries } from './core-entries.js';

console.log(`Panda Kit benchmarks, Node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
await entries();
