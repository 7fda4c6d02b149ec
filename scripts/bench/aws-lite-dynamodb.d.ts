/** The aws-lite DynamoDB plugin ships no types; the bench passes it to the client as a plugin only. */
declare module "@aws-lite/dynamodb";
