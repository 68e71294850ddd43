#!/usr/bin/env bash
# End-to-end check of a Cairn server with the AWS CLI: the commands a user
# types, each answer checked. Usage:
#
#	scripts/e2e-cli.sh http://127.0.0.1:8083
#
# Exits 0 when every step answered as expected, non-zero with a message
# naming the first mismatch otherwise. Needs bash and an AWS CLI recent
# enough for versions, aliases, validate-state-machine-definition and
# AWS_DISABLE_HOST_PREFIX_INJECTION (aws-cli 1.45.11 works; Debian 12's
# awscli 2.9.19 has none of them); nothing else (no jq, no python of our
# own): answers are read with --query and --output text.
#
# The credentials are dummies: Cairn does not check signatures.
# StartSyncExecution has the "sync-" host prefix in the AWS model, so a CLI
# would call http://sync-127.0.0.1:PORT, which does not resolve.
# AWS_DISABLE_HOST_PREFIX_INJECTION=true, the SDKs' shared setting, turns
# that off; a CLI too old to know it fails the start-sync-execution step
# with a message saying so (the server itself answers whatever the Host).
set -euo pipefail

endpoint=${1:?usage: e2e-cli.sh ENDPOINT_URL}

export AWS_ACCESS_KEY_ID=cairn-e2e AWS_SECRET_ACCESS_KEY=cairn-e2e AWS_SESSION_TOKEN=
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_PAGER="" AWS_DEFAULT_OUTPUT=text
export AWS_DISABLE_HOST_PREFIX_INJECTION=true
# Keep the user's own ~/.aws files out of the run.
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_SFN

role=arn:aws:iam::123456789012:role/cairn-e2e
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { echo "e2e-cli: $*"; }
fail() {
	echo "e2e-cli: FAIL: $*" >&2
	exit 1
}

# sfn runs one stepfunctions command against the endpoint.
sfn() { aws --endpoint-url "$endpoint" stepfunctions "$@"; }

# call VAR COMMAND ARGS... runs a command that must succeed and keeps its
# output (text, trailing blanks trimmed) in VAR.
call() {
	local __var=$1 __out
	shift
	if ! __out=$(sfn "$@" 2>&1); then
		[[ $__out != *"Invalid choice"* ]] ||
			fail "this AWS CLI ($(aws --version 2>&1)) has no 'stepfunctions $1'; use a newer one (aws-cli 1.45 works)"
		fail "aws stepfunctions $1 failed: $__out"
	fi
	__out=${__out%"${__out##*[![:space:]]}"}
	printf -v "$__var" '%s' "$__out"
}

# refuse ERROR COMMAND ARGS... runs a command that must fail with AWS error
# name ERROR.
refuse() {
	local want=$1 out
	shift
	if out=$(sfn "$@" 2>&1); then
		fail "aws stepfunctions $1 succeeded; want $want: $out"
	fi
	[[ $out == *"($want)"* ]] || fail "aws stepfunctions $1: want error $want, got: $out"
}

# expect WHAT WANT GOT
expect() {
	[[ $3 == "$2" ]] || fail "$1: want '$2', got '$3'"
}

