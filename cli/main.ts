// better-sqlite3 and node-datachannel are optional peer dependencies of the package (README,
// "The npm package"): installed without them, the command says what to install.
const NATIVE = ['better-sqlite3', 'node-datachannel'];

let main: typeof import('./panda.js').main;
try {
  ({ main } = await import('./panda.js'));
} catch (error) {
  const { code, message } = error as { code?: string; message?: string };
  const missing = code === 'ERR_MODULE_NOT_FOUND' ? NATIVE.find((name) => String(message).includes(`'${name}`)) : undefined;
  if (missing === undefined) throw error;
  console.error(`panda: ${missing} is not installed. The command needs ${NATIVE.join(' and ')} beside panda-kit:\n  npm i ${NATIVE.join(' ')}`);
  process.exit(1);
}

await main();
// Everything is closed by now, but node-datachannel's native threads can still keep the
// process alive (murat-dogan/node-datachannel#349): a finished command must end.
process.exit();
