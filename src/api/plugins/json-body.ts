import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';

import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import sjson from 'secure-json-parse';

import { apiError } from '../../errors.js';

const gunzipAsync = promisify(gunzip);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

declare module 'fastify' {
  interface FastifyRequest {
    /** The body bytes exactly as received (still gzip-encoded when sent so). */
    rawBody?: Buffer;
    /** The decoded JSON text's bytes (equal to rawBody unless gzip). */
    decodedBody?: Buffer;
  }
}

export interface JsonBodyOptions {
  decodedBodyLimitBytes: number;
}

/** Turns a JSON.parse error position into line and column, which an operator can find in an editor. */
export function describeJsonError(text: string, err: Error): string {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return `The body is not valid JSON: ${err.message}`;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `The body is not valid JSON at line ${line}, column ${column} (byte ${pos}): ${err.message}`;
}

export async function decodeBody(raw: Buffer, encoding: string | undefined, limit: number): Promise<Buffer> {
  const enc = (encoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return raw;
  if (enc !== 'gzip' && enc !== 'x-gzip') {
    throw apiError(
      'RMDX_ERR_UNSUPPORTED_MEDIA_TYPE',
      `Content-Encoding "${encoding}" is not supported; use gzip or none`,
    );
  }
  try {
    return await gunzipAsync(raw, { maxOutputLength: limit });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger|exceeds/i.test(e.message)) {
      throw apiError('RMDX_ERR_BODY_TOO_LARGE', `The gzip body decodes to more than ${limit} bytes`);
    }
    throw apiError('RMDX_ERR_BAD_ENCODING', `The gzip body could not be decoded: ${e.message}`);
  }
}

export function parseJsonText(bytes: Buffer): unknown {
  if (bytes.length === 0)
    throw apiError('RMDX_ERR_EMPTY_BODY', 'The body is empty; send a batch document or one record');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw apiError('RMDX_ERR_BAD_ENCODING', 'The body is not valid UTF-8 text');
  }
  if (text.trim() === '')
    throw apiError('RMDX_ERR_EMPTY_BODY', 'The body is empty; send a batch document or one record');
  try {
    // secure-json-parse drops nothing silently: a __proto__ or constructor.prototype key is an error.
    return sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    const e = err as Error;
    if (/prototype/i.test(e.message)) {
      throw apiError(
        'RMDX_ERR_BAD_JSON',
        'The body contains a "__proto__" or "constructor.prototype" key, which is not allowed',
      );
    }
    throw apiError('RMDX_ERR_BAD_JSON', describeJsonError(text, e));
  }
}

/**
 * One JSON body parser for the whole API: accepts gzip, rejects invalid UTF-8 and prototype keys,
 * and keeps the bytes as received so a batch can be stored and hashed exactly.
 */
export const jsonBodyPlugin = fp<JsonBodyOptions>(
  async (app: FastifyInstance, opts) => {
    app.removeContentTypeParser(['application/json', 'text/plain']);
    app.addContentTypeParser(
      /^application\/([\w.+-]+\+)?json(\s*;.*)?$/i,
      { parseAs: 'buffer' },
      async (request: FastifyRequest, body: Buffer) => {
        request.rawBody = body;
        const decoded = await decodeBody(
          body,
          request.headers['content-encoding'] as string | undefined,
          opts.decodedBodyLimitBytes,
        );
        request.decodedBody = decoded;
        return parseJsonText(decoded);
      },
    );
  },
  { name: 'json-body' },
);
