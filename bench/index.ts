/** `npm run bench`: every Panda Kit benchmark, one after another, in one process. */
import { cpus } from 'node:os';
import { run as entries } from './core-entries.js';
import { run as extension } from './extension.js';
import { run as festival } from './festival.js';
import { run as mesh } from './mesh.js';
import { run as overlay } from './overlay.js';
import { run as replication } from './replication.js';
import { run as visitor } from './visitor.js';
import { run as widgets } from './widgets.js';

console.log(`Panda Kit benchmarks, Node ${process.version}, ${cpus().length} cores`);
const only = process.argv[2];
if (!only || only === 'entries') await entries();
if (!only || only === 'festival') await festival();
if (!only || only === 'replication') await replication();
if (!only || only === 'extension') await extension();
if (!only || only === 'widgets') await widgets();
if (!only || only === 'visitor') await visitor();
if (!only || only === 'overlay') await overlay();
if (!only || only === 'mesh') await mesh();
