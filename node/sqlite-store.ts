import Database from 'better-sqlite3';
import { PandaError } from '../core/errors.js';
import type { Hash } from '../core/hash/hash.js';
import type { OperationAction } from '../core/operation/operation.js';
import type { EntryRecord, ForkEvidence, LogInfo, Store, StoredEntry, StoredOperation } from '../core/storage/store.js';

/** Written to `PRAGMA application_id` so a Panda Kit store can be told from other SQLite files ("Pand"). */
export const SQLITE_APPLICATION_ID = 0x50616e64;

/**
 * `MIGRATIONS[i]` takes a store from schema version `i` (`PRAGMA user_version`) to `i + 1`;
 * version 0 is an empty file. Later versions append a migration, never edit an old one.
 */
const MIGRATIONS: readonly string[] = [
  `
  -- One row per entry; the key is its place in a log.
  CREATE TABLE entries (
    public_key TEXT NOT NULL,
    log_id INTEGER NOT NULL,
    seq_num INTEGER NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    bytes BLOB NOT NULL,
    PRIMARY KEY (public_key, log_id, seq_num)
  );

  -- One row per operation, in the order they were stored (rowid), which is the order
  -- getOperationsByDocument and getOperationsBySchema return them in.
  CREATE TABLE operations (
    id TEXT NOT NULL UNIQUE,
    document_id TEXT NOT NULL,
    schema_id TEXT NOT NULL,
    public_key TEXT NOT NULL,
    log_id INTEGER NOT NULL,
    seq_num INTEGER NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    -- JSON array of operation ids; NULL when the operation has none (create).
    previous TEXT,
    bytes BLOB NOT NULL
  );
  CREATE INDEX operations_by_document ON operations (document_id);
  CREATE INDEX operations_by_schema ON operations (schema_id);

  -- One row per log: its document and its head. One log per author and document.
  CREATE TABLE logs (
    public_key TEXT NOT NULL,
    log_id INTEGER NOT NULL,
    document_id TEXT NOT NULL,
    schema_id TEXT NOT NULL,
    latest_seq_num INTEGER NOT NULL,
    latest_hash TEXT NOT NULL,
    PRIMARY KEY (public_key, log_id),
    UNIQUE (public_key, document_id)
  ) WITHOUT ROWID;

  -- Fork evidence, in the order it was recorded.
  CREATE TABLE forks (
    id INTEGER PRIMARY KEY,
    public_key TEXT NOT NULL,
    log_id INTEGER NOT NULL,
    seq_num INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('seq', 'backlink')),
    stored BLOB NOT NULL,
    conflicting BLOB NOT NULL,
    detected_at INTEGER NOT NULL
  );
  CREATE INDEX forks_by_author ON forks (public_key);
  `,
];

/** The schema version this code writes. */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

interface EntryRow {
  hash: string;
  public_key: string;
  log_id: number;
  seq_num: number;
  bytes: Buffer;
}

interface OperationRow {
  id: string;
  document_id: string;
  schema_id: string;
  public_key: string;
  log_id: number;
  seq_num: number;
  action: OperationAction;
  previous: string | null;
  bytes: Buffer;
}

interface LogRow {
  public_key: string;
  log_id: number;
  document_id: string;
  schema_id: string;
  latest_seq_num: number;
  latest_hash: string;
}

interface ForkRow {
  public_key: string;
  log_id: number;
  seq_num: number;
  kind: 'seq' | 'backlink';
  stored: Buffer;
  conflicting: Buffer;
  detected_at: number;
}

type Statement = Database.Statement<unknown[], unknown>;

/** A plain `Uint8Array` copy of a BLOB (better-sqlite3 returns `Buffer`s). */
const bytes = (blob: Buffer): Uint8Array => new Uint8Array(blob);

const toEntry = (row: EntryRow): StoredEntry => ({
  hash: row.hash,
  publicKey: row.public_key,
  logId: row.log_id,
  seqNum: row.seq_num,
  bytes: bytes(row.bytes),
});

