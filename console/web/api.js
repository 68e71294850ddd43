// Calls to the Step Functions API served on the same origin (POST / with
// X-Amz-Target, AWS JSON 1.0). When `cairn serve` checks credentials, the
// user signs in (signIn) and every call is signed with SigV4 (sigv4.js);
// the keys live in sessionStorage, so they go with the tab.

import { sign } from './sigv4.js';

const PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const STORAGE_KEY = 'cairn.credentials';

/** An error answered by the API: name is the AWS error type. */
export class ApiError extends Error {
  constructor(name, message, status) {
    super(message ? `${name}: ${message}` : name);
    this.name = name;
    this.status = status;
  }
}

// The refusals that mean "sign in (again)"; IncompleteSignature and
// expired signatures mean a bug or a clock, which a new key will not fix.
const AUTH_ERRORS = new Set(['MissingAuthenticationTokenException', 'UnrecognizedClientException', 'InvalidSignatureException']);

/** needsSignIn tells whether err is the server refusing our credentials. */
export const needsSignIn = (err) => err instanceof ApiError && AUTH_ERRORS.has(err.name);

/** credentials are the signed-in keys, or null. */
export function credentials() {
  try {
    const c = JSON.parse(globalThis.sessionStorage?.getItem(STORAGE_KEY) || 'null');
    return c && c.accessKeyId && c.secretAccessKey ? c : null;
  } catch {
    return null;
  }
}

/** signIn keeps {accessKeyId, secretAccessKey, sessionToken?, region?} for this tab. */
export function signIn({ accessKeyId, secretAccessKey, sessionToken, region }) {
  const c = { accessKeyId: String(accessKeyId).trim(), secretAccessKey: String(secretAccessKey), region: String(region || '').trim() || 'us-east-1' };
  if (sessionToken && String(sessionToken).trim()) c.sessionToken = String(sessionToken).trim();
  globalThis.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(c));
}

/** signOut forgets the keys. */
export function signOut() {
  globalThis.sessionStorage?.removeItem(STORAGE_KEY);
}

// clockSkew (ms) is how far the server's clock is ahead of this one, learnt
// from a refusal for a signature out of the server's time window: the
// signature carries the time, and a browser's clock can be off by more
// than the 15 minutes allowed.
let clockSkew = 0;
const SKEWED = /^Signature (expired|not yet current)/;

/** call sends one action and returns the decoded answer. */
export async function call(action, body = {}) {
  const payload = JSON.stringify(body);
  for (let attempt = 0; ; attempt++) {
    const resp = await send(action, payload);
    const text = await resp.text();
    let data = {};
    if (text) {
      try { data = JSON.parse(text); } catch { data = { message: text }; }
    }
    if (resp.ok) return data;
    const type = String(data.__type || `HTTP ${resp.status}`).split('#').pop();
    const message = data.message || data.Message || '';
    const serverTime = Date.parse(resp.headers.get('date') || '');
    if (attempt === 0 && type === 'InvalidSignatureException' && SKEWED.test(message) && !Number.isNaN(serverTime)) {
      clockSkew = serverTime - Date.now();
      continue;
    }
    throw new ApiError(type, message, resp.status);
  }
}

async function send(action, payload) {
  let headers = { 'content-type': CONTENT_TYPE, 'x-amz-target': PREFIX + action };
  const creds = credentials();
  if (creds) {
    // The browser sends Host itself (a page may not set it): sign the
    // value it will send, and leave it out of the headers given to fetch.
    const req = { method: 'POST', path: '/', headers: { ...headers, host: location.host }, body: payload };
    const { host, ...signed } = (await sign(req, creds, { date: new Date(Date.now() + clockSkew) })).headers;
    headers = signed;
  }
  return fetch(new URL('/', location.href), { method: 'POST', headers, body: payload });
}

/** all follows nextToken until the list is complete (or max items). */
export async function all(action, body, key, max = 5000) {
  const out = [];
  let token;
  do {
    const page = await call(action, { ...body, ...(token ? { nextToken: token } : {}) });
    out.push(...(page[key] || []));
    token = page.nextToken;
  } while (token && out.length < max);
  return out;
}

export const listStateMachines = () => all('ListStateMachines', { maxResults: 1000 }, 'stateMachines');
export const describeStateMachine = (arn) => call('DescribeStateMachine', { stateMachineArn: arn });
export const listExecutions = (arn, statusFilter) =>
  call('ListExecutions', { stateMachineArn: arn, maxResults: 100, ...(statusFilter ? { statusFilter } : {}) });
export const describeExecution = (arn) => call('DescribeExecution', { executionArn: arn });
export const history = (arn) =>
  all('GetExecutionHistory', { executionArn: arn, includeExecutionData: true, maxResults: 1000 }, 'events', 100000);
export const startExecution = (arn, input, name) =>
  call('StartExecution', { stateMachineArn: arn, input, ...(name ? { name } : {}) });
export const stopExecution = (arn, error, cause) =>
  call('StopExecution', { executionArn: arn, ...(error ? { error } : {}), ...(cause ? { cause } : {}) });
export const describeStateMachineForExecution = (arn) =>
  call('DescribeStateMachineForExecution', { executionArn: arn });
