/**
 * The reference validators of frab/c3voc exports, for every test that checks one: the c3voc
 * JSON schema (draft-06) through Ajv, and schedule.xml.xsd through libxml2 in WebAssembly.
 * Not a test file.
 */
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { validateXML } from 'xmllint-wasm';
import { readReference } from './support.js';

const require = createRequire(import.meta.url);
// ajv-formats is CommonJS: its plugin is module.exports and module.exports.default.
const addFormats = addFormatsModule.default;

/** The c3voc schema is draft-06: Ajv's default class (draft-07) with the draft-06 meta-schema. */
export function frabJsonValidator(): ValidateFunction {
  const schema = JSON.parse(readReference('c3voc-schedule-schema.json')) as object;
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  addFormats(ajv);
  ajv.addFormat('color', /^#[0-9a-fA-F]{6}$/); // used by the schema, defined nowhere
  ajv.addKeyword('$oneOf'); // the schema's disabled alternatives and notes
  ajv.addKeyword('$todo');
  return ajv.compile(schema);
}

/** What libxml2 finds wrong in `xml` against schedule.xml.xsd (empty when valid). */
export async function frabXmlErrors(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: 'schedule.xml', contents: xml }], schema: [readReference('c3voc-schedule.xml.xsd')] });
  return result.valid ? [] : result.errors.map((error) => error.rawMessage);
}
