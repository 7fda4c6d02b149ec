/** Reading orders: on the writer, so an order is visible the moment checkout returns (no replica lag). */
import type pg from "pg";
import { findOrder, type Order } from "./order-repository";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function orderForSession(writer: pg.Pool, id: string, sessionId: string): Promise<Order | null> {
  // Not a UUID: no such order (and no query error for the database to report).
  if (!UUID.test(id)) return null;
  return findOrder(writer, id.toLowerCase(), sessionId);
}
