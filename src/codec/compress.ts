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

/** Throws (a zlib error) when `data` is not valid compressed data. */
export function decompress(code: CompressionCode, data: Buffer): Buffer {
  if (code === Compression.gzip) return gunzipSync(data);
  if (code === Compression.brotli) return brotliDecompressSync(data);
  return data;
}
