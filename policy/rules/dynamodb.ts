/** DynamoDB: attribute definitions are for keys only; tables are encrypted with a KMS key. */
import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import { resourcePolicy } from "../lib/define";
import { label } from "../lib/stack";

type TableProps = {
  hashKey?: string;
  rangeKey?: string;
  globalSecondaryIndexes?: { hashKey?: string; rangeKey?: string; keySchemas?: { attributeName: string }[] }[];
  localSecondaryIndexes?: { rangeKey: string }[];
};

/** Attribute names used as table or index keys. */
export function keyAttributes(t: TableProps): Set<string> {
  const keys = new Set<string>();
  const add = (k: string | undefined) => k && keys.add(k);
  add(t.hashKey);
  add(t.rangeKey);
  for (const g of t.globalSecondaryIndexes ?? []) {
    add(g.hashKey);
    add(g.rangeKey);
    for (const ks of g.keySchemas ?? []) add(ks.attributeName);
  }
  for (const l of t.localSecondaryIndexes ?? []) add(l.rangeKey);
  return keys;
}

export const dynamodbAttributesKeysOnly = resourcePolicy({
  name: "dynamodb-attributes-keys-only",
  description:
    "A DynamoDB table declares exactly its key and index attributes in `attributes` (declaring any other, such as the TTL attribute, fails the deploy).",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.dynamodb.Table, (t, args, report) => {
    const keys = keyAttributes(t as TableProps);
    const declared = (t.attributes ?? []).map((a) => a.name);
    const ttl = t.ttl?.enabled !== false ? t.ttl?.attributeName : undefined;
    const seen = new Set<string>();
    for (const name of declared) {
      if (seen.has(name)) report(`${label(args)}: attribute "${name}" is declared twice.`);
      seen.add(name);
      if (keys.has(name)) continue;
      const why = name === ttl ? " it is the TTL attribute, which must not be declared" : " it is not a table or index key";
      report(`${label(args)}: attribute "${name}" is declared but${why}; attributes may list only key attributes (${[...keys].join(", ") || "none"}).`);
    }
    for (const k of keys) if (!seen.has(k)) report(`${label(args)}: key attribute "${k}" is used by the table or an index but not declared in attributes.`);
  }),
});

export const dynamodbEncryption = resourcePolicy({
  name: "dynamodb-encryption",
  description: "DynamoDB tables use KMS server-side encryption (serverSideEncryption.enabled), so key use is auditable.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.dynamodb.Table, (t, args, report) => {
    if (t.serverSideEncryption?.enabled !== true)
      report(`${label(args)}: serverSideEncryption.enabled is not true; enable KMS encryption (AWS managed or customer key).`);
  }),
});

export const dynamodbPolicies = [dynamodbAttributesKeysOnly, dynamodbEncryption];