# await_status ARN WANT FIELDS polls describe-execution until the execution
# has left RUNNING, checks its status and leaves the comma-separated FIELDS (of the
# same description) in $described.
described=""
await_status() {
	local status=RUNNING i
	for ((i = 0; i < 300; i++)); do
		call described describe-execution --execution-arn "$1" --query "[status,$3]"
		status=${described%%$'\t'*}
		[[ $status != RUNNING ]] && break
		sleep 0.1
	done
	expect "status of $1" "$2" "$status"
	described=${described#*$'\t'}
}

suffix=$$-$RANDOM
name=e2e-hello-$suffix
cat >"$work/hello.json" <<'EOF'
{
  "Comment": "cairn e2e: greet, wait a second, succeed",
  "StartAt": "Greet",
  "States": {
    "Greet": {"Type": "Pass", "Parameters": {"greeting.$": "States.Format('hello {}', $.who)"}, "Next": "Pause"},
    "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
    "Done": {"Type": "Succeed"}
  }
}
EOF

step "create-state-machine $name"
call sm create-state-machine --name "$name" --definition "file://$work/hello.json" --role-arn "$role" --query stateMachineArn
expect "state machine ARN" "arn:aws:states:us-east-1:123456789012:stateMachine:$name" "$sm"

step "describe-state-machine"
call got describe-state-machine --state-machine-arn "$sm" --query "[name,status,type,roleArn,contains(definition,'cairn e2e: greet')]"
expect "describe-state-machine (the last field: the definition is echoed)" "$name	ACTIVE	STANDARD	$role	True" "$got"

step "list-state-machines"
call got list-state-machines --query "stateMachines[?name=='$name'].stateMachineArn"
expect "list-state-machines" "$sm" "$got"

step "start-execution and describe-execution until SUCCEEDED"
call ex start-execution --state-machine-arn "$sm" --name run-1 --input '{"who":"cli"}' --query executionArn
expect "execution ARN" "arn:aws:states:us-east-1:123456789012:execution:$name:run-1" "$ex"
await_status "$ex" SUCCEEDED output
expect "output" '{"greeting":"hello cli"}' "$described"
refuse ExecutionAlreadyExists start-execution --state-machine-arn "$sm" --name run-1 --input '{"who":"someone else"}'

step "get-execution-history"
call got get-execution-history --execution-arn "$ex" --query "[join(' ',events[].type),events[-1].executionSucceededEventDetails.output]"
expect "history" "ExecutionStarted PassStateEntered PassStateExited WaitStateEntered WaitStateExited SucceedStateEntered SucceedStateExited ExecutionSucceeded	{\"greeting\":\"hello cli\"}" "$got"

step "list-executions"
call got list-executions --state-machine-arn "$sm" --status-filter SUCCEEDED --query 'executions[].name'
expect "list-executions" run-1 "$got"

step "stop-execution of a long Wait"
cat >"$work/sleeper.json" <<'EOF'
{"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": true}}}
EOF
call sleeper create-state-machine --name "e2e-sleeper-$suffix" --definition "file://$work/sleeper.json" --role-arn "$role" --query stateMachineArn
call slow start-execution --state-machine-arn "$sleeper" --query executionArn
call got stop-execution --execution-arn "$slow" --error E2E.Stop --cause "stopped by the e2e script" --query stopDate
[[ -n $got && $got != None ]] || fail "stop-execution: no stopDate: $got"
await_status "$slow" ABORTED 'error,cause'
expect "stopped execution" "E2E.Stop	stopped by the e2e script" "$described"
call got get-execution-history --execution-arn "$slow" --reverse-order --query 'events[0].type'
expect "last event of the stopped execution" ExecutionAborted "$got"

step "publish-state-machine-version and list-state-machine-versions"
call v1 publish-state-machine-version --state-machine-arn "$sm" --description "first" --query stateMachineVersionArn
expect "version ARN" "$sm:1" "$v1"
call got list-state-machine-versions --state-machine-arn "$sm" --query 'stateMachineVersions[].stateMachineVersionArn'
expect "list-state-machine-versions" "$v1" "$got"
call got describe-state-machine --state-machine-arn "$v1" --query '[stateMachineArn,name,description]'
expect "describe-state-machine of a version" "$v1	$name	first" "$got"

step "state machine aliases"
call alias create-state-machine-alias --name live --description "all traffic on v1" \
	--routing-configuration "stateMachineVersionArn=$v1,weight=100" --query stateMachineAliasArn
