/**
 * The parameters of `panda_publish`, checked: anything else is -32602 before the person is
 * ever asked.
 *
 *   { type: 'event', action: 'create', fields: { festival, title, start, end, resources?, description? } }
 *   { type: 'event', action: 'update', documentId, fields: { title: 'New title' } }
 *   { type: 'event', action: 'delete', documentId }
 *   { type: 'authorization', action: 'create', fields: { resource, event, decision: 'confirm' | 'deny', note? } }
 */
import { isHash, type Hash } from '../../core/index.js';
import { invalid } from './request-params.js';

export const DOCUMENT_TYPES = ['festival', 'profile', 'resource', 'event', 'authorization'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export type FieldValue = string | number | boolean | string[];

export type PublishRequest =
  | { type: DocumentType; action: 'create'; fields: Record<string, FieldValue> }
  | { type: DocumentType; action: 'update'; documentId: Hash; fields: Record<string, FieldValue> }
  | { type: DocumentType; action: 'delete'; documentId: Hash };

const MAX_FIELDS = 32;
const MAX_TEXT = 10_000;

function checkFields(value: unknown): Record<string, FieldValue> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid('fields is an object');
  const entries = Object.entries(value);
  if (entries.length === 0 || entries.length > MAX_FIELDS) invalid(`fields has 1 to ${MAX_FIELDS} entries`);
  const fields: Record<string, FieldValue> = {};
  for (const [name, item] of entries) {
    if (!/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/.test(name)) invalid(`"${name.slice(0, 40)}" is not a field name`);
    const ok =
      (typeof item === 'string' && item.length <= MAX_TEXT) ||
      (typeof item === 'number' && Number.isFinite(item)) ||
      typeof item === 'boolean' ||
      (Array.isArray(item) && item.length <= 1000 && item.every((element) => typeof element === 'string' && element.length <= 200));
    if (!ok) invalid(`field "${name}" is not a string, finite number, boolean or list of strings (or too long)`);
    fields[name] = item as FieldValue;
  }
  return fields;
}

export function parsePublishRequest(params: unknown): PublishRequest {
  const value = (Array.isArray(params) ? params[0] : params) as Record<string, unknown> | undefined;
  if (typeof value !== 'object' || value === null) invalid('panda_publish takes { type, action, documentId?, fields? }');
  const type = value.type as DocumentType;
  if (!DOCUMENT_TYPES.includes(type)) invalid(`type is one of ${DOCUMENT_TYPES.join(', ')}`);
  const action = value.action ?? 'create';
  if (action === 'create') return { type, action, fields: checkFields(value.fields) };
  if (action !== 'update' && action !== 'delete') invalid('action is create, update or delete');
  if (!isHash(value.documentId)) invalid('documentId is a document id');
  if (action === 'delete') {
    if (value.fields !== undefined) invalid('a delete has no fields');
    return { type, action, documentId: value.documentId };
  }
  return { type, action, documentId: value.documentId, fields: checkFields(value.fields) };
}

/** The kind of a request, for "always allow this kind on this site". */
export function requestKind(request: PublishRequest): string {
  return `publish:${request.type}:${request.action}`;
}
