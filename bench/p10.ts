import * as core from '../core/index.js';
import { buildFestival } from './festival.js';
const { store } = await buildFestival();
const schemas = core.festivalSchemaRegistry();
const stored = (await Promise.all(core.FESTIVAL_SCHEMAS.map((s) => store.getOperationsBySchema(s.id)))).flat();
const lookup = (id: string) => schemas.get(id);
for (let r = 0; r < 6; r++) {
  let t = performance.now(); for (const o of stored) core.decodeOperation(o.bytes); const a = performance.now() - t;
  t = performance.now(); for (const o of stored) core.decodeTypedOperation(o.bytes, lookup); const b = performance.now() - t;
  t = performance.now(); for (const o of stored) core.toFestivalOperation(o, schemas); const c = performance.now() - t;
  t = performance.now(); const kept = stored.map((o) => core.toFestivalOperation(o, schemas)); const d = performance.now() - t;
  if (r > 2) console.log(`plain ${a.toFixed(1)} typed ${b.toFixed(1)} toFestival ${c.toFixed(1)} toFestival-kept ${d.toFixed(1)} ${kept.length}`);
}
