/** Shows a bad value in an error message without dumping large or secret input. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return Object.prototype.toString.call(value);
}
