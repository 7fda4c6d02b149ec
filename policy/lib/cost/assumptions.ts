/**
 * What the cost model assumes about traffic and data: the request mix (docs/cost.md states
 * and explains every figure). Only these numbers are guesses; the resources, their sizes and
 * counts come from the program.
 */
export interface RequestType {
  /** Share of API requests of this type (the shares add up to 1). */
  share: number;
  /** DynamoDB read / write request units per request. */
  dynamodbReadUnits: number;
  dynamodbWriteUnits: number;
  /** SQL statements per request that reach Aurora (cache misses included). */
  databaseQueries: number;
}

export interface CostAssumptions {
  /** Billed Lambda duration per API request (Little's law default of the preflight's capacity check). */
  durationMs: number;
  /** Share of API requests from browsers through CloudFront and the ALB; the rest are API clients through API Gateway. */
  browserShare: number;
  /** Bytes of an API response (headers and body) and of a request. */
  responseBytes: number;
  requestBytes: number;
  /** Static files fetched from CloudFront per browser API request, and their average size. */
  staticRequestsPerBrowserRequest: number;
  staticResponseBytes: number;
  /** Lambda@Edge viewer-request guard duration. */
  edgeDurationMs: number;
  /** Origin connections CloudFront opens to the ALB per request (it reuses connections). */
  albNewConnectionsPerRequest: number;
  requestTypes: Record<string, RequestType>;
  /** Statements per second one ACU serves (simple indexed statements). */
  databaseQueriesPerAcuSecond: number;
  /** Share of the statements the writer runs (writes, checkout, order reads); readers run the rest (catalog and cart price reads). */
  writerShareOfStatements: number;
  /** Aurora I/O operations per statement (most reads are served from the buffer cache). */
  auroraIoPerQuery: number;
  /** Bytes of log per request: the API function's structured log, API Gateway's access log line, VPC flow log records. */
  functionLogBytesPerRequest: number;
  accessLogBytesPerRequest: number;
  flowLogBytesPerRequest: number;
  /** Bytes per request leaving the private subnets through NAT (X-Ray segment uploads; DynamoDB and S3 use gateway endpoints). */
  natBytesPerRequest: number;
  /** Share of requests X-Ray records (the default sampling rule: 1 request/s, then 5%). */
  tracedShare: number;
  /** Stored data, which no program states. */
  auroraStorageGb: number;
  dynamodbStorageGbPerTable: number;
  s3StorageGbPerBucket: number;
  ecrStorageGbPerRepository: number;
  /** Months of logs kept when a log group never expires. */
  logMonthsWhenRetainedForever: number;
  /** Average load as a share of the stack's peak, when no --requests-per-month is given. */
  averageShareOfPeak: number;
  /** The account's Lambda concurrency quota, which an unreserved function shares. */
  accountConcurrency: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
  durationMs: 100,
  browserShare: 0.8,
  responseBytes: 4096,
  requestBytes: 1024,
  staticRequestsPerBrowserRequest: 1,
  staticResponseBytes: 20_000,
  edgeDurationMs: 5,
  albNewConnectionsPerRequest: 0.1,
  requestTypes: {
    catalogRead: { share: 0.85, dynamodbReadUnits: 2, dynamodbWriteUnits: 0, databaseQueries: 0.2 },
    cartWrite: { share: 0.12, dynamodbReadUnits: 1, dynamodbWriteUnits: 1, databaseQueries: 3 },
    checkout: { share: 0.03, dynamodbReadUnits: 1, dynamodbWriteUnits: 2, databaseQueries: 10 },
  },
  databaseQueriesPerAcuSecond: 200,
  writerShareOfStatements: 0.8,
  auroraIoPerQuery: 0.5,
  functionLogBytesPerRequest: 1000,
  accessLogBytesPerRequest: 700,
  flowLogBytesPerRequest: 100,
  natBytesPerRequest: 500,
  tracedShare: 0.05,
  auroraStorageGb: 10,
  dynamodbStorageGbPerTable: 1,
  s3StorageGbPerBucket: 1,
  ecrStorageGbPerRepository: 1,
  logMonthsWhenRetainedForever: 12,
  averageShareOfPeak: 0.1,
  accountConcurrency: 1000,
};

/** Per-request averages over the request mix. */
export function mixAverages(a: CostAssumptions): { dynamodbReadUnits: number; dynamodbWriteUnits: number; databaseQueries: number } {
  const types = Object.values(a.requestTypes);
  const total = types.reduce((s, t) => s + t.share, 0);
  const avg = (f: (t: RequestType) => number) => types.reduce((s, t) => s + t.share * f(t), 0) / total;
  return {
    dynamodbReadUnits: avg((t) => t.dynamodbReadUnits),
    dynamodbWriteUnits: avg((t) => t.dynamodbWriteUnits),
    databaseQueries: avg((t) => t.databaseQueries),
  };
}
