/**
 * Sets a header on a headers object as an own property, whatever its name. A plain assignment of
 * `__proto__` would set the object's prototype instead, and the header would be gone; a producer
 * may send a header of any name.
 */
export function setHeader<T>(headers: Record<string, T>, name: string, value: T): void {
  if (name === '__proto__') Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
  else headers[name] = value;
}