const toOperation = (row: OperationRow): StoredOperation => ({
  id: row.id,
  documentId: row.document_id,
  schemaId: row.schema_id,
  publicKey: row.public_key,
  logId: row.log_id,
  seqNum: row.seq_num,
  action: row.action,
  ...(row.previous === null ? {} : { previous: JSON.parse(row.previous) as Hash[] }),
  bytes: bytes(row.bytes),
});

const toLog = (row: LogRow): LogInfo => ({
  publicKey: row.public_key,
  logId: row.log_id,
  documentId: row.document_id,
  schemaId: row.schema_id,
  latestSeqNum: row.latest_seq_num,
  latestHash: row.latest_hash,
});

const toFork = (row: ForkRow): ForkEvidence => ({
  publicKey: row.public_key,
  logId: row.log_id,
  seqNum: row.seq_num,
  kind: row.kind,
  stored: bytes(row.stored),
  conflicting: bytes(row.conflicting),
  detectedAt: row.detected_at,
});

const sqliteCode = (error: unknown) => (error as { code?: unknown }).code;

/** SQLite's codes for a damaged file: a page, an index or the header is not what it should be. */
const isCorruption = (error: unknown): boolean => {
  const code = sqliteCode(error);
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
};

/** `STORE_CORRUPT` for a damaged file (the peer's data is gone, the peers still have it). */
function corrupt(path: string, error: unknown): PandaError {
  return new PandaError('STORE_CORRUPT', `The store at ${path} is damaged (${(error as Error).message})`, { path, cause: sqliteCode(error) });
}

/**
 * A `Store` in an SQLite file through better-sqlite3: for the always-on Node peer.
 *
 * better-sqlite3 is synchronous; the methods return promises because `Store` does, and
 * report every failure as a rejection. One `SqliteStore` per file per process: publishing
 * serialises writes per author in process, and `insert` keeps the log consistent
 * (`ENTRY_DUPLICATE`) should another process write to the same file.
 */
export class SqliteStore implements Store {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #statements: ReturnType<typeof prepare>;
  readonly #insert: Database.Transaction<(record: EntryRecord) => void>;

