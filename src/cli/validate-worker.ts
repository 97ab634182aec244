/**
 * The second thread of `rmdx validate` on a large batch (see parallel-validate.ts): it loads the
 * standard, parses the records after the cut from the shared bytes of the file, and checks them
 * (`checkRecords`) once the main thread has read the envelope and says in which context.
 *
 * Messages in:  { bytes: SharedArrayBuffer, from, to }   the part: "[" + text[from, to)
 *               { version, semantic, now }               the batch's version and semantic context
 * Messages out: { type: 'parsed', count } | { type: 'checked', checked } | { type: 'failed', reason }
 */
import { parentPort, workerData } from 'node:worker_threads';

import { precompiled } from '../standard/generated/validators.js';
import { loadRegistry } from '../standard/registry.js';
import { notPlain } from './split-batch.js';
import { type CheckedRecords, checkRecords } from '../standard/validate.js';

interface PartMessage {
  bytes: SharedArrayBuffer;
  from: number;
  to: number;
}

interface ContextMessage {
  version: string;
  semantic: { reportingCountry: string | undefined; period: string | undefined };
  now: number;
}

export type WorkerReply =
  | { type: 'parsed'; count: number }
  | { type: 'checked'; checked: CheckedRecords }
  | { type: 'failed'; reason: string };

const port = parentPort!;
const reply = (m: WorkerReply, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);

const { schemasDir } = workerData as { schemasDir: string };
const registry = loadRegistry(schemasDir, { precompiled });

let records: unknown[] | undefined;
let context: ContextMessage | undefined;

function check() {
  if (!records || !context) return;
  const checked = checkRecords(registry.get(context.version), records, context.semantic, context.now);
  records = undefined;
  reply({ type: 'checked', checked }, [checked.types.buffer as ArrayBuffer]);
  port.close();
}

port.on('message', (m: PartMessage | ContextMessage) => {
  try {
    if ('bytes' in m) {
      const text = Buffer.from(m.bytes).toString('utf8', m.from, m.to);
      if (notPlain.test(text)) throw new Error('not plain text');
      const part = JSON.parse(`[${text}`) as unknown;
      if (!Array.isArray(part)) throw new Error('not an array');
      records = part;
      reply({ type: 'parsed', count: part.length });
    } else {
      context = m;
    }
    check();
  } catch (err) {
    reply({ type: 'failed', reason: err instanceof Error ? err.message : String(err) });
    port.close();
  }
});