expect "alias ARN" "$sm:live" "$alias"
call got describe-state-machine-alias --state-machine-alias-arn "$alias" --query '[name,description,routingConfiguration[0].stateMachineVersionArn,routingConfiguration[0].weight]'
expect "describe-state-machine-alias" "live	all traffic on v1	$v1	100" "$got"
call got list-state-machine-aliases --state-machine-arn "$sm" --query 'stateMachineAliases[].stateMachineAliasArn'
expect "list-state-machine-aliases" "$alias" "$got"
call got update-state-machine-alias --state-machine-alias-arn "$alias" --description "still v1" --query updateDate
call got describe-state-machine-alias --state-machine-alias-arn "$alias" --query description
expect "alias description after update" "still v1" "$got"

step "start-execution through the alias"
call viaAlias start-execution --state-machine-arn "$alias" --name via-alias --input '{"who":"alias"}' --query executionArn
expect "execution ARN through an alias" "arn:aws:states:us-east-1:123456789012:execution:$name:via-alias" "$viaAlias"
await_status "$viaAlias" SUCCEEDED 'stateMachineAliasArn,stateMachineVersionArn,output'
expect "execution through the alias" "$alias	$v1	{\"greeting\":\"hello alias\"}" "$described"

step "delete-state-machine-alias"
call got delete-state-machine-alias --state-machine-alias-arn "$alias"
refuse ResourceNotFound describe-state-machine-alias --state-machine-alias-arn "$alias"

step "tag-resource, list-tags-for-resource, untag-resource"
call got tag-resource --resource-arn "$sm" --tags key=team,value=data key=stage,value=e2e
call got list-tags-for-resource --resource-arn "$sm" --query 'sort_by(tags,&key)[].[key,value]'
expect "tags" "stage	e2e
team	data" "$got"
call got untag-resource --resource-arn "$sm" --tag-keys stage
call got list-tags-for-resource --resource-arn "$sm" --query 'tags[].[key,value]'
expect "tags after untag" "team	data" "$got"

step "validate-state-machine-definition"
call got validate-state-machine-definition --definition '{"StartAt":"Nowhere","States":{"Hello":{"Type":"Pass","End":true}}}' \
	--query "[result,diagnostics[0].severity,diagnostics[?code=='MISSING_TRANSITION_TARGET'].location|[0]]"
expect "broken definition" "FAIL	ERROR	/StartAt" "$got"

step "start-sync-execution on an EXPRESS state machine"
cat >"$work/express.json" <<'EOF'
{"StartAt": "Check", "States": {
  "Check": {"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "Yes"}], "Default": "No"},
  "Yes": {"Type": "Pass", "Result": {"fine": true}, "End": true},
  "No": {"Type": "Fail", "Error": "NotOK", "Cause": "said no"}}}
EOF
call express create-state-machine --name "e2e-express-$suffix" --type EXPRESS --definition "file://$work/express.json" --role-arn "$role" --query stateMachineArn
sync_out=""
sync_call() {
	local out
	if ! out=$(sfn start-sync-execution "$@" 2>&1); then
		[[ $out != *"sync-"* ]] ||
			fail "start-sync-execution: this AWS CLI ignores AWS_DISABLE_HOST_PREFIX_INJECTION and calls the sync- prefixed host; use a newer AWS CLI: $out"
		fail "aws stepfunctions start-sync-execution failed: $out"
	fi
	sync_out=${out%"${out##*[![:space:]]}"}
}
sync_call --state-machine-arn "$express" --input '{"ok":true}' --query '[status,output]'
expect "start-sync-execution" "SUCCEEDED	{\"fine\":true}" "$sync_out"
sync_call --state-machine-arn "$express" --input '{"ok":false}' --query '[status,error,cause]'
expect "start-sync-execution, failing" "FAILED	NotOK	said no" "$sync_out"

step "delete-state-machine"
for arn in "$sm" "$sleeper" "$express"; do
	call got delete-state-machine --state-machine-arn "$arn"
done
call got list-state-machines --query "length(stateMachines[?contains(name,'$suffix')])"
expect "state machines after delete" 0 "$got"

echo "e2e-cli: all steps passed against $endpoint"
