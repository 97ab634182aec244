import type { ChunkBatchInfo } from './stages/process-chunk.js';
import type { ChunkWork } from './stages/prepare.js';

/** BullMQ queue names. A batch: one prepare job → a flow of chunk children under one finalise parent. */
export const queueNames = {
  prepare: 'rmdx-batches',
  chunks: 'rmdx-chunks',
  finalise: 'rmdx-finalise',
} as const;

export interface PrepareJobData {
  batchId: string;
  attempt: number;
}

export interface ChunkJobData {
  batch: ChunkBatchInfo;
  work: ChunkWork;
}

export interface FinaliseJobData {
  batchId: string;
}

/** Deterministic job ids: the same batch attempt is never queued twice. */
export const jobIds = {
  prepare: (batchId: string, attempt: number) => `${batchId}.${attempt}`,
  finalise: (batchId: string, attempt: number) => `${batchId}.${attempt}.finalise`,
  chunk: (batchId: string, attempt: number, chunk: number) => `${batchId}.${attempt}.c${chunk}`,
};
