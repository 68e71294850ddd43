// AWS Signature Version 4 (AWS4-HMAC-SHA256) for the console's API calls,
// written from AWS's description of the algorithm. Pure: no DOM, the clock
// is an argument; WebCrypto (crypto.subtle) does SHA-256 and HMAC, so it
// runs in browsers and in Node 20 alike.

export const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';

const encoder = new TextEncoder();
const bytes = (v) => (typeof v === 'string' ? encoder.encode(v) : v);

function hex(buf) {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * canSign tells whether WebCrypto is here: browsers give crypto.subtle only
 * to secure pages (https://, or http://localhost).
 */
export const canSign = () => Boolean(globalThis.crypto?.subtle);

const NO_CRYPTO = 'sigv4: WebCrypto (crypto.subtle) is not available; browsers offer it only on https:// or localhost pages';

/** sha256Hex is the lower-case hex SHA-256 of a string (as UTF-8) or bytes. */
export async function sha256Hex(data) {
  return hex(await crypto.subtle.digest('SHA-256', bytes(data ?? '')));
}

async function hmac(key, data) {
  const k = await crypto.subtle.importKey('raw', bytes(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, bytes(data)));
}

/** amzDate formats a time as X-Amz-Date wants it: 20150830T123600Z. */
export function amzDate(date) {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * uriEncode percent-encodes every UTF-8 byte but A-Z a-z 0-9 - _ . ~ (and
 * '/' unless encodeSlash), upper-case hex, as SigV4 requires; JavaScript's
 * encodeURIComponent leaves ! ' ( ) * alone, which SigV4 does not.
 */
export function uriEncode(s, encodeSlash = true) {
  let out = '';
  for (const b of encoder.encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (c === '/' && !encodeSlash)) out += c;
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

// Query components are decoded before being encoded again; one that does
// not decode is taken as it is.
function decode(s) {
  try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch { return s; }
}

/** canonicalQuery sorts the query's parameters by encoded name, then value. */
export function canonicalQuery(query) {
  const q = String(query || '').replace(/^\?/, '');
  if (!q) return '';
  const pairs = q.split('&').filter(Boolean).map((part) => {
    const i = part.indexOf('=');
    const [k, v] = i < 0 ? [part, ''] : [part.slice(0, i), part.slice(i + 1)];
    return [uriEncode(decode(k)), uriEncode(decode(v))];
  });
  // Code-unit order equals byte order here: the encoded strings are ASCII.
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

// canonicalHeaders lower-cases the names, trims each value and collapses
// its runs of spaces, joins repeated headers with ',' and sorts by name.
function canonicalHeaders(headers) {
  const byName = new Map();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    const n = name.toLowerCase();
    const vals = (Array.isArray(value) ? value : [value]).map((v) => String(v).trim().replace(/\s+/g, ' '));
    byName.set(n, [...(byName.get(n) || []), ...vals]);
  }
  const names = [...byName.keys()].sort();
  return { names, text: names.map((n) => `${n}:${byName.get(n).join(',')}\n`).join('') };
}

/**
 * sign signs one request. req: { method, path ('/'), query (''), headers
 * (must hold host; include content-type and x-amz-target), body (string or
 * bytes) }. creds: { accessKeyId, secretAccessKey, sessionToken?, region
 * ('us-east-1') }. opts: { service ('states'), date (now) }.
 *
 * It returns the headers to send — the request's own, plus x-amz-date,
 * x-amz-security-token when there is a session token, and authorization,
 * all names lower case — with the intermediate strings for debugging. A
 * browser cannot send host itself; drop it, the browser sends the same.
 */
export async function sign(req, creds, opts = {}) {
  if (!canSign()) throw new Error(NO_CRYPTO);
  const service = opts.service || 'states';
  const region = creds.region || 'us-east-1';
  const dateTime = amzDate(opts.date || new Date());
  const scope = `${dateTime.slice(0, 8)}/${region}/${service}/${TERMINATOR}`;

  const headers = {};
  for (const [k, v] of Object.entries(req.headers || {})) headers[k.toLowerCase()] = v;
  if (!headers.host) throw new Error('sigv4: the host header must be signed');
  headers['x-amz-date'] = dateTime;
  if (creds.sessionToken) headers['x-amz-security-token'] = creds.sessionToken;
  delete headers.authorization;

  const { names, text } = canonicalHeaders(headers);
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    (req.method || 'POST').toUpperCase(),
    // Every service but S3 encodes the (already encoded) path once more.
    uriEncode(req.path || '/', false),
    canonicalQuery(req.query),
    text,
    signedHeaders,
    await sha256Hex(req.body ?? ''),
  ].join('\n');
  const stringToSign = [ALGORITHM, dateTime, scope, await sha256Hex(canonicalRequest)].join('\n');

  let key = await hmac('AWS4' + creds.secretAccessKey, dateTime.slice(0, 8));
  for (const part of [region, service, TERMINATOR]) key = await hmac(key, part);
  const signature = hex(await hmac(key, stringToSign));

  headers.authorization =
    `${ALGORITHM} Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers, canonicalRequest, stringToSign, signature };
}
