// Calls to the Step Functions API served on the same origin (POST / with
// X-Amz-Target, AWS JSON 1.0).
//
// NOTE: Cairn does not check credentials today. If authentication is added,
// these requests will need AWS Signature V4 signing (or a console session);
// this is the one place to add it.

const PREFIX = 'AWSStepFunctions.';

/** An error answered by the API: name is the AWS error type. */
export class ApiError extends Error {
  constructor(name, message, status) {
    super(message ? `${name}: ${message}` : name);
    this.name = name;
    this.status = status;
  }
}

/** call sends one action and returns the decoded answer. */
export async function call(action, body = {}) {
  const resp = await fetch('/', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': PREFIX + action,
    },
    body: JSON.stringify(body),
  });
  const text = await resp.text();
  let data = {};
  if (text) {
    try { data = JSON.parse(text); } catch { data = { message: text }; }
  }
  if (!resp.ok) {
    const type = String(data.__type || `HTTP ${resp.status}`).split('#').pop();
    throw new ApiError(type, data.message || data.Message || '', resp.status);
  }
  return data;
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
