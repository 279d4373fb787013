/**
 * Grafana dashboard and panel titles the lessons name, in double quotes, exactly as generated
 * (test/scenarios/lessons.test.ts checks every quoted title against grafana/dashboards/).
 */
export const FAILURE_MODES = '"Failure modes — end causes and detection per scenario"';
export const END_CAUSES = '"End causes per scenario: client | server"';
export const DETECTION = '"Detection latency per scenario and side: p50 | p99"';
export const LIFECYCLE = '"Stream lifecycle — scenarios side by side"';
export const FLEET = '"Fleet — subscribers, reconnects, resume and fan-out"';
export const PER_BACKEND = '"Subscribers per backend"';
export const PER_SERVER = '"Open Ticker streams per server (server side)"';
export const RECONNECTS = '"Reconnects/s by end cause (1m)"';
export const GAPS = '"Resume gap and duplicate events (5m)"';
