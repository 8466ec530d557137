import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import type { CompressionAlgorithm } from '../config/index.js';
import { Compression, type CompressionCode } from './envelope.js';

/** Quality 5 of 11: most of brotli's ratio at a small fraction of the CPU of the default (11). */
const BROTLI_QUALITY = 5;

export function compressionCode(algorithm: CompressionAlgorithm): CompressionCode {
  return Compression[algorithm];
}

export function compress(code: CompressionCode, data: Buffer): Buffer {
  if (code === Compression.gzip) return gzipSync(data);
  return brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
}

/**
 * Largest value decompression may produce. A value without encryption is not
 * authenticated, so a small stored value could otherwise expand without bound.
 */
export const MAX_DECOMPRESSED = 256 * 1024 * 1024;

/** Throws (a zlib error) when `data` is not valid compressed data or expands past {@link MAX_DECOMPRESSED}. */
export function decompress(code: CompressionCode, data: Buffer): Buffer {
  const options = { maxOutputLength: MAX_DECOMPRESSED };
  if (code === Compression.gzip) return gunzipSync(data, options);
  if (code === Compression.brotli) return brotliDecompressSync(data, options);
  return data;
}
