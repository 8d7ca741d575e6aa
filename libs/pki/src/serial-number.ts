/**
 * 16 random bytes as hex: unpredictable serials (CA/B BR §7.1 asks for 64+ bits of entropy) and
 * no two dev certificates collide. The first byte is kept in 0x01..0x7f so the DER INTEGER is
 * positive without a padding byte and has no leading zero to strip: always exactly 16 bytes.
 */
export function randomSerialNumber(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) || 0x01;
  return Buffer.from(bytes).toString('hex');
}
