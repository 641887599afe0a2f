import { main } from './panda.js';

await main();
// Everything is closed by now, but node-datachannel's native threads can still keep the
// process alive (murat-dogan/node-datachannel#349): a finished command must end.
process.exit();
