import type { Vendor } from '../contract.js';
import type { SimulatorHandle, SimulatorOptions } from '../shared/simulator-kit.js';
import { startSageMakerSimulator } from '../sagemaker/simulator.js';
import { startMlflowSimulator } from '../mlflow/simulator.js';
import { startDataRobotSimulator } from '../datarobot/simulator.js';
import { startDominoSimulator } from '../domino/simulator.js';

/**
 * Vendor → simulator, for the demo, tests and benchmarks only: nothing a worker or a listing thread loads imports this
 * module, so they do not load the simulators' code.
 */
export interface VendorSimulator {
  vendor: Vendor;
  /** Starts the vendor's simulator on loopback. */
  start(options: SimulatorOptions): Promise<SimulatorHandle>;
  /** Settings and secret that point a connector at a running simulator. */
  sourceFor(handle: Pick<SimulatorHandle, 'url'>, credential: string): { settings: Record<string, unknown>; secret: Record<string, unknown> };
}

const simulators: Record<Vendor, VendorSimulator> = {
  sagemaker: {
    vendor: 'sagemaker',
    start: startSageMakerSimulator,
    sourceFor: (handle, credential) => ({
      settings: { region: 'us-east-1', endpoint: handle.url },
      secret: { accessKeyId: credential, secretAccessKey: 'simulator-secret' },
    }),
  },
  mlflow: {
    vendor: 'mlflow',
    start: startMlflowSimulator,
    sourceFor: (handle, credential) => ({ settings: { trackingUri: handle.url }, secret: { token: credential } }),
  },
  datarobot: {
    vendor: 'datarobot',
    start: startDataRobotSimulator,
    sourceFor: (handle, credential) => ({ settings: { endpoint: `${handle.url}/api/v2` }, secret: { apiToken: credential } }),
  },
  domino: {
    vendor: 'domino',
    start: startDominoSimulator,
    sourceFor: (handle, credential) => ({ settings: { host: handle.url }, secret: { apiKey: credential } }),
  },
};

export function vendorSimulator(vendor: Vendor): VendorSimulator {
  const simulator = simulators[vendor];
  if (!simulator) throw new Error(`unknown vendor ${vendor}`);
  return simulator;
}

export const vendorSimulators: readonly VendorSimulator[] = Object.values(simulators);
