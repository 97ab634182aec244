import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { SecretBox, secretKeyId } from '../../../src/connectors/secrets.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const key = () => randomBytes(32).toString('base64');

describe('connector secrets are sealed at rest', () => {
  it('seals with AES-256-GCM and opens only for the same instance', async () => {
    const box = new SecretBox({ key: key(), keyFile: '/nonexistent' });
    const sealed = await box.seal('instance-a', { token: 'rmb-token-0123456789' });
    expect(sealed.ciphertext.toString('utf8')).not.toContain('rmb-token');
    expect(sealed.nonce).toHaveLength(12);
    expect(await box.open('instance-a', sealed)).toEqual({ token: 'rmb-token-0123456789' });
    // Copied onto another connector, or altered: it does not open.
    await expect(box.open('instance-b', sealed)).rejects.toThrow(/do not open/);
    const altered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext) };
    altered.ciphertext[0]! ^= 1;
    await expect(box.open('instance-a', altered)).rejects.toThrow(/do not open/);
    // The same secret sealed twice gives two ciphertexts (fresh nonce).
    const again = await box.seal('instance-a', { token: 'rmb-token-0123456789' });
    expect(again.ciphertext.equals(sealed.ciphertext)).toBe(false);
  });

  it('keeps opening secrets sealed under a previous key after a rotation', async () => {
    const oldKey = key();
    const newKey = key();
    const sealed = await new SecretBox({ key: oldKey, keyFile: '/nonexistent' }).seal('i', {
      password: 'pw-123456',
    });
    const rotated = new SecretBox({ key: newKey, keyFile: '/nonexistent', previous: oldKey });
    expect(await rotated.open('i', sealed)).toEqual({ password: 'pw-123456' });
    expect((await rotated.seal('i', { password: 'x1234' })).keyId).toBe(
      secretKeyId(Buffer.from(newKey, 'base64')),
    );
    await expect(new SecretBox({ key: newKey, keyFile: '/nonexistent' }).open('i', sealed)).rejects.toThrow(
      /RMDX_CONNECTOR_SECRET_KEY/,
    );
  });

  it('without a configured key, creates one in the data directory with mode 0600, once', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rmdx-secrets-'));
    dirs.push(dir);
    const keyFile = path.join(dir, 'sub', 'connector-secret-key');
    const a = new SecretBox({ keyFile });
    const b = new SecretBox({ keyFile });
    const [ka, kb] = await Promise.all([a.currentKeyId(), b.currentKeyId()]);
    expect(ka).toBe(kb);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(Buffer.from((await readFile(keyFile, 'utf8')).trim(), 'base64')).toHaveLength(32);
    const sealed = await a.seal('i', { token: 'abcdef' });
    expect(await b.open('i', sealed)).toEqual({ token: 'abcdef' });
  });

  it('refuses a key that is not 32 bytes', async () => {
    await expect(new SecretBox({ key: 'c2hvcnQ=', keyFile: '/nonexistent' }).currentKeyId()).rejects.toThrow(
      /32 bytes/,
    );
  });
});
