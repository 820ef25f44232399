import { xmlEscape } from '../awsError';
import { malformedXml } from './s3Error';

/**
 * The little XML S3 request bodies need (CompleteMultipartUpload, RestoreRequest, notification
 * configurations, Delete, CreateBucketConfiguration): elements and text, no DTDs. Anything else is
 * MalformedXML, as on S3.
 */
export interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    const v = ENTITIES[e];
    if (v === undefined) throw malformedXml();
    return v;
  });
}

export function parseXml(src: string): XmlNode {
  let i = 0;
  const skipMisc = (): void => {
    for (;;) {
      while (i < src.length && /\s/.test(src[i])) i++;
      if (src.startsWith('<?', i)) { const e = src.indexOf('?>', i); if (e < 0) throw malformedXml(); i = e + 2; continue; }
      if (src.startsWith('<!--', i)) { const e = src.indexOf('-->', i); if (e < 0) throw malformedXml(); i = e + 3; continue; }
      return;
    }
  };
  const element = (): XmlNode => {
    const m = /^<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(src.slice(i, i + 4096));
    if (!m) throw malformedXml();
    i += m[0].length;
    const name = m[1].includes(':') ? m[1].slice(m[1].indexOf(':') + 1) : m[1];
    const node: XmlNode = { name, children: [], text: '' };
    if (m[3]) return node;
    for (;;) {
      if (i >= src.length) throw malformedXml();
      if (src.startsWith('</', i)) {
        const e = src.indexOf('>', i);
        if (e < 0 || src.slice(i + 2, e).trim() !== m[1]) throw malformedXml();
        i = e + 1;
        return node;
      }
      if (src.startsWith('<!--', i)) { const e = src.indexOf('-->', i); if (e < 0) throw malformedXml(); i = e + 3; continue; }
      if (src.startsWith('<![CDATA[', i)) { const e = src.indexOf(']]>', i); if (e < 0) throw malformedXml(); node.text += src.slice(i + 9, e); i = e + 3; continue; }
      if (src[i] === '<') { node.children.push(element()); continue; }
      const e = src.indexOf('<', i);
      node.text += decode(src.slice(i, e < 0 ? src.length : e));
      i = e < 0 ? src.length : e;
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== src.length) throw malformedXml();
  return root;
}

export const child = (n: XmlNode | undefined, name: string): XmlNode | undefined => n?.children.find((c) => c.name === name);
export const childrenNamed = (n: XmlNode | undefined, name: string): XmlNode[] => n?.children.filter((c) => c.name === name) ?? [];
export const textOf = (n: XmlNode | undefined, name: string): string | undefined => {
  const c = child(n, name);
  return c ? c.text.trim() : undefined;
};

/** `<name>escaped value</name>`, nothing when the value is undefined or null. */
export function t(name: string, value: string | number | boolean | undefined | null): string {
  return value === undefined || value === null ? '' : `<${name}>${xmlEscape(String(value))}</${name}>`;
}

/** `<name>already rendered XML</name>`. */
export const el = (name: string, inner: string): string => `<${name}>${inner}</${name}>`;

export const xmlDoc = (root: string, inner: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</${root}>`;
