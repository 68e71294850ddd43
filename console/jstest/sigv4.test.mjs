import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sign, canSign, amzDate, uriEncode, canonicalQuery, sha256Hex } from '../web/sigv4.js';

// Expected signatures come from other implementations: the get-vanilla and
// post-vanilla cases are AWS's SigV4 test suite; the others were made with
// the AWS SDK for Go v2's signer (aws/signer/v4) on the same inputs.
const example = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', region: 'us-east-1' };
const suiteTime = new Date(Date.UTC(2015, 7, 30, 12, 36, 0));
const laterTime = new Date(Date.UTC(2026, 10, 26, 4, 5, 6));
const unicodeBody = '{"input":"{\\"greeting\\":\\"héllo wörld 🙂\\"}","stateMachineArn":"arn:aws:states:eu-west-1:123456789012:stateMachine:x"}';

const cases = [
  {
    name: 'AWS test suite: get-vanilla',
    req: { method: 'GET', path: '/', headers: { Host: 'example.amazonaws.com' } },
    creds: example, service: 'service', date: suiteTime,
    signed: 'host;x-amz-date',
    signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  },
  {
    name: 'AWS test suite: post-vanilla',
    req: { method: 'POST', path: '/', headers: { Host: 'example.amazonaws.com' } },
    creds: example, service: 'service', date: suiteTime,
    signed: 'host;x-amz-date',
    signature: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
  },
  {
    name: 'path encoded twice, query sorted and re-encoded',
    req: { method: 'GET', path: '/a%20b/c', query: 'b=2&a=z&a=y&c=%21', headers: { host: 'example.amazonaws.com' } },
    creds: example, service: 'service', date: suiteTime,
    signed: 'host;x-amz-date',
    signature: 'fe1c1f5c347444377c4c709008b02c8e686fbdb7959d5928ecf339e9fbeee554',
  },
  {
    name: 'Step Functions call as the console makes it',
    req: {
      method: 'POST', path: '/', body: '{"maxResults":1000}',
      headers: { Host: '127.0.0.1:8083', 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AWSStepFunctions.ListStateMachines', 'Content-Length': '19' },
    },
    creds: { accessKeyId: 'AKIDOPERATOR', secretAccessKey: 'operator-secret' }, date: laterTime,
    signed: 'content-length;content-type;host;x-amz-date;x-amz-target',
    signature: '0436ffb115e225152983b6c3f1f8f2995903bf864192a67543514a24b4ad2585',
  },
  {
    name: 'session token, other region, UTF-8 body, spaces collapsed in a value',
    req: {
      method: 'POST', path: '/', body: unicodeBody,
      headers: {
        host: 'localhost:8083', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.StartExecution',
        'content-length': String(Buffer.byteLength(unicodeBody)), 'X-Amz-Meta-Note': '  two   spaces  ',
      },
    },
    creds: { accessKeyId: 'ASIASESSION', secretAccessKey: 'session-secret', sessionToken: 'IQoJb3JpZ2luX2VjEJr//token', region: 'eu-west-1' },
    date: laterTime,
    signed: 'content-length;content-type;host;x-amz-date;x-amz-meta-note;x-amz-security-token;x-amz-target',
    signature: '44f312033e8e5d9f22e6bfc35abf8aaafa765b31a7d94fd50283abc0519eb378',
  },
];

for (const c of cases) {
  test(`sign: ${c.name}`, async () => {
    const out = await sign(c.req, c.creds, { service: c.service, date: c.date });
    const region = c.creds.region || 'us-east-1';
    const scope = `${amzDate(c.date).slice(0, 8)}/${region}/${c.service || 'states'}/aws4_request`;
    assert.equal(out.signature, c.signature, `canonical request:\n${out.canonicalRequest}`);
    assert.equal(out.headers.authorization,
      `AWS4-HMAC-SHA256 Credential=${c.creds.accessKeyId}/${scope}, SignedHeaders=${c.signed}, Signature=${c.signature}`);
    assert.equal(out.headers['x-amz-date'], amzDate(c.date));
    assert.equal(out.headers['x-amz-security-token'], c.creds.sessionToken);
  });
}

test('sign: the canonical request and string to sign of get-vanilla', async () => {
  const out = await sign({ method: 'GET', path: '/', headers: { Host: 'example.amazonaws.com' } }, example, { service: 'service', date: suiteTime });
  const emptyHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
  assert.equal(out.canonicalRequest,
    `GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${emptyHash}`);
  assert.equal(out.stringToSign,
    `AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n${await sha256Hex(out.canonicalRequest)}`);
});

test('sign: every input is covered by the signature', async () => {
  const req = { method: 'POST', path: '/', body: '{}', headers: { host: 'h:1', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' } };
  const creds = { accessKeyId: 'AKID', secretAccessKey: 's' };
  const base = (await sign(req, creds, { date: laterTime })).signature;
  const variants = {
    secret: [req, { ...creds, secretAccessKey: 't' }, laterTime],
    region: [req, { ...creds, region: 'eu-west-1' }, laterTime],
    time: [req, creds, new Date(laterTime.getTime() + 1000)],
    body: [{ ...req, body: '{ }' }, creds, laterTime],
    host: [{ ...req, headers: { ...req.headers, host: 'h:2' } }, creds, laterTime],
    target: [{ ...req, headers: { ...req.headers, 'x-amz-target': 'AWSStepFunctions.StartExecution' } }, creds, laterTime],
    token: [req, { ...creds, sessionToken: 'tok' }, laterTime],
  };
  for (const [what, [r, c, d]] of Object.entries(variants)) {
    assert.notEqual((await sign(r, c, { date: d })).signature, base, `changing the ${what} left the signature unchanged`);
  }
});

test('sign: the host header is required and a stale authorization is replaced', async () => {
  await assert.rejects(sign({ headers: {} }, { accessKeyId: 'a', secretAccessKey: 'b' }), /host/);
  const out = await sign({ headers: { host: 'h', Authorization: 'old' } }, { accessKeyId: 'a', secretAccessKey: 'b' }, { date: laterTime });
  assert.match(out.headers.authorization, /^AWS4-HMAC-SHA256 Credential=a\/20261126\/us-east-1\/states\/aws4_request, SignedHeaders=host;x-amz-date, /);
});

test('amzDate, uriEncode, canonicalQuery', () => {
  assert.equal(amzDate(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))), '20260102T030405Z');
  const enc = [
    ['AZaz09-_.~', true, 'AZaz09-_.~'],
    ["!'()*", true, '%21%27%28%29%2A'],
    ['/a b/', false, '/a%20b/'],
    ['/a b/', true, '%2Fa%20b%2F'],
    ['é', true, '%C3%A9'],
    ['%20', true, '%2520'],
  ];
  for (const [s, slash, want] of enc) assert.equal(uriEncode(s, slash), want, s);
  const queries = [
    ['', ''],
    ['?b=1&a=2', 'a=2&b=1'],
    ['a=2&a=1&A=3', 'A=3&a=1&a=2'],
    ['flag&x=a+b', 'flag=&x=a%20b'],
    ['bad=%zz', 'bad=%25zz'],
  ];
  for (const [q, want] of queries) assert.equal(canonicalQuery(q), want, q);
});

test('sign: without WebCrypto it says why instead of failing obscurely', async () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
  try {
    assert.equal(canSign(), false);
    await assert.rejects(sign({ headers: { host: 'h' } }, { accessKeyId: 'a', secretAccessKey: 'b' }), /https:\/\/ or localhost/);
  } finally {
    Object.defineProperty(globalThis, 'crypto', saved);
  }
  assert.equal(canSign(), true);
});
