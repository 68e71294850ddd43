// Package metrics exposes a running Cairn to Prometheus.
//
// A Metrics holds its own registry (never the global default one), so
// several servers in one process keep separate counts. It is fed from
// outside the engine:
//
//   - Instrument wraps the API's http.Handler: requests by action and
//     outcome, latency by action.
//   - WrapStore wraps the store the engine writes through: Standard
//     executions started and ended, steps and history events committed,
//     refused steps, write latency. A store that is also a store.Cluster
//     stays one once wrapped.
//   - ExecutionStarted and ExecutionEnded count what the store never
//     sees (Express executions); ActiveExecutions reports a gauge read at
//     scrape time.
//
// Handler serves the registry in the Prometheus text format. The metric
// names:
//
//	cairn_api_requests_total{action,outcome}        counter (outcome: OK or the AWS error name)
//	cairn_api_request_duration_seconds{action}      histogram
//	cairn_executions_started_total{type}            counter (type: STANDARD or EXPRESS)
//	cairn_executions_ended_total{type,status}       counter (status: SUCCEEDED, FAILED, TIMED_OUT, ABORTED)
//	cairn_executions_active                         gauge (Standard executions held in memory)
//	cairn_store_steps_committed_total               counter
//	cairn_store_history_events_total                counter (events written with committed steps)
//	cairn_store_steps_refused_total{reason}         counter (reason: stale, not_found, other)
//	cairn_store_write_duration_seconds{op}          histogram (op: create_execution, commit_steps)
//	go_*, process_*                                 the Go runtime and the process
package metrics
