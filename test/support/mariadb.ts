/** The throwaway MariaDB server of the drills, for tests (scripts/drills/throwaway-mariadb.ts). */
export { mariadbAvailable, startThrowawayMariadb, type ThrowawayMariadb } from "../../scripts/drills/throwaway-mariadb";
