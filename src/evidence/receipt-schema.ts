/** A signed receipt: the payload, and an Ed25519 signature over its RFC 8785 canonical form. */
export const signedReceiptSchema = {
  type: 'object',
  required: ['payload', 'alg', 'kid', 'signature'],
  properties: {
    payload: {
      type: 'object',
      additionalProperties: true,
      description:
        'batchId, reportingCountry, period, body sha256 as received, counts, timestamps, audit entry (see docs/evidence.md).',
    },
    alg: { type: 'string', enum: ['EdDSA'] },
    kid: { type: 'string' },
    signature: { type: 'string', description: 'base64url Ed25519 signature of JCS(payload) in UTF-8.' },
  },
} as const;
