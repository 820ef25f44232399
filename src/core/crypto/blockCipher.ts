/**
 * A 64-bit block cipher working on the block as two big-endian 32-bit halves: the shape of the
 * original tool's Blowfish and CAST-128, which Freezer implements itself (OpenSSL 3 keeps them in its
 * legacy provider, which neither Node nor VS Code's runtime loads). Read-only: new archives never use them.
 */
export interface BlockCipher64 {
  /** Encrypts [l, r] in place. */
  encrypt(b: Uint32Array): void;
  /** Decrypts [l, r] in place. */
  decrypt(b: Uint32Array): void;
}
