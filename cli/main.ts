import { main } from './panda.js';

await main();
