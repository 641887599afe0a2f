// A bot: opens a SQLite store in its data directory with panda-kit/node and publishes a
// festival and an event into it with panda-kit/core, then reads them back from the file.
// Usage: node src/publish.mjs <data directory>; prints what the store holds as JSON.
import { DataDir, SqliteStore } from 'panda-kit/node';
import { FestivalNode, hashingReady } from 'panda-kit/core';

const data = new DataDir(process.argv[2]);
const identity = data.identityOrCreate();
await hashingReady();

const store = new SqliteStore(data.databasePath);
const node = new FestivalNode(store);
// Times are seconds since 1970 (UTC).
const start = Date.UTC(2026, 7, 20, 10) / 1000;
const festival = await node.createFestival(identity, { name: 'Sample Camp', start, end: start + 3 * 86_400, timezone: 'Europe/Berlin' });
const event = await node.createEvent(identity, { festival: festival.documentId, title: 'Opening', start, end: start + 3_600 });
store.close();

const reopened = new SqliteStore(data.databasePath);
const model = await new FestivalNode(reopened).model();
console.log(
  JSON.stringify({
    author: identity.publicKey(),
    festivalId: festival.documentId,
    festival: model.festivals.get(festival.documentId)?.name,
    event: model.events.get(event.documentId)?.title,
    logs: (await reopened.getLogs(identity.publicKey())).length,
  }),
);
reopened.close();
