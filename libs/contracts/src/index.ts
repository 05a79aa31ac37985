// Public API: an explicit list of exports.
export {
  ERROR_CODES,
  ERROR_STATUS,
  ErrorCodeSchema,
  ProblemSchema,
  ProblemFieldErrorSchema,
  PROBLEM_CONTENT_TYPE,
  DEFAULT_RETRY_AFTER_SECONDS,
  AppError,
  isAppError,
  toProblem,
  problemFromError,
  problemType,
  validationError,
  parseOrThrow,
} from './problem';
export type {
  ErrorCode,
  Problem,
  ProblemFieldError,
  ProblemResponse,
  AppErrorOptions,
} from './problem';

export { BASE64URL_PATTERN, TimestampSchema, UuidSchema } from './common';

export {
  KEY_TYPES,
  KeyTypeSchema,
  SIGNING_ALGS,
  SigningAlgSchema,
  SIGNING_ALG_BY_KEY_TYPE,
  KeyIdSchema,
  PublicJwkSchema,
  CreateKeyRequestSchema,
  KeySchema,
  KeyListSchema,
  MAX_SIGN_PAYLOAD_BYTES,
  SignRequestSchema,
  SignResponseSchema,
  KeyIdParamsSchema,
  KEY_CUSTODIES,
  KeyCustodySchema,
  KeyVersionSchema,
} from './keys';
export type {
  KeyType,
  SigningAlg,
  KeyId,
  PublicJwk,
  CreateKeyRequest,
  Key,
  KeyList,
  SignRequest,
  SignResponse,
  KeyCustody,
  KeyVersion,
} from './keys';

export {
  MAX_SECRET_NAME_LENGTH,
  MAX_SECRET_VALUE_BYTES,
  SecretNameSchema,
  isValidSecretName,
  SecretVersionSchema,
  PutSecretRequestSchema,
  PutSecretResponseSchema,
  SecretSchema,
  SecretNameListSchema,
  SecretListQuerySchema,
  SecretListCursorSchema,
  DEFAULT_SECRET_LIST_LIMIT,
  MAX_SECRET_LIST_LIMIT,
  SecretNameParamsSchema,
  SecretVersionQuerySchema,
} from './secrets';
export type {
  SecretName,
  PutSecretRequest,
  PutSecretResponse,
  Secret,
  SecretNameList,
  SecretListQuery,
  SecretVersionQuery,
} from './secrets';

export {
  WalletIdSchema,
  WalletSeedHexSchema,
  CreateWalletRequestSchema,
  WalletSchema,
  WalletLoginSchema,
  CreatedWalletSchema,
  WalletPageSchema,
  MAX_PAGE_LIMIT,
  PageQuerySchema,
  WalletIdParamsSchema,
} from './wallets';
export type {
  WalletId,
  CreateWalletRequest,
  Wallet,
  WalletLogin,
  CreatedWallet,
  WalletPage,
  PageQuery,
} from './wallets';

export { HealthSchema, ReadinessCheckSchema, ReadinessSchema } from './system';
export type { Health, ReadinessCheck, Readiness } from './system';

export { toExpressPath, joinMultiSegmentParam, buildPath } from './routes';
export type {
  HttpMethod,
  RouteAuth,
  RouteContract,
  ExtraResponse,
} from './routes';
export { METRICS_CONTENT_TYPE } from './system-routes';

export {
  AGENT_ROUTES,
  API_KEY_HEADER,
  ADMIN_API_KEY_HEADER,
  CONSUMER_USERNAME_HEADER,
  REQUEST_ID_HEADER,
} from './agent-api';
export type { AgentRouteName } from './agent-api';
export {
  WALLET_ROUTES,
  WALLET_API_PREFIX,
  SERVICE_TOKEN_HEADER,
} from './wallet-api';
export type { WalletRouteName } from './wallet-api';

export { API_VERSION, buildOpenApiDocument } from './openapi';
export {
  agentOpenApiDocument,
  walletOpenApiDocument,
  renderOpenApiDocuments,
} from './openapi-documents';
