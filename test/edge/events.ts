/** CloudFront viewer-request events shaped like the ones AWS documents for Lambda@Edge. */
import type { CloudFrontHeaders, CloudFrontRequestEvent } from "aws-lambda";

export interface ViewerRequestOptions {
  uri: string;
  method?: string;
  querystring?: string;
  /** Each entry is one Cookie header as CloudFront passes it (several are possible). */
  cookies?: string[];
  requestId?: string;
}

export function viewerRequest({ uri, method = "GET", querystring = "", cookies = [], requestId }: ViewerRequestOptions): CloudFrontRequestEvent {
  const headers: CloudFrontHeaders = {
    host: [{ key: "Host", value: "d111111abcdef8.cloudfront.net" }],
    "user-agent": [{ key: "User-Agent", value: "Mozilla/5.0 (integration test)" }],
    accept: [{ key: "Accept", value: "application/json" }],
  };
  if (cookies.length > 0) headers.cookie = cookies.map((value) => ({ key: "Cookie", value }));
  if (requestId !== undefined) headers["x-request-id"] = [{ key: "X-Request-Id", value: requestId }];
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: "d111111abcdef8.cloudfront.net",
            distributionId: "EDFDVBD6EXAMPLE",
            eventType: "viewer-request",
            requestId: "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
          },
          request: { clientIp: "203.0.113.178", headers, method, querystring, uri },
        },
      },
    ],
  };
}
