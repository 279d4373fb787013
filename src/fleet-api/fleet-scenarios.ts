/**
 * Scenario runs for the fleet's control API (`POST /api/scenarios/:name/run`): one
 * catalogue scenario at a time against its own embedded server on a free port, as
 * `streamlab run NAME` does, so a run never disturbs the fleet's subscribers. Its
 * telemetry has its own registry (the fleet's /metrics shows the fleet, not the runs);
 * its spans go through the process's pipeline like every other span.
 */
import { createServer } from '../server/create-server.ts';
import { createStreamlabServices } from '../services/streamlab-services.ts';
import { CATALOGUE, unknownScenarioMessage } from '../scenarios/catalogue.ts';
import { createEmbeddedFaultBackend } from '../scenarios/fault-backend.ts';
import { toJsonReport } from '../scenarios/report.ts';
import type { JsonReport } from '../scenarios/report.ts';
import { createRunDirectory } from '../scenarios/run-directory.ts';
import { createScenarioRunner } from '../scenarios/runner.ts';
import { createTelemetryDeps } from '../telemetry/create-telemetry-deps.ts';
import type { RpcSpanPipeline } from '../telemetry/telemetry-deps.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { SpanRecord } from '../telemetry/span-record.ts';
import { FleetError } from '../fleet/fleet-error.ts';

/** One scenario's report object, as in `streamlab run --json`. */
export type ScenarioReport = JsonReport['scenarios'][number];

/** What a run needs from the process. */
export interface FleetScenarioDeps {
  logger: Logger;
  /** Receives the spans of child server processes (process scenarios). */
  importSpans(spans: readonly SpanRecord[]): void;
  /** The process's span pipeline (span mode). Default: span mode streamlab. */
  pipeline?: RpcSpanPipeline;
}

/** Creates the runner; runs are one at a time. */
export function createFleetScenarios(deps: FleetScenarioDeps) {
  let running: string | undefined;
  return {
    /**
     * Runs catalogue scenario `name` with the runner's defaults.
     * @throws FleetError not_found for an unknown name (the message lists the known ones),
     *   conflict while another run is in progress
     */
    async run(name: string): Promise<ScenarioReport> {
      const scenario = CATALOGUE.find((candidate) => candidate.name === name);
      if (!scenario) throw new FleetError('not_found', unknownScenarioMessage(name));
      if (running) throw new FleetError('conflict', `scenario ${running} is running: one run at a time, try again when it is done`);
      running = name;
      const runs = createRunDirectory();
      const telemetry = createTelemetryDeps({ runs, logger: deps.logger, scenarioLabels: CATALOGUE.map((s) => s.name), ...(deps.pipeline ? { pipeline: deps.pipeline } : {}) });
      const server = createServer(telemetry, { services: createStreamlabServices(telemetry), shutdownGraceMs: 0 });
      try {
        const upstream = await server.listen({ host: '127.0.0.1', port: 0 });
        const runner = createScenarioRunner({ telemetry, runs, faults: createEmbeddedFaultBackend(), upstream, importSpans: deps.importSpans });
        const result = await runner.run(scenario);
        return toJsonReport([result]).scenarios[0]!;
      } finally {
        await server.shutdown(0);
        running = undefined;
      }
    },
  };
}