  /**
   * Opens (or creates) the store at `path`, a file path or `':memory:'`. Throws
   * `STORE_OPEN_FAILED` if the file cannot be opened, is not an SQLite database, is some
   * other application's database, or was written by a newer schema version, and
   * `STORE_CORRUPT` if it is damaged (as every method does once it meets damage later).
   */
  constructor(path: string) {
    this.path = path;
    let db: Database.Database | undefined;
    try {
      db = new Database(path);
      // WAL: readers do not block the writer and a commit appends to one file.
      db.pragma('journal_mode = WAL');
      // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits (without corrupting
      // the file) on power loss or an OS crash. A peer tells the author and other peers an
      // entry is stored once `insert` resolves; if it then forgot it, the author's next
      // entry would follow a hole in this copy of the log, and an author who re-signs the
      // lost position would look like a fork. One fsync per published entry is cheap next
      // to that.
      db.pragma('synchronous = FULL');
      migrate(db, path);
      this.#statements = prepare(db);
    } catch (error) {
      db?.close();
      if (error instanceof PandaError) throw error;
      // A header that is not SQLite's is some other file (STORE_OPEN_FAILED); damage behind it is ours.
      if (isCorruption(error) && sqliteCode(error) !== 'SQLITE_NOTADB') throw corrupt(path, error);
      throw new PandaError('STORE_OPEN_FAILED', `Could not open the store at ${path}: ${(error as Error).message}`, {
        path,
        cause: sqliteCode(error),
      });
    }
    this.#db = db;
    const s = this.#statements;
    this.#insert = db.transaction(({ entry, operation, log }: EntryRecord) => {
      if (s.entryTaken.get(entry.publicKey, entry.logId, entry.seqNum, entry.hash) !== undefined) {
        throw new PandaError('ENTRY_DUPLICATE', `The log already holds entry ${entry.seqNum} of log ${entry.logId}`);
      }
      s.insertEntry.run(entry.publicKey, entry.logId, entry.seqNum, entry.hash, entry.bytes);
      s.insertOperation.run(
        operation.id,
        operation.documentId,
        operation.schemaId,
        operation.publicKey,
        operation.logId,
        operation.seqNum,
        operation.action,
        operation.previous === undefined ? null : JSON.stringify(operation.previous),
        operation.bytes,
      );
      s.putLog.run(log.publicKey, log.logId, log.documentId, log.schemaId, log.latestSeqNum, log.latestHash);
    });
  }

  /**
   * SQLite's `data_version`: changes whenever another connection (another process, such as
   * a `panda` command) has committed to the file since this one last looked.
   */
  dataVersion(): number {
    return this.#read(() => this.#db.pragma('data_version', { simple: true }) as number);
  }

  /** Runs a query; a damaged file found on the way is `STORE_CORRUPT`, not SQLite's own error. */
  #read<T>(query: () => T): T {
    try {
      return query();
    } catch (error) {
      if (isCorruption(error)) throw corrupt(this.path, error);
      throw error;
    }
  }

  /** Closes the database file. The store cannot be used afterwards. */
  close(): void {
    this.#db.close();
  }

  async getEntry(publicKey: string, logId: number, seqNum: number) {
    const row = this.#read(() => this.#statements.entry.get(publicKey, logId, seqNum) as EntryRow | undefined);
    return row && toEntry(row);
  }

  async getEntryByHash(hash: Hash) {
    const row = this.#read(() => this.#statements.entryByHash.get(hash) as EntryRow | undefined);
    return row && toEntry(row);
  }

  async getEntries(publicKey: string, logId: number, fromSeqNum: number, limit = Infinity) {
    // LIMIT -1: no limit
    const sqlLimit = limit === Infinity ? -1 : Math.max(0, Math.ceil(limit));
    return this.#read(() => this.#statements.entries.all(publicKey, logId, fromSeqNum, sqlLimit) as EntryRow[]).map(toEntry);
  }

  async getLog(publicKey: string, logId: number) {
    const row = this.#read(() => this.#statements.log.get(publicKey, logId) as LogRow | undefined);
    return row && toLog(row);
  }

  async getLogs(publicKey?: string) {
    const rows = this.#read(() => (publicKey === undefined ? this.#statements.allLogs.all() : this.#statements.logsByAuthor.all(publicKey)));
    return (rows as LogRow[]).map(toLog);
  }

  async getLogForDocument(publicKey: string, documentId: Hash) {
    const row = this.#read(() => this.#statements.logForDocument.get(publicKey, documentId) as LogRow | undefined);
    return row && toLog(row);
  }

  async getOperation(id: Hash) {
    const row = this.#read(() => this.#statements.operation.get(id) as OperationRow | undefined);
    return row && toOperation(row);
  }

  async getOperationsByDocument(documentId: Hash) {
    return this.#read(() => this.#statements.operationsByDocument.all(documentId) as OperationRow[]).map(toOperation);
  }

  async getOperationsBySchema(schemaId: string) {
    return this.#read(() => this.#statements.operationsBySchema.all(schemaId) as OperationRow[]).map(toOperation);
  }

  async insert(record: EntryRecord) {
    const { entry } = record;
    try {
      // IMMEDIATE: take the write lock before checking the position, so no other
      // connection can fill it between the check and the write.
      this.#insert.immediate(record);
    } catch (error) {
      if (error instanceof PandaError) throw error;
      if (isCorruption(error)) throw corrupt(this.path, error);
      throw new PandaError('STORE_WRITE_FAILED', `Storing entry ${entry.hash} failed, nothing was written: ${(error as Error).message}`, {
        cause: sqliteCode(error),
      });
    }
  }

  async addForkEvidence(evidence: ForkEvidence) {
    const { publicKey, logId, seqNum, kind, stored, conflicting, detectedAt } = evidence;
    try {
      this.#statements.insertFork.run(publicKey, logId, seqNum, kind, stored, conflicting, detectedAt);
    } catch (error) {
      if (isCorruption(error)) throw corrupt(this.path, error);
      throw new PandaError('STORE_WRITE_FAILED', `Storing fork evidence failed: ${(error as Error).message}`, {
        cause: sqliteCode(error),
      });
    }
  }

  async getForkEvidence(publicKey?: string) {
    const rows = this.#read(() => (publicKey === undefined ? this.#statements.allForks.all() : this.#statements.forksByAuthor.all(publicKey)));
    return (rows as ForkRow[]).map(toFork);
  }
}

