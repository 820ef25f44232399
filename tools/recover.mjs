#!/usr/bin/env node
// Freezer archive recovery, dependency-free (Node ≥ 18, nothing else): decrypts an archive with a key
// export and writes the payload (.tar.gz / .tar.bz2 / .tar) to stdout or a file, for `tar -x`.
// Reads Freezer's authenticated format (fzr1) and the original tool's CBC layout. See docs/RECOVERY.md
// and docs/FORMAT.md.
//
//   node tools/recover.mjs --key KEY.json [--description TEXT] [-o OUT] ARCHIVE
//   node tools/recover.mjs --key KEY.json ARCHIVE | tar -xzf - -C restored/
//
// Exit codes: 0 ok, 1 usage or I/O error, 2 wrong key, 3 archive altered or truncated, 4 unsupported cipher.
import crypto from 'node:crypto';
import fs from 'node:fs';

const HEADER = 48;
const TAG = 16;
const LEN = 4;

function fail(code, msg) {
  process.stderr.write(`recover: ${msg}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const o = { key: null, description: null, out: null, archive: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--key') o.key = argv[++i];
    else if (a === '--description') o.description = argv[++i];
    else if (a === '-o' || a === '--output') o.out = argv[++i];
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node tools/recover.mjs --key KEY.json [--description TEXT] [-o OUT] ARCHIVE\n');
      process.exit(0);
    } else if (!o.archive) o.archive = a;
    else fail(1, `unexpected argument ${a}`);
  }
  if (!o.archive) fail(1, 'no archive given (usage: --key KEY.json [--description TEXT] [-o OUT] ARCHIVE)');
  return o;
}

/** Our key export {"format":"freezer-key",...} or the original {"algorithm","keysize","blocksize","keystring"}. */
function readKey(file) {
  let j;
  try {
    j = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    fail(1, `cannot read key file ${file}: ${e.message}`);
  }
  if (j.format === 'freezer-key') {
    const i = j.algorithm.lastIndexOf('-');
    return { family: j.algorithm.slice(0, i), bits: Number(j.algorithm.slice(i + 1)), key: Buffer.from(j.key, 'hex') };
  }
  if (j.algorithm && j.keystring) return { family: j.algorithm, bits: j.keysize === 196 ? 192 : j.keysize, key: Buffer.from(j.keystring, 'hex') };
  fail(1, 'the key file is neither a Freezer key export nor an original Freezer key export');
}

const fingerprint = (key) => crypto.createHmac('sha256', key).update('freezer key fingerprint v1').digest().subarray(0, 8).toString('hex');

function legacyCipher(k) {
  switch (k.family) {
    case 'AES': return { name: `aes-${k.key.length * 8}-cbc`, block: 16 };
    case 'DES3': return { name: 'des-ede-cbc', block: 8 };
    case 'Blowfish': return { name: 'bf-cbc', block: 8 };
    case 'CAST': return { name: 'cast5-cbc', block: 8 };
    case 'DES': return { name: 'des-cbc', block: 8 };
    default: return fail(4, `unknown cipher family ${k.family}`);
  }
}

async function* chunksOf(file) {
  for await (const c of fs.createReadStream(file, { highWaterMark: 1 << 20 })) yield c;
}

/** fzr1: header, full chunks (chunkSize + 16), final chunk (chunkSize + 4 + 16) whose last 4 plaintext bytes give its data length. */
async function* fzr1(file, k, first) {
  const header = first.subarray(0, HEADER);
  if (header[4] !== 1 || header[5] !== 1 || header.readUInt16BE(6) !== HEADER) fail(4, 'unsupported fzr1 version or cipher');
  const cs = header.readUInt32BE(8);
  const fp = header.subarray(12, 20).toString('hex');
  if (fp !== fingerprint(k.key)) fail(2, `wrong key: the archive needs key ${fp}, the key file holds ${fingerprint(k.key)}`);
  const subkey = Buffer.from(crypto.hkdfSync('sha256', k.key, header.subarray(20, 36), Buffer.from('freezer fzr1 chunk key'), 32));
  const prefix = header.subarray(36, 43);
  const open = (i, sealed, final) => {
    const nonce = Buffer.alloc(12);
    prefix.copy(nonce);
    nonce.writeUInt32BE(i, 7);
    nonce[11] = final ? 1 : 0;
    const d = crypto.createDecipheriv('aes-256-gcm', subkey, nonce);
    d.setAAD(header);
    d.setAuthTag(sealed.subarray(sealed.length - TAG));
    const p = d.update(sealed.subarray(0, sealed.length - TAG));
    try {
      d.final();
    } catch {
      return null;
    }
    return p;
  };
  const sealed = cs + TAG;
  const finalSize = cs + LEN + TAG;
  let buf = Buffer.alloc(0);
  let index = 0;
  let started = false;
  for await (const c of chunksOf(file)) {
    buf = buf.length ? Buffer.concat([buf, c]) : c;
    if (!started) {
      if (buf.length < HEADER) continue;
      buf = buf.subarray(HEADER);
      started = true;
    }
    let off = 0;
    const out = [];
    while (buf.length - off > finalSize) {
      const p = open(index, buf.subarray(off, off + sealed), false);
      if (!p) fail(3, `chunk ${index} failed authentication: the archive was altered or damaged`);
      out.push(p);
      index++;
      off += sealed;
    }
    buf = buf.subarray(off);
    if (out.length) yield Buffer.concat(out);
  }
  if (!started || buf.length !== finalSize) fail(3, 'the archive is truncated (it does not end with a complete final chunk)');
  const p = open(index, buf, true);
  if (!p) fail(3, open(index, buf.subarray(0, sealed), false) ? 'the archive is truncated (final chunk missing)' : 'the final chunk failed authentication: the archive was altered');
  const n = p.readUInt32BE(cs);
  if (n > cs) fail(3, 'the final chunk has an invalid length');
  yield p.subarray(0, n);
}

/** Original tool: IV ‖ CBC(RHL ‖ RHL random bytes ‖ payload), no padding. */
async function* legacy(file, k) {
  const { name, block } = legacyCipher(k);
  let d = null;
  let skip = -1;
  let head = Buffer.alloc(0);
  for await (const c of chunksOf(file)) {
    let data = c;
    if (!d) {
      head = Buffer.concat([head, data]);
      if (head.length < block) continue;
      try {
        d = crypto.createDecipheriv(name, k.key, head.subarray(0, block));
      } catch (e) {
        fail(4, `this Node cannot use ${k.family} (${name}: ${e.message}); run with NODE_OPTIONS=--openssl-legacy-provider or use openssl as docs/RECOVERY.md shows`);
      }
      d.setAutoPadding(false);
      data = head.subarray(block);
    }
    let p = d.update(data);
    if (skip < 0 && p.length) skip = 1 + p[0];
    const n = Math.min(skip, p.length);
    p = p.subarray(n);
    skip -= n;
    if (p.length) yield p;
  }
  if (!d) fail(3, 'the archive is shorter than one cipher block');
  try {
    const p = d.final();
    if (p.length) yield p;
  } catch {
    fail(3, 'the archive does not end on a cipher block boundary: it is truncated');
  }
}

async function* plain(file) {
  yield* chunksOf(file);
}

const looksPlain = (b) => (b[0] === 0x1f && b[1] === 0x8b) || b.toString('latin1', 0, 3) === 'BZh' || (b.length >= 4 && b.readUInt32LE(0) === 0xfd2fb528) || b.toString('latin1', 257, 262) === 'ustar';

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const fd = fs.openSync(o.archive, 'r');
  const first = Buffer.alloc(512);
  const got = fs.readSync(fd, first, 0, 512, 0);
  fs.closeSync(fd);
  const head = first.subarray(0, got);
  const legacyDesc = o.description && !o.description.startsWith('freezer/1;') && /:[A-Za-z0-9]+-\d+-?\d*$/.test(o.description);
  let source;
  if (head.toString('latin1', 0, 4) === 'FZR1') {
    if (!o.key) fail(1, 'this archive is encrypted: give --key KEY.json');
    source = fzr1(o.archive, readKey(o.key), head);
  } else if (!legacyDesc && looksPlain(head)) {
    source = plain(o.archive);
  } else {
    if (!o.key) fail(1, 'this archive looks encrypted (original Freezer CBC layout): give --key KEY.json');
    source = legacy(o.archive, readKey(o.key));
  }
  const out = o.out ? fs.createWriteStream(o.out) : process.stdout;
  let total = 0;
  for await (const b of source) {
    total += b.length;
    if (!out.write(b)) await new Promise((r) => out.once('drain', r));
  }
  if (o.out) await new Promise((r, j) => out.end((e) => (e ? j(e) : r())));
  process.stderr.write(`recover: wrote ${total} bytes of payload${o.out ? ` to ${o.out}` : ''}\n`);
}

main().catch((e) => fail(1, e.message));
