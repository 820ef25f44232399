import { parseJobDelays, type FaultOptions } from '../core/endpoint/options';
import { startEmbeddedEndpoint } from '../core/service/embeddedEndpoint';
import { createFreezerService } from '../core/service/freezerService';
import type { ServiceFactories } from './serviceHost';

/**
 * The real core behind the ServiceHost. FREEZER_LOCAL_JOB_DELAYS (e.g. "Expedited=1500") makes the
 * local endpoint's jobs take time, so tests and demos can watch an archive melt; FREEZER_LOCAL_FAULTS
 * (the endpoint's fault rules as JSON, e.g. slow downloads) lets them watch a transfer's progress.
 */
export const coreFactories: ServiceFactories = {
  createService: (opts) => createFreezerService(opts),
  startEndpoint: ({ dir, port, log }) => startEmbeddedEndpoint({
    dir,
    port,
    log,
    jobDelays: process.env.FREEZER_LOCAL_JOB_DELAYS ? parseJobDelays(process.env.FREEZER_LOCAL_JOB_DELAYS) : undefined,
    faults: process.env.FREEZER_LOCAL_FAULTS ? (JSON.parse(process.env.FREEZER_LOCAL_FAULTS) as FaultOptions[]) : undefined,
  }),
};
