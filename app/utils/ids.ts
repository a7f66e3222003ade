import { v7 as uuidv7 } from "uuid";

/** Application-generated ids: UUIDv7, time-ordered so that keyset pages and indexes stay compact. */
export function newId(): string {
  return uuidv7();
}
