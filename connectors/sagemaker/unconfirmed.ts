/**
 * Everything the SageMaker connector relies on that the reference (`source-apis.md` §1) marks `unconfirmed`,
 * in one place, so a check against the real service changes only this file.
 */

/**
 * Describe* of an object that no longer exists answers 400 `ValidationException`; the wording is unconfirmed.
 * Seen in the wild: "ModelPackage … does not exist", "Could not find endpoint …", "Could not find model …".
 * `ResourceNotFound` is the declared type for a few operations and is accepted as well.
 */
const NOT_FOUND_MESSAGE = /does not exist|could not find|not found|cannot be found/i;

export function isVanishedResourceError(name: string, message: string): boolean {
  if (name === 'ResourceNotFound' || name === 'ResourceNotFoundException') return true;
  return name === 'ValidationException' && NOT_FOUND_MESSAGE.test(message);
}

/**
 * Error types that mean "these credentials are not accepted". Their HTTP status per type (400 or 403) is
 * unconfirmed, so the connector classifies by type name and treats any 401/403 as authentication too.
 */
export const AUTH_ERROR_NAMES: ReadonlySet<string> = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'AccessDeniedException',
  'ExpiredTokenException',
  'MissingAuthenticationTokenException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
]);

/**
 * Versioned package ARNs lower-case the group name (`…:model-package/<lower-cased group>/<n>`): moto does it,
 * AWS is unconfirmed. The connector never builds these ARNs (it keys versions by the `ModelPackageArn` it is
 * given); only the simulator does.
 */
export function versionedPackageArnPath(groupName: string, version: number): string {
  return `model-package/${groupName.toLowerCase()}/${version}`;
}

/**
 * Console deep links. The classic console fragment for endpoints is widely used; the model registry lives in
 * SageMaker Studio, whose URLs depend on the domain, so groups and packages get the console's registry page.
 */
export function endpointConsoleUrl(region: string, endpointName: string): string {
  return `https://${region}.console.aws.amazon.com/sagemaker/home?region=${region}#/endpoints/${encodeURIComponent(endpointName)}`;
}

export function modelPackageGroupConsoleUrl(region: string, groupName: string): string {
  return `https://${region}.console.aws.amazon.com/sagemaker/home?region=${region}#/model-registry/${encodeURIComponent(groupName)}`;
}

/** Runtime URL clients call for predictions (the documented InvokeEndpoint route). */
export function endpointInvocationUrl(region: string, endpointName: string): string {
  return `https://runtime.sagemaker.${region}.amazonaws.com/endpoints/${encodeURIComponent(endpointName)}/invocations`;
}
