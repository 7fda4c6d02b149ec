// dynalite ships no type declarations; this is the part of its API we use.
declare module "dynalite" {
  import type { Server } from "node:http";
  interface DynaliteOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    verbose?: boolean;
  }
  export default function dynalite(options?: DynaliteOptions): Server;
}