/** Brings the file to `SQLITE_SCHEMA_VERSION`, or throws `STORE_OPEN_FAILED`. */
function migrate(db: Database.Database, path: string): void {
  const fail = (reason: string) => new PandaError('STORE_OPEN_FAILED', `Could not open the store at ${path}: ${reason}`, { path });
  // IMMEDIATE: two processes opening a new file at once do not both create the schema.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    if (version === 0) {
      const { tables } = db.prepare("SELECT count(*) AS tables FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").get() as { tables: number };
      if (tables > 0 || applicationId !== 0) throw fail('it is an SQLite database, but not a Panda Kit store');
    } else if (applicationId !== SQLITE_APPLICATION_ID) {
      throw fail(`it is an SQLite database, but not a Panda Kit store (application_id ${applicationId})`);
    } else if (version > SQLITE_SCHEMA_VERSION) {
      throw fail(`it has schema version ${version}; this Panda Kit reads up to version ${SQLITE_SCHEMA_VERSION}`);
    }
    for (const migration of MIGRATIONS.slice(version)) db.exec(migration);
    if (version < SQLITE_SCHEMA_VERSION) {
      db.pragma(`application_id = ${SQLITE_APPLICATION_ID}`);
      db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
    }
  }).immediate();
}

/** Every statement the store runs, prepared once. */
function prepare(db: Database.Database) {
  const statement = (sql: string): Statement => db.prepare(sql);
  const entryColumns = 'hash, public_key, log_id, seq_num, bytes';
  const operationColumns = 'id, document_id, schema_id, public_key, log_id, seq_num, action, previous, bytes';
  const logColumns = 'public_key, log_id, document_id, schema_id, latest_seq_num, latest_hash';
  const forkColumns = 'public_key, log_id, seq_num, kind, stored, conflicting, detected_at';
  return {
    entry: statement(`SELECT ${entryColumns} FROM entries WHERE public_key = ? AND log_id = ? AND seq_num = ?`),
    entryByHash: statement(`SELECT ${entryColumns} FROM entries WHERE hash = ?`),
    entries: statement(`SELECT ${entryColumns} FROM entries WHERE public_key = ? AND log_id = ? AND seq_num >= ? ORDER BY seq_num LIMIT ?`),
    entryTaken: statement('SELECT 1 FROM entries WHERE (public_key = ? AND log_id = ? AND seq_num = ?) OR hash = ? LIMIT 1'),
    insertEntry: statement('INSERT INTO entries (public_key, log_id, seq_num, hash, bytes) VALUES (?, ?, ?, ?, ?)'),

    log: statement(`SELECT ${logColumns} FROM logs WHERE public_key = ? AND log_id = ?`),
    allLogs: statement(`SELECT ${logColumns} FROM logs ORDER BY public_key, log_id`),
    logsByAuthor: statement(`SELECT ${logColumns} FROM logs WHERE public_key = ? ORDER BY log_id`),
    logForDocument: statement(`SELECT ${logColumns} FROM logs WHERE public_key = ? AND document_id = ?`),
    // An upsert on the log's key only: a second log for one author's document still
    // violates UNIQUE (public_key, document_id) and fails the insert.
    putLog: statement(
      `INSERT INTO logs (${logColumns}) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (public_key, log_id) DO UPDATE SET
         document_id = excluded.document_id, schema_id = excluded.schema_id,
         latest_seq_num = excluded.latest_seq_num, latest_hash = excluded.latest_hash`,
    ),

    operation: statement(`SELECT ${operationColumns} FROM operations WHERE id = ?`),
    operationsByDocument: statement(`SELECT ${operationColumns} FROM operations WHERE document_id = ? ORDER BY rowid`),
    operationsBySchema: statement(`SELECT ${operationColumns} FROM operations WHERE schema_id = ? ORDER BY rowid`),
    insertOperation: statement(`INSERT INTO operations (${operationColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),

    insertFork: statement(`INSERT INTO forks (${forkColumns}) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    allForks: statement(`SELECT ${forkColumns} FROM forks ORDER BY id`),
    forksByAuthor: statement(`SELECT ${forkColumns} FROM forks WHERE public_key = ? ORDER BY id`),
  };
}
