package postgres

// migrations are applied in order; never edit one that has shipped.
var migrations = []string{
	// 1: resources.
	`CREATE TABLE state_machines (
		arn          text PRIMARY KEY,
		name         text NOT NULL,
		type         text NOT NULL,
		status       text NOT NULL,
		definition   text NOT NULL,
		role_arn     text NOT NULL,
		revision_id  text NOT NULL,
		logging      bytea,
		tracing      bytea,
		encryption   bytea,
		created_at   bigint NOT NULL,
		updated_at   bigint NOT NULL,
		next_version bigint NOT NULL DEFAULT 1
	);
	CREATE TABLE versions (
		arn               text PRIMARY KEY,
		state_machine_arn text NOT NULL REFERENCES state_machines (arn) ON DELETE CASCADE,
		number            bigint NOT NULL,
		description       text NOT NULL,
		name              text NOT NULL,
		type              text NOT NULL,
		definition        text NOT NULL,
		role_arn          text NOT NULL,
		revision_id       text NOT NULL,
		logging           bytea,
		tracing           bytea,
		encryption        bytea,
		created_at        bigint NOT NULL,
		UNIQUE (state_machine_arn, number)
	);
	CREATE TABLE aliases (
		arn               text PRIMARY KEY,
		state_machine_arn text NOT NULL REFERENCES state_machines (arn) ON DELETE CASCADE,
		name              text NOT NULL,
		description       text NOT NULL,
		created_at        bigint NOT NULL,
		updated_at        bigint NOT NULL
	);
	CREATE INDEX aliases_by_machine ON aliases (state_machine_arn, arn);
	CREATE TABLE alias_routes (
		alias_arn   text NOT NULL REFERENCES aliases (arn) ON DELETE CASCADE,
		position    integer NOT NULL,
		version_arn text NOT NULL REFERENCES versions (arn),
		weight      integer NOT NULL,
		PRIMARY KEY (alias_arn, position)
	);
	CREATE INDEX alias_routes_by_version ON alias_routes (version_arn);
	CREATE TABLE activities (
		arn        text PRIMARY KEY,
		name       text NOT NULL,
		encryption bytea,
		created_at bigint NOT NULL
	);
	CREATE TABLE tags (
		resource_arn text NOT NULL,
		key          text NOT NULL,
		value        text NOT NULL,
		position     bigint NOT NULL,
		PRIMARY KEY (resource_arn, key)
	);`,

	// 2: executions. The summary row holds what a step may change and what
	// lists filter on; the definition and input, written once and often
	// kilobytes long, live in execution_specs so that the per-step UPDATE
	// copies a narrow row (short values are not TOASTed, and a HOT update
	// copies the whole tuple). Journal entries and events hang off the
	// integer id. There are no foreign keys from them: each would cost an
	// index probe per event row, and only PurgeExecutions deletes.
	`CREATE TABLE executions (
		id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		arn               text NOT NULL UNIQUE,
		state_machine_arn text NOT NULL,
		version_arn       text NOT NULL,
		alias_arn         text NOT NULL,
		name              text NOT NULL,
		status            text NOT NULL,
		role_arn          text NOT NULL,
		output            text NOT NULL,
		error             text NOT NULL,
		cause             text NOT NULL,
		trace_header      text NOT NULL,
		seed              bigint NOT NULL,
		start_date        bigint NOT NULL,
		stop_date         bigint NOT NULL,
		version           bigint NOT NULL,
		redrive_count     integer NOT NULL
	) WITH (fillfactor = 80);
	CREATE INDEX executions_by_machine ON executions (state_machine_arn, start_date DESC, arn);
	CREATE INDEX executions_by_machine_status ON executions (state_machine_arn, status, start_date DESC, arn);
	CREATE INDEX executions_running ON executions (start_date, arn) WHERE status = 'RUNNING';
	CREATE INDEX executions_ended ON executions (stop_date) WHERE status <> 'RUNNING';
	CREATE TABLE execution_specs (
		execution_id bigint PRIMARY KEY,
		definition   text NOT NULL,
		input        text NOT NULL
	);
	CREATE TABLE execution_journal (
		execution_id bigint NOT NULL,
		version      bigint NOT NULL,
		input        bytea NOT NULL,
		PRIMARY KEY (execution_id, version)
	);
	CREATE TABLE execution_events (
		execution_id bigint NOT NULL,
		id           bigint NOT NULL,
		body         bytea NOT NULL,
		PRIMARY KEY (execution_id, id)
	);`,

	// 3: leases, tasks and messages for several nodes sharing the
	// database (see Cluster in the package doc). An execution names the
	// node holding it (owner, '' for none) and a fence bumped by every
	// claim; the new columns have constant defaults, so adding them
	// rewrites no rows. Nodes renew one row each in cluster_nodes
	// (lease_until in Unix nanoseconds of the database's clock), however
	// many executions they hold. A step's UPDATE leaves owner alone, so it
	// stays a HOT update; only claims and releases move index entries.
	`ALTER TABLE executions
		ADD COLUMN owner text   NOT NULL DEFAULT '',
		ADD COLUMN fence bigint NOT NULL DEFAULT 0;
	CREATE INDEX executions_by_owner ON executions (owner, id) WHERE status = 'RUNNING';
	CREATE TABLE cluster_nodes (
		node        text PRIMARY KEY,
		lease_until bigint NOT NULL
	);
	CREATE TABLE cluster_tasks (
		token         text PRIMARY KEY,
		execution_arn text NOT NULL,
		task_id       bigint NOT NULL,
		activity      text NOT NULL,
		input         text NOT NULL,
		handed_out    boolean NOT NULL DEFAULT false,
		seq           bigint GENERATED ALWAYS AS IDENTITY
	);
	CREATE INDEX cluster_tasks_waiting ON cluster_tasks (activity, seq) WHERE NOT handed_out;
	CREATE INDEX cluster_tasks_by_execution ON cluster_tasks (execution_arn);
	CREATE TABLE cluster_messages (
		id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		execution_arn text NOT NULL,
		input         bytea NOT NULL,
		token         text NOT NULL
	);
	CREATE INDEX cluster_messages_by_execution ON cluster_messages (execution_arn, id);`,
}
