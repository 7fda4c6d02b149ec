/**
 * The Lambda bundle's stand-in for `@aws-sdk/credential-provider-node`
 * (scripts/bundle.ts aliases that package to this module).
 *
 * Every SDK client statically imports the default credential chain, and with it
 * the SSO, INI, process, web-identity, container and IMDS providers and the
 * STS/SSO/Signin clients they use: about 130 KiB of the bundle that a cold start
 * has to compile. Lambda never needs them: it passes the function role's
 * credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN,
 * which is the chain's first link (`fromEnv`). So in the bundle the chain is
 * that link alone; a missing variable fails with the SDK's own
 * CredentialsProviderError. Outside the bundle (tests, `npm start`) the real
 * chain is used; local mode passes fixed credentials to dynalite anyway.
 *
 * Exports the same names as the package it replaces. `@aws-sdk/credential-providers`
 * is aliased here too, for its `fromNodeProviderChain` (all the RDS signer
 * imports from it): its index would otherwise bring every provider back.
 */
import { fromEnv } from "@aws-sdk/credential-provider-env";

type FromEnvInit = Parameters<typeof fromEnv>[0];
type Credentials = Awaited<ReturnType<ReturnType<typeof fromEnv>>>;

/** Credentials from the environment, as Lambda provides them. */
export const defaultProvider = (init: FromEnvInit = {}): ReturnType<typeof fromEnv> => fromEnv(init);

/** As in the package replaced: credentials with an expiry are refreshed... */
export const credentialsWillNeedRefresh = (credentials?: Credentials): boolean => credentials?.expiration !== undefined;

/** ...once they are within 5 minutes of it. */
export const credentialsTreatedAsExpired = (credentials?: Credentials): boolean =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;

/** `@aws-sdk/credential-providers`' name for the default chain (the RDS signer's credentials). */
export const fromNodeProviderChain = (init: FromEnvInit = {}): ReturnType<typeof fromEnv> => fromEnv(init);
