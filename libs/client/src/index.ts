// Public API of @secret-flows/client: an explicit list of exports.
export { createClient } from './client';
export type {
  ClientOptions,
  CallOptions,
  SecretGetOptions,
  SecretListOptions,
  WalletListOptions,
  SecretFlowsClient,
} from './client';
export {
  SecretFlowsError,
  isSecretFlowsError,
  codeForStatus,
  parseRetryAfter,
} from './errors';
export type { SecretFlowsErrorInit } from './errors';
export {
  SDK_OPERATIONS,
  AGENT_PREFIX,
  LOGIN_PATH,
  TOKEN_PATH,
} from './operations';
export type { OperationName } from './operations';
export { decodeClaims } from './session';
export type { Credentials, LoginInfo, TokenInfo } from './session';
export type { FetchLike, Sleep, ResponseInfo } from './transport';

// The contract types an application handles, so it needs no second import.
export { ERROR_CODES } from '@secret-flows/contracts';
export type {
  ErrorCode,
  Problem,
  ProblemFieldError,
  CreateKeyRequest,
  Key,
  KeyList,
  KeyType,
  PublicJwk,
  SignRequest,
  SignResponse,
  PutSecretRequest,
  PutSecretResponse,
  Secret,
  SecretNameList,
  CreateWalletRequest,
  CreatedWallet,
  Wallet,
  WalletPage,
  Health,
} from '@secret-flows/contracts';
