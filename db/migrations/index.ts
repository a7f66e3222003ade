import type { Migration } from "kysely";
import * as m0001 from "./0001_foundation";
import * as m0002 from "./0002_assessments";
import * as m0003 from "./0003_hashlist";
import * as m0004 from "./0004_hash_entry_snapshot_index";
import * as m0005 from "./0005_collaboration";
import * as m0006 from "./0006_reports";
import * as m0007 from "./0007_jobs";
import * as m0008 from "./0008_row_versions";
import * as m0009 from "./0009_min_seq_raised_at";

/**
 * Every migration, in order. Listed statically (not read from the folder) so that the bundled server
 * and the tests run exactly the same set. Names sort in the order they run.
 */
export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_assessments": m0002,
  "0003_hashlist": m0003,
  "0004_hash_entry_snapshot_index": m0004,
  "0005_collaboration": m0005,
  "0006_reports": m0006,
  "0007_jobs": m0007,
  "0008_row_versions": m0008,
  "0009_min_seq_raised_at": m0009,
};
