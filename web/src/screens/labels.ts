import { enumValues, type EnumOf } from '../api/graphql.ts';

/** Display names of the schema's enum values, where the raw value would read badly. */
export const VENDOR_LABELS: Record<string, string> = { SAGEMAKER: 'SageMaker', MLFLOW: 'MLflow', DATAROBOT: 'DataRobot', DOMINO: 'Domino' };
export const LIFECYCLE_STATES = ['DEVELOPMENT', 'VALIDATION', 'APPROVED', 'PRODUCTION', 'RETIRED'] as const;
/** Lowest first: the console tells a lowering from a raise by this order. */
export const RISK_TIERS = enumValues<EnumOf<'RiskTier'>>()(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
export const VENDORS = ['SAGEMAKER', 'MLFLOW', 'DATAROBOT', 'DOMINO'] as const;

export function stateTone(state: string | null | undefined): 'neutral' | 'good' | 'warn' | 'bad' | 'info' {
  switch (state) {
    case 'PRODUCTION':
    case 'APPLIED':
    case 'SUCCEEDED':
    case 'DONE':
      return 'good';
    case 'APPROVED':
    case 'VALIDATION':
    case 'PENDING':
    case 'RUNNING':
    case 'QUEUED':
      return 'info';
    case 'PARTIAL':
    case 'EXPIRED':
    case 'SUPERSEDED':
    case 'CANCELLED':
      return 'warn';
    case 'FAILED':
    case 'REJECTED':
      return 'bad';
    default:
      return 'neutral';
  }
}
