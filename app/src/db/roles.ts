/**
 * The database roles. The owner (the cluster's master user on Aurora, the
 * server's superuser locally) owns the schema and runs the migrations; the API
 * serves requests as the application role, which migration 0003 creates with
 * DML on the tables the API uses and nothing else. Its password is set by the
 * migration runner from the credentials the deployment gives it (RDS Proxy's
 * secret for that role in AWS, the local URL locally), never from the code.
 */
import type pg from "pg";

/** The application role's name (the infrastructure's proxy secret and `rds-db:connect` name it too). */
export const APP_ROLE = "shop_app";

/**
 * Sets the application role's password (and LOGIN) to the deployment's value. Run by the owner after the
 * migrations, every time: a rotated secret is applied on the next deploy-time invocation.
 */
export async function setAppRolePassword(pool: pg.Pool, password: string): Promise<void> {
  if (password.length < 16) throw new Error(`the ${APP_ROLE} password must have at least 16 characters`);
  const client = await pool.connect();
  try {
    // A utility statement takes no bind parameters: the literal is escaped by the driver.
    await client.query(`ALTER ROLE ${client.escapeIdentifier(APP_ROLE)} WITH LOGIN PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    client.release();
  }
}
